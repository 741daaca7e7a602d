/**
 * The Tor tests' world: a sandbox node in-process on 127.0.0.1, reachable by
 * the profiles only through the private Tor network, and the instruments
 * that watch how they reach it.
 *
 *  profile ─ chain adapter ─ SOCKS5 (per-group credentials) ─ Tor client ─ relays ─ exit
 *     exit ─ resolves node-<run>.mizu-tor.test (exitOnlyDns) ─ exit gate ─ sandbox
 *
 * - The RPC URL names a host that only the exits can resolve, so a request
 *   that bypassed the proxy could not reach the node at all.
 * - The gate records which process opened each connection to the node.
 * - The ControlPort reports every stream, its circuit and SOCKS username.
 *
 * Each profile's chain adapter gets a seeded Random, so the test can
 * recompute the SOCKS username of each isolation group (the adapter derives
 * its isolation secret from the first 32 bytes it draws) and say which group
 * a stream belongs to; the tests check that mapping against what Tor saw.
 * Funding (the faucet) is test set-up, not a profile's request, and goes to
 * the sandbox directly.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChain, type MizuChain } from '../../src/adapters/chain/index.js';
import { IsolationCredentials } from '../../src/adapters/chain/socks.js';
import { systemClock } from '../../src/adapters/systemClock.js';
import { systemRandom } from '../../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../../src/engine/index.js';
import type { IsolationGroup } from '../../src/ports/chain.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { createProfile, type Store, TEST_KDF } from '../../src/store/index.js';
import { seededRandom } from '../../test/helpers/fixtures.js';
import { ControlPort, type StreamEvent } from './controlPort.js';
import { type ExitGate, startExitGate } from './exitGate.js';
import { assertUnresolvableHere, type ExitOnlyDns, startExitOnlyDns } from './exitOnlyDns.js';
import { type TorEnv, torEnv } from './torEnv.js';

export const TEST_DOMAIN = 'mizu-tor.test';
const PASSPHRASE = 'tor test passphrase';

export { systemClock };

export interface TorParty {
  readonly name: string;
  readonly address: string;
  readonly store: Store;
  readonly chain: MizuChain;
  readonly engine: Engine;
  /** The SOCKS username this profile's adapter uses for `group` (undefined: direct). */
  username(group: IsolationGroup): string | undefined;
}

export class TorWorld {
  readonly tor: TorEnv = torEnv();
  readonly dir = mkdtempSync(join(tmpdir(), 'mizu-tor-'));
  readonly run = randomBytes(4).toString('hex');
  /** The node's name, resolvable only at the exits. */
  readonly host = `node-${this.run}.${TEST_DOMAIN}`;
  sandbox!: Sandbox;
  gate!: ExitGate;
  dns!: ExitOnlyDns;
  control!: ControlPort;
  readonly parties: TorParty[] = [];

  /** The node's URL as the profiles use it (through Tor). */
  get torUrl(): string {
    return `http://${this.host}:${this.gate.port}`;
  }

  async start(blockTime: number): Promise<void> {
    await assertUnresolvableHere(this.host);
    this.sandbox = await startSandbox({ port: 0, blockTime });
    this.gate = await startExitGate(Number(new URL(this.sandbox.url).port), this.tor.dir);
    this.dns = await startExitOnlyDns(TEST_DOMAIN);
    this.control = await ControlPort.open({
      port: this.tor.controlPort,
      cookieFile: this.tor.cookieFile,
    });
    await this.control.watchStreams();
  }

  /** A chain adapter through Tor (or direct to the sandbox), with recomputable credentials. */
  async chain(
    viaTor: boolean,
    seed: string,
  ): Promise<{ chain: MizuChain; credentials: IsolationCredentials }> {
    const chain = await createChain({
      urls: [viaTor ? this.torUrl : this.sandbox.url],
      contract: this.sandbox.contract,
      ...(viaTor ? { socks5: `${this.tor.socksHost}:${this.tor.socksPort}` } : {}),
      random: seededRandom(seed),
      pollMs: 50,
      timeoutMs: 30_000,
    });
    return { chain, credentials: new IsolationCredentials(seededRandom(seed)) };
  }

  /** Faucet, straight to the sandbox (set-up), then waits until the balance shows. */
  async fund(address: string, mutez = 100_000_000n): Promise<void> {
    const r = await fetch(`${this.sandbox.url}/mizu/faucet`, {
      method: 'POST',
      body: JSON.stringify({ address, amount: String(mutez) }),
    });
    if (r.status !== 200) throw new Error(`faucet: ${r.status} ${await r.text()}`);
    const balanceUrl = `${this.sandbox.url}/chains/main/blocks/head/context/contracts/${address}/balance`;
    for (let i = 0; i < 400; i++) {
      const b = await fetch(balanceUrl);
      if (b.status === 200 && BigInt((await b.json()) as string) >= mutez) return;
      await systemClock.sleep(25);
    }
    throw new Error(`faucet: ${address} not funded in time`);
  }

  /** A new profile with one identity, funded and registered (through Tor unless told otherwise). */
  async party(
    name: string,
    opts: { viaTor?: boolean; isolatedCounterReads?: boolean } = {},
  ): Promise<TorParty> {
    const viaTor = opts.viaTor ?? true;
    const home = join(this.dir, `${name}-${randomBytes(4).toString('hex')}`);
    const store = createProfile({
      home,
      passphrase: PASSPHRASE,
      migrations: MIGRATIONS,
      kdf: TEST_KDF,
    });
    const { chain, credentials } = await this.chain(viaTor, `${this.run}/${name}`);
    const engine = new Engine({
      store,
      chain,
      clock: systemClock,
      random: systemRandom,
      network: 'sandbox',
      ...(opts.isolatedCounterReads !== undefined
        ? { isolatedCounterReads: opts.isolatedCounterReads }
        : {}),
    });
    const id = await engine.createIdentity({ name });
    await this.fund(id.address);
    await engine.publishBundle();
    const party: TorParty = {
      name,
      address: id.address,
      store,
      chain,
      engine,
      username: (group) => (viaTor ? credentials.of(group).userId : undefined),
    };
    this.parties.push(party);
    return party;
  }

  /** Stream id → the target the SOCKS client asked for (NEW events; later ones carry the IP). */
  requestedTargets(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.control.streams) if (s.status === 'NEW') out.set(s.id, s.target);
    return out;
  }

  /** Succeeded streams to the node (by the name the client asked for), from index `from` on. */
  nodeStreams(from = 0): StreamEvent[] {
    const targets = this.requestedTargets();
    const want = `${this.host}:${this.gate.port}`;
    return this.control.streams
      .slice(from)
      .filter((s) => s.status === 'SUCCEEDED' && targets.get(s.id) === want);
  }

  async close(): Promise<void> {
    for (const p of this.parties) {
      try {
        p.store.close();
      } catch {}
      await p.chain.close().catch(() => {});
    }
    await this.control?.close();
    await this.dns?.close();
    await this.gate?.close();
    await this.sandbox?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
