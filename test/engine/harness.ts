/**
 * Engine test harness: a sandbox node in-process (fast blocks), real
 * encrypted profiles in a temp directory (TEST_KDF), the real Taquito chain
 * adapter, and a system clock. `party()` makes a funded, registered
 * identity with its own profile and engine.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChain, type MizuChain } from '../../src/adapters/chain/index.js';
import { systemRandom } from '../../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../../src/engine/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { createProfile, openProfile, type Store, TEST_KDF } from '../../src/store/index.js';
import { PASSPHRASE, systemClock } from './testClock.js';

export { PASSPHRASE, systemClock };

export interface Party {
  readonly name: string;
  readonly home: string;
  readonly address: string;
  store: Store;
  chain: MizuChain;
  engine: Engine;
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'mizu-engine-'));
  sandbox!: Sandbox;
  readonly parties: Party[] = [];

  async start(blockTime = 0.1, opts: { maxOperationsTtl?: number } = {}): Promise<void> {
    this.sandbox = await startSandbox({ port: 0, blockTime, ...opts });
  }

  async chain(url = this.sandbox.url): Promise<MizuChain> {
    return createChain({
      urls: [url],
      contract: this.sandbox.contract,
      pollMs: 25,
      timeoutMs: 10_000,
    });
  }

  async fund(address: string, mutez = 100_000_000n): Promise<void> {
    const r = await fetch(`${this.sandbox.url}/mizu/faucet`, {
      method: 'POST',
      body: JSON.stringify({ address, amount: String(mutez) }),
    });
    if (r.status !== 200) throw new Error(`faucet: ${r.status} ${await r.text()}`);
    const chain = await this.chain();
    try {
      for (let i = 0; i < 400; i++) {
        if ((await chain.balance(address, 'directory')) >= mutez) return;
        await systemClock.sleep(25);
      }
      throw new Error(`faucet: ${address} not funded in time`);
    } finally {
      await chain.close();
    }
  }

  /** A new profile with one identity, funded and (unless told otherwise) registered. */
  async party(
    name: string,
    opts: {
      secretKey?: string;
      publish?: boolean;
      rpcUrl?: string;
      home?: string;
      isolatedCounterReads?: boolean;
      prekeyGraceMs?: number;
    } = {},
  ): Promise<Party> {
    const home = opts.home ?? join(this.dir, `${name}-${randomBytes(4).toString('hex')}`);
    const store = createProfile({
      home,
      passphrase: PASSPHRASE,
      migrations: MIGRATIONS,
      kdf: TEST_KDF,
    });
    const chain = await this.chain(opts.rpcUrl);
    const engine = new Engine({
      store,
      chain,
      clock: systemClock,
      random: systemRandom,
      network: 'sandbox',
      ...(opts.isolatedCounterReads !== undefined
        ? { isolatedCounterReads: opts.isolatedCounterReads }
        : {}),
      ...(opts.prekeyGraceMs !== undefined ? { prekeyGraceMs: opts.prekeyGraceMs } : {}),
    });
    const id = await engine.createIdentity({
      name,
      ...(opts.secretKey ? { secretKey: opts.secretKey } : {}),
    });
    await this.fund(id.address);
    if (opts.publish !== false) await engine.publishBundle();
    const p: Party = { name, home, address: id.address, store, chain, engine };
    this.parties.push(p);
    return p;
  }

  /** Closes and reopens a party's profile (as a new process would). */
  async reopen(p: Party): Promise<void> {
    p.store.close();
    await p.chain.close();
    p.store = openProfile({ home: p.home, passphrase: PASSPHRASE, migrations: MIGRATIONS });
    p.chain = await this.chain();
    p.engine = new Engine({
      store: p.store,
      chain: p.chain,
      clock: systemClock,
      random: systemRandom,
      network: 'sandbox',
    });
  }

  async close(): Promise<void> {
    for (const p of this.parties) {
      try {
        p.store.close();
      } catch {}
      await p.chain.close().catch(() => {});
    }
    await this.sandbox?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Texts of a party's conversation with a contact, oldest first, with their direction. */
export function transcript(p: Party, contact: string): string[] {
  return p.engine.messages(contact).map((m) => `${m.direction === 'in' ? '<' : '>'} ${m.text}`);
}
