/**
 * Timing privacy with real numbers, through the private Tor network: when do
 * the reads and writes of a profile running the engine's live loop
 * (`Engine.run`, on src/engine/pollSchedule.ts) reach the node, compared with
 * the loop's configuration?
 *
 * Alice runs `run({ pollPeriodMs: P, writeJitterMinMs, writeJitterMaxMs })`
 * through Tor with batched counter reads (`isolatedCounterReads: false`):
 * each round starts with one counters call (isolation group `directory`),
 * which marks the round's start for the test, then reads every contact box
 * that has news at its own random offset. (With the default isolated
 * counter reads, each contact's counter read moves to that same random
 * offset, drawn by the same `roundSchedule`; there is then no call that
 * marks a round, which is the point, and this test could not place reads in
 * rounds.) Her N contacts (direct to the node: their traffic is not what is
 * measured) post before every round, so every box is due in every round.
 * Times are taken from the ControlPort: the moment the stream of a group's
 * SOCKS username succeeded, i.e. when the exit connected to the node.
 *
 * Reads: each contact's read is placed in its round (after that round's
 * counters call); its offset from the counters call must lie in [0, P); the
 * offsets, pooled, must fit the uniform distribution on [0, P) (one-sample
 * Kolmogorov–Smirnov at α = 0.0001); and each round must be spread over more
 * than P/6, not a burst. Negative control: `sync()`, which reads the due boxes
 * back to back, must fail the same KS check.
 *
 * Writes: for each message Alice queues with `send`, the delay from the
 * moment it was queued to the first request of her `writes` group reaching
 * Tor must lie in [min, max] plus the write loop's idle tick (≤ 250 ms) and
 * Tor's delay, and the delays must spread over the interval. (Each write is
 * made final before the next is queued, so that the read loop's finality
 * check, also a `writes` request, cannot be taken for the write.)
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IsolationGroup } from '../src/ports/chain.js';
import { ksCritical, ksUniform, percentile } from './helpers/stats.js';
import { type TorParty, TorWorld } from './helpers/torWorld.js';

const CONTACTS = 8;
const ROUNDS = 3;
const PERIOD_MS = 4000;
const JITTER = { min: 400, max: 2400 };
const WRITES = 5;
/** Tor's delay and the loop's own ticks, added to any configured bound. */
const SLACK_MS = 1000;
/** KS significance: a correct schedule fails the check once in 10,000 runs. */
const ALPHA = 0.0001;

describe('timing: the live loop through Tor, as the node sees it', () => {
  const world = new TorWorld();
  let alice: TorParty;
  const contacts: TorParty[] = [];
  const stop = new AbortController();
  let loop: Promise<void> | undefined;

  before(async () => {
    await world.start(0.5);
    alice = await world.party('alice', { isolatedCounterReads: false });
    for (let i = 0; i < CONTACTS; i++) {
      const c = await world.party(`c${i}`, { viaTor: false });
      await alice.engine.addContact(c.address, c.name);
      await c.engine.addContact(alice.address, 'alice');
      contacts.push(c);
    }
  });
  after(async () => {
    stop.abort();
    await loop;
    await world.close();
  });

  /** Every contact posts one message to Alice (in parallel), included before this resolves. */
  async function everyonePosts(tag: string): Promise<void> {
    await Promise.all(
      contacts.map(async (c) => {
        await c.engine.send('alice', `${tag} from ${c.name}`);
        await c.engine.flushOutbox();
      }),
    );
  }

  const groupOfUser = () =>
    new Map<string, IsolationGroup>(
      (
        ['directory', 'writes', ...contacts.map((c) => `contact:${c.address}` as const)] as const
      ).map((g) => [alice.username(g)!, g]),
    );

  /** Alice's node streams from `mark`, as [group, time] in time order. */
  function aliceStreams(mark: number): { group: IsolationGroup; at: number }[] {
    const groups = groupOfUser();
    return world
      .nodeStreams(mark)
      .filter((s) => groups.has(s.username ?? ''))
      .map((s) => ({ group: groups.get(s.username!)!, at: s.receivedAt }));
  }

  /** Offsets of contact reads from the counters call that opened their round. */
  function roundOffsets(streams: { group: IsolationGroup; at: number }[]): number[][] {
    const rounds: number[][] = [];
    let start: number | null = null;
    let seen = new Set<IsolationGroup>();
    for (const s of streams) {
      if (s.group === 'directory') {
        // A round opens with the counters call; the request box's bundle
        // lookups follow it at once. A round with no box due has no reads.
        if (start === null || seen.size > 0 || s.at - start > PERIOD_MS / 2) {
          start = s.at;
          seen = new Set();
          rounds.push([]);
        }
      } else if (s.group.startsWith('contact:') && start !== null && !seen.has(s.group)) {
        seen.add(s.group);
        rounds[rounds.length - 1]!.push(s.at - start);
      }
    }
    return rounds.filter((r) => r.length > 0);
  }

  it('each due box is read at a uniform random offset of its round', async (t) => {
    await everyonePosts('round 0');
    const mark = world.control.streams.length;
    loop = alice.engine.run({
      pollPeriodMs: PERIOD_MS,
      writeJitterMinMs: JITTER.min,
      writeJitterMaxMs: JITTER.max,
      signal: stop.signal,
    });
    // Right after each round's counters call, everyone posts again: the
    // posts land well before the next round's counters call.
    let roundAt = 0;
    for (let r = 1; r < ROUNDS; r++) {
      for (;;) {
        const next = aliceStreams(mark).find(
          (s) => s.group === 'directory' && s.at > roundAt + PERIOD_MS / 2,
        );
        if (next) {
          roundAt = next.at;
          break;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      await everyonePosts(`round ${r}`);
    }
    const readAll = () => contacts.every((c) => alice.engine.messages(c.name).length >= ROUNDS);
    const waitStart = Date.now();
    while (!readAll() && Date.now() - waitStart < 3 * PERIOD_MS)
      await new Promise((res) => setTimeout(res, 100));
    for (const c of contacts) {
      assert.equal(alice.engine.messages(c.name).length, ROUNDS, `${c.name}: every message read`);
    }
    const all = aliceStreams(mark);
    const t0 = all[0]?.at ?? 0;
    t.diagnostic(
      `streams: ${all.map((s) => `${s.group.replace(/^contact:(.{6}).*/, 'c:$1')}@${s.at - t0}`).join(' ')}`,
    );
    const rounds = roundOffsets(all).filter((r) => r.length === CONTACTS);
    assert.ok(rounds.length >= ROUNDS, `${rounds.length} full rounds seen`);
    const offsets = rounds.slice(0, ROUNDS).flat();
    for (const o of offsets) assert.ok(o >= 0 && o < PERIOD_MS + SLACK_MS, `offset ${o} ms`);
    for (const r of rounds.slice(0, ROUNDS)) {
      const spread = Math.max(...r) - Math.min(...r);
      // 8 uniform offsets all within P/6: probability < 3e-5 (a back-to-back sync: 0.2–0.7 s).
      assert.ok(spread > PERIOD_MS / 6, `a round spread over ${spread} ms only: a burst`);
    }
    const d = ksUniform(offsets, 0, PERIOD_MS);
    const crit = ksCritical(offsets.length, ALPHA);
    t.diagnostic(
      `reads: n = ${offsets.length} in ${ROUNDS} rounds of ${PERIOD_MS} ms; offsets p5/p50/p95 = ` +
        `${percentile(offsets, 5)}/${percentile(offsets, 50)}/${percentile(offsets, 95)} ms; ` +
        `KS D = ${d.toFixed(3)} (critical ${crit.toFixed(3)})`,
    );
    assert.ok(d < crit, `KS distance ${d.toFixed(3)} ≥ ${crit.toFixed(3)}: not uniform`);

    // Negative control: sync() reads the due boxes back to back.
    stop.abort();
    await loop;
    await everyonePosts('burst');
    const burstMark = world.control.streams.length;
    await alice.engine.sync();
    const burst = roundOffsets(aliceStreams(burstMark))[0] ?? [];
    assert.equal(burst.length, CONTACTS);
    const dBurst = ksUniform(burst, 0, PERIOD_MS);
    t.diagnostic(
      `sync(): ${burst.length} reads within ${Math.max(...burst)} ms, KS D = ${dBurst.toFixed(3)}`,
    );
    assert.ok(dBurst >= ksCritical(burst.length, ALPHA), 'the check detects a burst');
  });

  it('each write waits a random jitter within the configured bounds', async (t) => {
    const signal = new AbortController();
    const running = alice.engine.run({
      pollPeriodMs: PERIOD_MS,
      writeJitterMinMs: JITTER.min,
      writeJitterMaxMs: JITTER.max,
      signal: signal.signal,
    });
    const delays: number[] = [];
    try {
      for (let i = 0; i < WRITES; i++) {
        const mark = world.control.streams.length;
        await alice.engine.send(contacts[0]!.name, `write ${i}`);
        const queuedAt = Date.now();
        let first: number | undefined;
        while (first === undefined) {
          if (Date.now() - queuedAt > JITTER.max + 10_000) throw new Error(`write ${i} never sent`);
          first = aliceStreams(mark).find((s) => s.group === 'writes' && s.at >= queuedAt)?.at;
          await new Promise((r) => setTimeout(r, 20));
        }
        delays.push(first - queuedAt);
        // Before the next one: this write included, then final, so that no
        // finality check (a `writes` request of the read loop) can fall in
        // the next jitter window and be taken for the write.
        const out = () =>
          alice.engine.messages(contacts[0]!.name).filter((m) => m.direction === 'out');
        while (out().some((m) => m.state !== 'included' && m.state !== 'final'))
          await new Promise((r) => setTimeout(r, 50));
        while (out().some((m) => m.state !== 'final')) {
          await new Promise((r) => setTimeout(r, 500));
          await alice.engine.flushOutbox();
        }
      }
    } finally {
      signal.abort();
      await running;
    }
    t.diagnostic(
      `write delays (ms): ${delays.join(', ')}; configured [${JITTER.min}, ${JITTER.max}]`,
    );
    for (const d of delays)
      assert.ok(d >= JITTER.min && d <= JITTER.max + SLACK_MS, `delay ${d} ms`);
    assert.ok(
      // 5 uniform delays all within a tenth of the interval: probability < 5e-4.
      Math.max(...delays) - Math.min(...delays) > (JITTER.max - JITTER.min) / 10,
      'delays spread over the interval',
    );
  });
  it('isolated counter reads (the default): each contact at its own random offset, no batched call', async (t) => {
    // Dora follows the same contacts with the default engine: every round,
    // each contact's counter (and box, if it has news) is read in its own
    // group at its own offset, and her request counter at another. Rounds
    // start at t0 + kP (the loop sleeps until each round's end), so the
    // offset of a read is its time since t0, modulo P: a shift by Tor's
    // delay, independent of the drawn offset, keeps a uniform offset
    // uniform modulo P.
    const dora = await world.party('dora');
    for (const c of contacts) await dora.engine.addContact(c.address, c.name);
    await dora.engine.sync();
    const groups = new Map<string, IsolationGroup>(
      (
        [
          'directory',
          'requests',
          'writes',
          ...contacts.map((c) => `contact:${c.address}` as const),
        ] as const
      ).map((g) => [dora.username(g)!, g]),
    );
    const mark = world.control.streams.length;
    const signal = new AbortController();
    const t0 = Date.now();
    const running = dora.engine.run({ pollPeriodMs: PERIOD_MS, signal: signal.signal });
    await new Promise((r) => setTimeout(r, ROUNDS * PERIOD_MS + 1500));
    signal.abort();
    await running;
    const streams = world
      .nodeStreams(mark)
      .filter((s) => groups.has(s.username ?? ''))
      .map((s) => ({ group: groups.get(s.username!)!, at: s.receivedAt - t0 }));
    assert.ok(
      !streams.some((s) => s.group === 'directory'),
      'no lookup or batched counters call during the loop',
    );
    // The first stream of each contact in each round window.
    const offsets: number[] = [];
    const perRound: number[][] = [];
    for (let k = 0; k < ROUNDS; k++) {
      const round: number[] = [];
      for (const c of contacts) {
        const first = streams.find(
          (s) =>
            s.group === `contact:${c.address}` &&
            s.at >= k * PERIOD_MS &&
            s.at < (k + 1) * PERIOD_MS + SLACK_MS,
        );
        assert.ok(first, `${c.name}: read in round ${k}`);
        round.push((first.at - k * PERIOD_MS) % PERIOD_MS);
      }
      perRound.push(round);
      offsets.push(...round);
    }
    assert.ok(
      streams.some((s) => s.group === 'requests'),
      'the request counter read in its own group',
    );
    for (const r of perRound) {
      const spread = Math.max(...r) - Math.min(...r);
      assert.ok(spread > PERIOD_MS / 6, `a round spread over ${spread} ms only: a burst`);
    }
    const d = ksUniform(offsets, 0, PERIOD_MS);
    const crit = ksCritical(offsets.length, ALPHA);
    t.diagnostic(
      `isolated reads: n = ${offsets.length} in ${ROUNDS} rounds; offsets p5/p50/p95 = ` +
        `${percentile(offsets, 5)}/${percentile(offsets, 50)}/${percentile(offsets, 95)} ms; ` +
        `KS D = ${d.toFixed(3)} (critical ${crit.toFixed(3)})`,
    );
    assert.ok(d < crit, `KS distance ${d.toFixed(3)} ≥ ${crit.toFixed(3)}: not uniform`);
  });
});
