/**
 * Posting raw bytes on the sandbox, bypassing the engine (tests): an account
 * signs one operation holding many contract calls (`post` of up to 8
 * entries, or `request`), injects it, and the test bakes the block. This is
 * how an attacker (or a buggy client) fills a postal box or a request box
 * with whatever bytes the contract accepts.
 */

import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import type { Sandbox } from '../../src/sandbox/server.js';

/** The node's bound on one operation, and a margin for the envelope and signature. */
const MAX_OPERATION_BYTES = 32_768 - 512;
/** The contract's bounds (docs/contract.md). */
const ENTRIES_PER_POST = 8;

export interface Call {
  readonly entrypoint: 'post' | 'request';
  readonly value: unknown;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class RawPoster {
  readonly #forger = new LocalForger();
  readonly #signer: InMemorySigner;
  readonly #sandbox: Sandbox;
  address = '';

  private constructor(sandbox: Sandbox, signer: InMemorySigner) {
    this.#sandbox = sandbox;
    this.#signer = signer;
  }

  static async of(sandbox: Sandbox, secretKey: string): Promise<RawPoster> {
    const p = new RawPoster(sandbox, await InMemorySigner.fromSecretKey(secretKey));
    p.address = await p.#signer.publicKeyHash();
    return p;
  }

  /** Posts every entry to our own postal box, in order, in as few operations as fit. */
  async postAll(entries: readonly Uint8Array[]): Promise<void> {
    const calls: Call[] = [];
    for (let i = 0; i < entries.length; i += ENTRIES_PER_POST) {
      const chunk = entries.slice(i, i + ENTRIES_PER_POST);
      calls.push({ entrypoint: 'post', value: chunk.map((e) => ({ bytes: hex(e) })) });
    }
    await this.sendAll(calls);
  }

  /** Sends each sealed request to `recipient`'s request box, in order. */
  async requestAll(recipient: string, sealed: readonly Uint8Array[]): Promise<void> {
    await this.sendAll(
      sealed.map((s) => ({
        entrypoint: 'request',
        value: { prim: 'Pair', args: [{ string: recipient }, { bytes: hex(s) }] },
      })),
    );
  }

  /** Groups calls into operations under the size bound; one block per operation. */
  async sendAll(calls: readonly Call[]): Promise<void> {
    let group: Call[] = [];
    let bytes = 0;
    for (const c of calls) {
      const size = 120 + JSON.stringify(c.value).length / 2;
      if (group.length > 0 && (bytes + size > MAX_OPERATION_BYTES || group.length >= 24)) {
        await this.#inject(group);
        group = [];
        bytes = 0;
      }
      group.push(c);
      bytes += size;
    }
    if (group.length > 0) await this.#inject(group);
  }

  async #inject(calls: readonly Call[]): Promise<void> {
    const sandbox = this.#sandbox;
    let counter = sandbox.node.store.account(this.address)!.counter;
    const contents = calls.map((c) => ({
      kind: 'transaction',
      source: this.address,
      fee: '40000',
      gas_limit: '40000',
      // bytes stored: the entries (half their hex) and ~78 bytes of keys and time each
      storage_limit: String(Math.ceil(JSON.stringify(c.value).length / 2) + 8 * 100),
      counter: String(++counter),
      amount: '0',
      destination: sandbox.contract,
      parameters: { entrypoint: c.entrypoint, value: c.value },
    }));
    const forged = await this.#forger.forge({
      branch: sandbox.node.head().hash,
      contents: contents as never,
    });
    const signed = (await this.#signer.sign(forged, new Uint8Array([3]))).sbytes;
    const r = await fetch(`${sandbox.url}/injection/operation`, {
      method: 'POST',
      body: JSON.stringify(signed),
    });
    if (r.status !== 200) throw new Error(`injection refused: ${r.status} ${await r.text()}`);
    sandbox.bake();
  }
}
