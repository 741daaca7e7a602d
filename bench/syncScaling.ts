/**
 * How the engine's sync cost scales, on the sandbox (in this process, blocks
 * baked on demand), with Bob's reads going through a counting HTTP proxy:
 *
 *   tsx bench/syncScaling.ts [--json] [--step N] [--history H] [--sizes 100,400,1600]
 *                            [--shares 0,0.5,0.9,1]
 *
 * Alice's postal box grows; Bob, her contact, syncs after each growth step,
 * so each sync reads exactly the entries added since the previous one.
 * Entries are real: Alice's messages to Bob and her messages to Carol
 * ("foreign" entries for Bob), encrypted by the protocol core with Alice's
 * keys from her profile, and posted 160 per operation.
 *
 * 1. vs history: steps of N new entries (default 500, 90 % foreign) until
 *    the box holds H entries (default 5,000); the time, RPC requests and
 *    bytes of each sync against the entries already behind the cursor.
 *    Expected flat: a sync never re-reads history.
 * 2. vs new entries: then syncs of N ∈ sizes new entries for each foreign
 *    share; expected linear in N, steeper when more entries are Bob's
 *    (a ratchet step and a transaction each) than foreign (a few AES
 *    blocks, no write).
 *
 * The node's own work (running the view that returns each range) happens
 * in this process and is part of the timings, as it would be part of the
 * wait on a real node. With --json the last stdout line is one JSON object
 * with `plots`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { createChain } from '../src/adapters/chain/index.js';
import { systemClock } from '../src/adapters/systemClock.js';
import { systemRandom } from '../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../src/engine/index.js';
import { decodeIdentityKeys } from '../src/engine/keysCodec.js';
import {
  type Conversation,
  createConversation,
  encryptMessage,
  type VerifiedBundle,
  verifyBundle,
} from '../src/protocol/index.js';
import { startSandbox } from '../src/sandbox/server.js';
import { createProfile, TEST_KDF } from '../src/store/index.js';
import { startCountingProxy } from './countingProxy.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const STEP = Number(arg('--step') ?? 500);
const HISTORY = Number(arg('--history') ?? 5_000);
const SIZES = (arg('--sizes') ?? '100,400,1600').split(',').map(Number);
const SHARES = (arg('--shares') ?? '0,0.5,0.9,1').split(',').map(Number);
const HISTORY_SHARE = 0.9;
if (![STEP, HISTORY, ...SIZES].every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--step, --history and --sizes take positive whole numbers');
if (!SHARES.every((s) => s >= 0 && s <= 1)) throw new Error('--shares take numbers in [0, 1]');
const log = (s: string) => process.stderr.write(`${s}\n`);

const clock = systemClock;

const dir = mkdtempSync(join(tmpdir(), 'mizu-bench-sync-scaling-'));
const sandbox = await startSandbox({ port: 0, blockTime: 0 });

const proxy = await startCountingProxy(sandbox.url);
const { counts } = proxy;
const proxyUrl = proxy.url;

async function party(name: string, url = sandbox.url) {
  const store = createProfile({
    home: join(dir, name),
    passphrase: 'bench',
    migrations: MIGRATIONS,
    kdf: TEST_KDF,
  });
  const chain = await createChain({ urls: [url], contract: sandbox.contract, pollMs: 10 });
  const engine = new Engine({ store, chain, clock, random: systemRandom, network: 'sandbox' });
  const id = await engine.createIdentity({ name });
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address: id.address, amount: '50000000000' }),
  });
  if (r.status !== 200) throw new Error(`faucet: ${r.status}`);
  sandbox.bake();
  const baker = setInterval(() => sandbox.bake(), 20);
  try {
    await engine.publishBundle();
  } finally {
    clearInterval(baker);
  }
  return { store, chain, engine, address: id.address };
}

const alice = await party('alice');
const carol = await party('carol');
const bob = await party('bob', proxyUrl);
const ctx = { contract: sandbox.contract, chainId: bob.chain.chainId };
const aliceRow = alice.store.db.prepare('SELECT secret_key, keys FROM identities').get() as {
  secret_key: string;
  keys: Buffer;
};
const aliceKeys = decodeIdentityKeys(new Uint8Array(aliceRow.keys));
const aliceSigner = await InMemorySigner.fromSecretKey(aliceRow.secret_key);
const bundleOf = async (address: string) =>
  verifyBundle((await alice.chain.getUser(address, 'directory'))!.bundle, { address, ...ctx });
const bundles = { bob: await bundleOf(bob.address), carol: await bundleOf(carol.address) };
const conv = (peer: VerifiedBundle): Conversation =>
  createConversation({
    ourAddress: alice.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.identityKey,
    ...ctx,
  });
const convs = { bob: conv(bundles.bob), carol: conv(bundles.carol) };
let written = 0;

function encrypt(to: 'bob' | 'carol'): Uint8Array {
  const text = new TextEncoder().encode(
    `${to} message ${written++}: some text of an ordinary length`,
  );
  const out = encryptMessage(convs[to], text, {
    ours: aliceKeys,
    random: systemRandom,
    bundle: bundles[to],
  });
  convs[to] = out.conversation;
  return out.entry;
}

const forger = new LocalForger();
async function post(entries: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 160) {
    const chunk = entries.slice(i, i + 160);
    let counter = sandbox.node.store.account(alice.address)!.counter;
    const contents = [];
    for (let j = 0; j < chunk.length; j += 8) {
      contents.push({
        kind: 'transaction',
        source: alice.address,
        fee: '20000',
        gas_limit: '20000',
        storage_limit: '4000',
        counter: String(++counter),
        amount: '0',
        destination: sandbox.contract,
        parameters: {
          entrypoint: 'post',
          value: chunk.slice(j, j + 8).map((e) => ({ bytes: Buffer.from(e).toString('hex') })),
        },
      });
    }
    const bytes = await forger.forge({
      branch: sandbox.node.head().hash,
      contents: contents as never,
    });
    const signed = (await aliceSigner.sign(bytes, new Uint8Array([3]))).sbytes;
    const r = await fetch(`${sandbox.url}/injection/operation`, {
      method: 'POST',
      body: JSON.stringify(signed),
    });
    if (r.status !== 200) throw new Error(`inject: ${await r.text()}`);
    sandbox.bake();
  }
}

/** `n` new entries, a share `foreign` of them to Carol, spread evenly; returns how many are Bob's. */
async function grow(n: number, foreign: number): Promise<number> {
  const entries: Uint8Array[] = [];
  let mine = 0;
  for (let i = 0; i < n; i++) {
    // Bob's entries where the running share of foreign ones would exceed the target.
    const forBob = Math.floor((i + 1) * (1 - foreign)) > mine;
    if (forBob) mine++;
    entries.push(encrypt(forBob ? 'bob' : 'carol'));
  }
  await post(entries);
  return mine;
}

let boxLength = 0;
interface Sample {
  history: number;
  entries: number;
  foreign: number;
  mine: number;
  ms: number;
  requests: number;
  bytes: number;
}

async function step(n: number, foreign: number): Promise<Sample> {
  const mine = await grow(n, foreign);
  const history = boxLength;
  boxLength += n;
  counts.requests = 0;
  counts.bytes = 0;
  const t0 = performance.now();
  const report = await bob.engine.sync();
  const ms = performance.now() - t0;
  if (report.entriesRead !== n || report.newMessages !== mine || report.junkSkipped !== 0)
    throw new Error(
      `sync read ${report.entriesRead}/${n} entries, ${report.newMessages}/${mine} messages, ` +
        `${report.junkSkipped} junk`,
    );
  return {
    history,
    entries: n,
    foreign,
    mine,
    ms: Number(ms.toFixed(1)),
    requests: counts.requests,
    bytes: counts.bytes,
  };
}

// Warm-up (not measured): the session's initial message, the engine's first reads.
await bob.engine.addContact(alice.address, 'alice');
await step(10, 0.5);

log(`vs history: syncs of ${STEP} new entries until the box holds ${HISTORY}`);
const vsHistory: Sample[] = [];
while (boxLength + STEP <= HISTORY + 10) vsHistory.push(await step(STEP, HISTORY_SHARE));

log(`vs new entries: ${SIZES.join(', ')} for foreign shares ${SHARES.join(', ')}`);
const vsEntries: Sample[] = [];
for (const foreign of SHARES) for (const n of SIZES) vsEntries.push(await step(n, foreign));

for (const p of [alice, bob, carol]) {
  p.store.close();
  await p.chain.close();
}
proxy.close();
await sandbox.close();
rmSync(dir, { recursive: true, force: true });

/** Least-squares slope of y over x through the samples. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}
const usPerEntry = (share: number) =>
  Number(
    (
      slope(vsEntries.filter((s) => s.foreign === share).map((s) => [s.entries, s.ms])) * 1000
    ).toFixed(1),
  );
const firstH = vsHistory[0]!;
const lastH = vsHistory.at(-1)!;
const pct = (f: number) => `${Math.round(f * 100)} % foreign`;

const result: Record<string, unknown> = {
  sync_scaling_step_entries: STEP,
  sync_scaling_history_max: lastH.history,
  sync_scaling_history_first_ms: firstH.ms,
  sync_scaling_history_last_ms: lastH.ms,
  sync_scaling_history_ratio: Number((lastH.ms / firstH.ms).toFixed(2)),
  sync_scaling_history_requests_first: firstH.requests,
  sync_scaling_history_requests_last: lastH.requests,
  ...(SHARES.includes(1) ? { sync_scaling_us_per_foreign_entry: usPerEntry(1) } : {}),
  ...(SHARES.includes(0) ? { sync_scaling_us_per_own_entry: usPerEntry(0) } : {}),
  samples_vs_history: vsHistory,
  samples_vs_entries: vsEntries,
  plots: [
    {
      id: 'sync_vs_history',
      title: `Sync of ${STEP} new entries (${pct(HISTORY_SHARE)}) vs entries already read: flat`,
      x_label: 'entries already in the box, behind the cursor',
      y_label: 'ms per sync',
      series: [{ name: 'sync time', points: vsHistory.map((s) => [s.history, s.ms]) }],
    },
    {
      id: 'sync_requests_vs_history',
      title: `RPC requests and kB received per sync of ${STEP} new entries vs history`,
      x_label: 'entries already in the box, behind the cursor',
      y_label: 'requests / kB',
      series: [
        { name: 'requests', points: vsHistory.map((s) => [s.history, s.requests]) },
        {
          name: 'kB received',
          points: vsHistory.map((s) => [s.history, Number((s.bytes / 1000).toFixed(1))]),
        },
      ],
    },
    {
      id: 'sync_vs_new_entries',
      title: 'Sync time vs new entries, by share of foreign entries: linear',
      x_label: 'new entries in the box',
      y_label: 'ms per sync',
      series: SHARES.map((f) => ({
        name: pct(f),
        points: vsEntries.filter((s) => s.foreign === f).map((s) => [s.entries, s.ms]),
      })),
    },
  ],
};

const rows = (samples: readonly Sample[]) =>
  samples
    .map(
      (s) =>
        `| ${s.history} | ${s.entries} | ${Math.round(s.foreign * 100)} % | ${s.mine} | ${s.ms} | ` +
        `${s.requests} | ${s.bytes} | ${((s.ms * 1000) / s.entries).toFixed(0)} |`,
    )
    .join('\n');
const header =
  '| history | new entries | foreign | Bob’s | ms | requests | bytes | µs per entry |\n' +
  '| --- | --- | --- | --- | --- | --- | --- | --- |\n';
process.stdout.write(
  `Sync vs history (${STEP} new entries each, ${pct(HISTORY_SHARE)}):\n${header}${rows(vsHistory)}\n\n` +
    `Sync vs new entries:\n${header}${rows(vsEntries)}\n\n` +
    `slope: ${result.sync_scaling_us_per_foreign_entry ?? '-'} µs per foreign entry, ` +
    `${result.sync_scaling_us_per_own_entry ?? '-'} µs per entry for Bob; ` +
    `last / first sync time along the history: ${result.sync_scaling_history_ratio}\n`,
);
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
