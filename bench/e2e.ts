/**
 * End-to-end benchmark on the sandbox: N profiles, each with its own
 * encrypted profile, chain adapter and engine running its live loop
 * (`engine.run`, as the chat does), exchange messages; we measure the time
 * from `send` (the user pressing Enter) to the message event on the other
 * side (the message shown), and the throughput.
 *
 *   tsx bench/e2e.ts [--json] [--profiles N] [--messages M] [--messages6 M]
 *                    [--burst B] [--burst6 B] [--poll SECONDS] [--only 1|6]
 *
 * Two configurations, each on a fresh sandbox: block time 1 s, then 6 s (as
 * on mainnet), with the same polling period (default 1 s, the chat's period
 * on a sandbox) and the engine's default write jitter for that period. In
 * each configuration:
 *
 * 1. warm-up: every profile sends one message to every other (sessions
 *    start, discovery requests go out); not measured;
 * 2. steady traffic: each profile sends M messages to random contacts at
 *    random moments (mean gap: one block time); latency p50, p95, mean, max;
 * 3. burst: each profile queues B messages at once; throughput = messages
 *    delivered / seconds from the first send to the last message shown.
 *
 * Every message must be shown exactly once on its recipient's side; a
 * duplicate or a missing message fails the benchmark. The floor each
 * latency is compared with is block time + polling period: a message waits
 * for the next block (up to one block time), then for the recipient's next
 * read of that box (up to one polling period); each wait is half that on
 * average. On top come the sender's write jitter (uniform, 100–500 ms at a
 * 1 s period: it hides when a message was typed), the bundle fetch and
 * encryption in `send`, and the reads themselves.
 *
 * The sandbox and all profiles share this one Node process: on a loaded
 * machine, latencies include waiting for the CPU.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChain, type MizuChain } from '../src/adapters/chain/index.js';
import { systemClock } from '../src/adapters/systemClock.js';
import { systemRandom } from '../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../src/engine/index.js';
import { type Sandbox, startSandbox } from '../src/sandbox/server.js';
import { createProfile, type Store, TEST_KDF } from '../src/store/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0`);
  return v;
};
const PROFILES = Math.max(2, numArg('--profiles', 4));
const POLL_S = numArg('--poll', 1);
const ONLY = numArg('--only', 0);
const CONFIGS = [
  {
    blockTime: 1,
    messages: numArg('--messages', 15),
    burst: numArg('--burst', 16),
  },
  {
    blockTime: 6,
    messages: numArg('--messages6', 4),
    burst: numArg('--burst6', 8),
  },
].filter((c) => !ONLY || c.blockTime === ONLY);

const log = (s: string) => process.stderr.write(`${s}\n`);

const clock = systemClock;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uniform = () => Buffer.from(systemRandom(4)).readUInt32BE(0) / 2 ** 32;

interface Profile {
  readonly name: string;
  readonly address: string;
  readonly store: Store;
  readonly chain: MizuChain;
  readonly engine: Engine;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

async function fund(sandbox: Sandbox, chain: MizuChain, address: string): Promise<void> {
  const amount = 1_000_000_000n;
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: String(amount) }),
  });
  if (r.status !== 200) throw new Error(`faucet: ${r.status}`);
  while ((await chain.balance(address, 'directory')) < amount) await sleep(100);
}

async function makeProfile(sandbox: Sandbox, dir: string, name: string): Promise<Profile> {
  const store = createProfile({
    home: join(dir, name),
    passphrase: `bench ${name}`,
    migrations: MIGRATIONS,
    kdf: TEST_KDF,
  });
  // The CLI's adapter settings (src/cli/context.ts): defaults but the node list.
  const chain = await createChain({
    urls: [sandbox.url],
    contract: sandbox.contract,
    random: systemRandom,
  });
  const engine = new Engine({ store, chain, clock, random: systemRandom, network: 'sandbox' });
  const id = await engine.createIdentity({ name });
  await fund(sandbox, chain, id.address);
  await engine.publishBundle();
  return { name, address: id.address, store, chain, engine };
}

/** Sends and receipts of tagged messages: `e2e <tag>` texts, shown-once bookkeeping. */
class Tracker {
  readonly sent = new Map<string, { at: number; to: string }>();
  readonly shown = new Map<string, number>();
  duplicates = 0;
  misdelivered = 0;
  #waiters: (() => void)[] = [];

  listen(p: Profile): () => void {
    return p.engine.on('change', (e) => {
      if (e.type !== 'message' || e.message.direction !== 'in') return;
      const tag = /^e2e (\S+)/.exec(e.message.text)?.[1];
      if (!tag) return;
      const now = performance.now();
      if (this.shown.has(tag)) this.duplicates++;
      else {
        if (this.sent.get(tag)?.to !== p.name) this.misdelivered++;
        this.shown.set(tag, now);
      }
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  async send(from: Profile, to: Profile, tag: string): Promise<void> {
    this.sent.set(tag, { at: performance.now(), to: to.name });
    await from.engine.send(to.name, `e2e ${tag} ${'·'.repeat(40)}`);
  }

  /** Resolves when every tag is shown; throws after `timeoutMs`. */
  async all(tags: readonly string[], timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (!tags.every((t) => this.shown.has(t))) {
      const left = until - performance.now();
      if (left <= 0) {
        const missing = tags.filter((t) => !this.shown.has(t));
        throw new Error(`${missing.length} message(s) never shown: ${missing.slice(0, 5)}`);
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  }

  latencies(tags: readonly string[]): number[] {
    return tags.map((t) => (this.shown.get(t)! - this.sent.get(t)!.at) / 1000);
  }
}

interface ConfigResult {
  blockTime: number;
  pollS: number;
  floorS: number;
  latencies: number[];
  p50: number;
  p95: number;
  mean: number;
  max: number;
  steadyThroughput: number;
  burstMessages: number;
  burstSeconds: number;
  burstThroughput: number;
  duplicates: number;
}

async function runConfig(cfg: (typeof CONFIGS)[number]): Promise<ConfigResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-bench-e2e-'));
  const sandbox = await startSandbox({ port: 0, blockTime: cfg.blockTime });
  const profiles: Profile[] = [];
  const loop = new AbortController();
  const runs: Promise<void>[] = [];
  try {
    log(`e2e ${cfg.blockTime} s blocks: setting up ${PROFILES} profiles`);
    profiles.push(
      ...(await Promise.all(
        Array.from({ length: PROFILES }, (_, i) => makeProfile(sandbox, dir, `p${i}`)),
      )),
    );
    for (const p of profiles)
      for (const q of profiles) if (p !== q) await p.engine.addContact(q.address, q.name);
    const tracker = new Tracker();
    for (const p of profiles) tracker.listen(p);
    for (const p of profiles) {
      runs.push(p.engine.run({ pollPeriodMs: POLL_S * 1000, signal: loop.signal }));
    }
    const timeout = (n: number) => 60_000 + n * cfg.blockTime * 4000;

    log('warm-up: every profile writes to every other');
    const warm: string[] = [];
    for (const p of profiles)
      for (const q of profiles)
        if (p !== q) {
          const tag = `w-${p.name}-${q.name}`;
          warm.push(tag);
          await tracker.send(p, q, tag);
        }
    await tracker.all(warm, timeout(4));

    log(`steady: ${cfg.messages} messages per profile, mean gap ${cfg.blockTime} s`);
    const steady: string[] = [];
    const t0 = performance.now();
    await Promise.all(
      profiles.map(async (p) => {
        const others = profiles.filter((q) => q !== p);
        for (let i = 0; i < cfg.messages; i++) {
          await sleep(uniform() * 2 * cfg.blockTime * 1000);
          const to = others[Math.floor(uniform() * others.length)]!;
          const tag = `s-${p.name}-${i}`;
          steady.push(tag);
          await tracker.send(p, to, tag);
        }
      }),
    );
    await tracker.all(steady, timeout(4));
    const steadySeconds = (Math.max(...steady.map((t) => tracker.shown.get(t)!)) - t0) / 1000;

    log(`burst: ${cfg.burst} messages queued at once by each profile`);
    const burst: string[] = [];
    const t1 = performance.now();
    await Promise.all(
      profiles.map(async (p) => {
        const others = profiles.filter((q) => q !== p);
        for (let i = 0; i < cfg.burst; i++) {
          const tag = `b-${p.name}-${i}`;
          burst.push(tag);
          await tracker.send(p, others[i % others.length]!, tag);
        }
      }),
    );
    await tracker.all(burst, timeout(cfg.burst));
    const burstSeconds = burst.length
      ? (Math.max(...burst.map((t) => tracker.shown.get(t)!)) - t1) / 1000
      : 0;

    // Let a last poll round pass: a duplicate shown late would still be caught.
    await sleep(2 * POLL_S * 1000);
    if (tracker.duplicates > 0) throw new Error(`${tracker.duplicates} message(s) shown twice`);
    if (tracker.misdelivered > 0) throw new Error(`${tracker.misdelivered} misdelivered`);
    const lat = tracker.latencies(steady);
    const r3 = (x: number) => Number(x.toFixed(3));
    return {
      blockTime: cfg.blockTime,
      pollS: POLL_S,
      floorS: cfg.blockTime + POLL_S,
      latencies: lat,
      p50: r3(lat.length ? percentile(lat, 50) : Number.NaN),
      p95: r3(lat.length ? percentile(lat, 95) : Number.NaN),
      mean: r3(lat.reduce((a, b) => a + b, 0) / lat.length),
      max: r3(Math.max(...lat)),
      steadyThroughput: r3(steady.length / steadySeconds),
      burstMessages: burst.length,
      burstSeconds: r3(burstSeconds),
      burstThroughput: r3(burstSeconds > 0 ? burst.length / burstSeconds : 0),
      duplicates: tracker.duplicates,
    };
  } finally {
    loop.abort();
    await Promise.allSettled(runs);
    for (const p of profiles) {
      p.store.close();
      await p.chain.close();
    }
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = performance.now();
const results: ConfigResult[] = [];
for (const cfg of CONFIGS) results.push(await runConfig(cfg));

const out: Record<string, unknown> = {
  e2e_profiles: PROFILES,
  e2e_poll_period_s: POLL_S,
};
for (const r of results) {
  const k = r.blockTime === 1 ? '' : `_${r.blockTime}s`;
  Object.assign(out, {
    [`e2e_latency_p50_s${k}`]: r.p50,
    [`e2e_latency_p95_s${k}`]: r.p95,
    [`e2e_latency_mean_s${k}`]: r.mean,
    [`e2e_latency_max_s${k}`]: r.max,
    [`e2e_floor_s${k}`]: r.floorS,
    [`e2e_messages${k}`]: r.latencies.length,
    [`e2e_steady_msgs_per_s${k}`]: r.steadyThroughput,
    [`e2e_burst_messages${k}`]: r.burstMessages,
    [`e2e_burst_s${k}`]: r.burstSeconds,
    [`e2e_throughput_msgs_per_s${k}`]: r.burstThroughput,
    [`e2e_duplicates${k}`]: r.duplicates,
  });
}
out.e2e_seconds = Number(((performance.now() - started) / 1000).toFixed(1));
out.plots = [
  {
    id: 'latency_cdf',
    title: `Send → shown latency, ${PROFILES} profiles, polling every ${POLL_S} s (CDF)`,
    x_label: 'latency (s)',
    y_label: 'share of messages shown',
    series: results.map((r) => {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      return {
        name: `block time ${r.blockTime} s (floor ${r.floorS} s)`,
        points: sorted.map((x, i) => [Number(x.toFixed(3)), (i + 1) / sorted.length]),
      };
    }),
  },
  {
    id: 'latency_vs_floor',
    title: 'Latency vs block time: p50, p95 and the floor (block time + polling period)',
    x_label: 'block time (s)',
    y_label: 'seconds',
    series: [
      { name: 'p50', points: results.map((r) => [r.blockTime, r.p50]) },
      { name: 'p95', points: results.map((r) => [r.blockTime, r.p95]) },
      { name: 'floor', points: results.map((r) => [r.blockTime, r.floorS]) },
    ],
  },
];

process.stdout.write(
  `| block time | poll | floor | messages | p50 | p95 | mean | max | steady msg/s | burst msg/s |\n` +
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n`,
);
for (const r of results)
  process.stdout.write(
    `| ${r.blockTime} s | ${r.pollS} s | ${r.floorS} s | ${r.latencies.length} | ${r.p50} s | ${r.p95} s | ` +
      `${r.mean} s | ${r.max} s | ${r.steadyThroughput} | ${r.burstThroughput} (${r.burstMessages} in ${r.burstSeconds} s) |\n`,
  );
process.stdout.write(
  'floor = block time + polling period (the longest wait for a block plus the longest wait for ' +
    'the next read; half of it on average), before the write jitter and the work itself.\n',
);
if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
