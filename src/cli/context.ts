/**
 * The command line's composition root: from the global options to an open
 * profile, a chain adapter and an engine (and back: `close`). Every command
 * that touches a profile goes through `openContext` or `createContext`.
 *
 * The profile's network is stored in its encrypted database (settings key
 * `cli.network`); the Argon2id cost is the store's default, except under
 * MIZU_INSECURE_TEST_KDF=1, a test-only switch that says so on stderr.
 *
 * Security notes: the passphrase goes from its source straight to the store
 * and is not kept; secret keys given to `init`/`identity create` go straight
 * to the engine. Neither appears in output or errors.
 */

import { createChain, type MizuChain } from '../adapters/chain/index.js';
import { systemClock } from '../adapters/systemClock.js';
import { systemRandom } from '../adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../engine/index.js';
import type { Clock } from '../ports/clock.js';
import {
  createProfile,
  openProfile,
  profileExists,
  readPassphrase,
  resolveHome,
  type Store,
  TEST_KDF,
} from '../store/index.js';
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';
import type { Globals } from './globalOptions.js';
import { type NetworkChoice, parseNetwork } from './network.js';
import { ensureNetwork } from './sandboxNetwork.js';

const NETWORK_KEY = 'cli.network';
/** How often to look for new blocks on a sandbox (the adapter's default, 1 s, is for real networks). */
const SANDBOX_POLL_MS = 200;

export { systemClock };

export interface MizuContext {
  readonly home: string;
  readonly network: NetworkChoice;
  /** The RPC URL of a sandbox (with its faucet), when the network is one. */
  readonly sandboxRpc: string | null;
  readonly store: Store;
  readonly chain: MizuChain;
  readonly engine: Engine;
  readonly clock: Clock;
  close(): Promise<void>;
}

export function homeOf(g: Globals): string {
  return resolveHome({ ...(g.home ? { home: g.home } : {}), env: process.env });
}

/** The passphrase from --passphrase-file or MIZU_PASSPHRASE, or null (then the caller asks). */
export async function givenPassphrase(g: Globals): Promise<string | null> {
  if (!g.passphraseFile && process.env.MIZU_PASSPHRASE === undefined) return null;
  return readPassphrase({
    ...(g.passphraseFile ? { file: g.passphraseFile } : {}),
    env: process.env,
  });
}

/** The passphrase from its sources, or asked on the terminal (twice when `confirm`). */
export function passphrase(g: Globals, confirm: boolean): Promise<string> {
  return readPassphrase({
    ...(g.passphraseFile ? { file: g.passphraseFile } : {}),
    env: process.env,
    prompt: { input: process.stdin, output: process.stderr },
    confirm,
  });
}

function storedNetwork(store: Store): string | null {
  const row = store.db.prepare('SELECT value FROM settings WHERE key = ?').get(NETWORK_KEY) as
    | { value: string }
    | undefined;
  return row?.value ?? null;
}

function storeNetwork(store: Store, spec: string): void {
  store.db
    .prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(NETWORK_KEY, spec);
}

interface Target {
  readonly urls: readonly string[];
  readonly contract?: string;
  readonly faucet: boolean;
}

async function chainFor(g: Globals, network: NetworkChoice): Promise<[Target, MizuChain]> {
  const target = await ensureNetwork(network, {
    quiet: !!g.json || !!g.quiet,
    ...(g.socks5 ? { socks5: g.socks5 } : {}),
  });
  const chain = await createChain({
    urls: target.urls,
    ...(target.contract ? { contract: target.contract } : {}),
    ...(g.socks5 ? { socks5: g.socks5 } : {}),
    random: systemRandom,
    // A sandbox is local and bakes often: watch for blocks more closely than on a real network.
    ...(target.faucet ? { pollMs: SANDBOX_POLL_MS } : {}),
  });
  return [target, chain];
}

function assemble(
  home: string,
  network: NetworkChoice,
  target: Target,
  store: Store,
  chain: MizuChain,
): MizuContext {
  const engine = new Engine({
    store,
    chain,
    clock: systemClock,
    random: systemRandom,
    network: network.spec,
  });
  let closed = false;
  return {
    home,
    network,
    sandboxRpc: target.faucet ? target.urls[0]! : null,
    store,
    chain,
    engine,
    clock: systemClock,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await chain.close();
      } finally {
        store.close();
      }
    },
  };
}

/** Opens the existing profile (asking for its passphrase if needed) and connects. */
export async function openContext(g: Globals, pass?: string): Promise<MizuContext> {
  const home = homeOf(g);
  if (!profileExists(home))
    throw new CliError(`No Mizu profile in ${home}: run \`mizu init\` first`, EXIT.notFound);
  const store = openProfile({
    home,
    passphrase: pass ?? (await passphrase(g, false)),
    migrations: MIGRATIONS,
  });
  let network: NetworkChoice;
  try {
    const stored = storedNetwork(store);
    network = parseNetwork(stored ?? g.network ?? 'sandbox', g.home);
    if (g.network && parseNetwork(g.network, g.home).spec !== network.spec)
      throw new CliError(
        `The profile in ${home} is on ${network.spec}, not ${g.network}: use --home for another profile`,
        EXIT.usage,
      );
    if (!stored) storeNetwork(store, network.spec);
    const [target, chain] = await chainFor(g, network);
    return assemble(home, network, target, store, chain);
  } catch (e) {
    store.close();
    throw e;
  }
}

/** MIZU_INSECURE_TEST_KDF=1 (tests only): the weakest Argon2id cost for new profiles and backups. */
let warned = false;
export function testKdfRequested(): boolean {
  if (process.env.MIZU_INSECURE_TEST_KDF !== '1') return false;
  if (!warned)
    process.stderr.write(
      'mizu: warning: MIZU_INSECURE_TEST_KDF=1: the passphrase gets the weakest Argon2id cost (tests only)\n',
    );
  warned = true;
  return true;
}

/** Creates a new profile (refusing if one exists) on the chosen network and connects. */
export async function createContext(g: Globals, pass?: string): Promise<MizuContext> {
  const home = homeOf(g);
  if (profileExists(home))
    throw new CliError(`A Mizu profile already exists in ${home}`, EXIT.usage);
  const network = parseNetwork(g.network ?? 'sandbox', g.home);
  const testKdf = testKdfRequested();
  const secret = pass ?? (await passphrase(g, true));
  // Reach the network first: a profile is only created once it can be used.
  const [target, chain] = await chainFor(g, network);
  try {
    const store = createProfile({
      home,
      passphrase: secret,
      migrations: MIGRATIONS,
      ...(testKdf ? { kdf: TEST_KDF } : {}),
    });
    storeNetwork(store, network.spec);
    return assemble(home, network, target, store, chain);
  } catch (e) {
    await chain.close();
    throw e;
  }
}

/** Runs `fn` with the open profile, closing it afterwards whatever happens. */
export async function withContext<T>(g: Globals, fn: (ctx: MizuContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(g);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
