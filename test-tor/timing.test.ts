/**
 * Timing privacy with real numbers, through the private Tor network: when do
 * a profile's reads and writes reach the node, compared with the poll
 * schedule's configuration (src/engine/pollSchedule.ts)?
 *
 * Reads. Alice polls N contacts for R rounds of P ms. Each round draws the
 * offsets with `roundSchedule` and reads each contact's box (the real chain
 * adapter, `contact:` isolation group, through Tor) at its offset. The time
 * each read reaches the node is taken from the ControlPort: the moment the
 * stream of that contact's SOCKS username succeeded (the exit connected to
 * the node). Checked: every read lands inside its round (plus Tor's delay);
 * the offsets, pooled, fit the uniform distribution on [0, P) (one-sample
 * Kolmogorov–Smirnov at α = 0.001); each round is spread over the period,
 * not a burst. A negative control runs the same reads back to back (what a
 * sync without a schedule does) and the same KS check must reject it.
 *
 * Writes. Each post waits `writeJitter(min, max)` before the outbox would
 * inject it. The delay is measured from the moment the message was queued to
 * the first request of the `writes` group reaching Tor; every delay must lie
 * in [min, max] (plus Tor's delay), and their spread must cover most of the
 * interval.
 *
 * The engine runs its schedule itself; this test drives the same functions
 * with the same adapter, so that what is measured is what a node sees when
 * the schedule is followed through Tor.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import { systemRandom } from '../src/adapters/systemRandom.js';
import { roundSchedule, writeJitter } from '../src/engine/pollSchedule.js';
import type { IsolationGroup } from '../src/ports/chain.js';
import { ksCritical, ksUniform, percentile } from './helpers/stats.js';
import { type TorParty, TorWorld } from './helpers/torWorld.js';

const CONTACTS = 12;
const ROUNDS = 3;
const PERIOD_MS = 4000;
const JITTER = { min: 300, max: 1500 };
const WRITES = 6;
/** What Tor may add between a read being made and the node seeing it. */
const TOR_SLACK_MS = 1500;

const randomAddress = () => b58Encode(randomBytes(20), PrefixV2.Ed25519PublicKeyHash);

describe('timing: reads spread over the period, writes delayed by jitter (through Tor)', () => {
  const world = new TorWorld();
  let alice: TorParty;
  const contacts = Array.from({ length: CONTACTS }, randomAddress);

  before(async () => {
    await world.start(0.5);
    alice = await world.party('alice');
  });
  after(() => world.close());

  /** When the node saw the first read of each of `groups` after `from` (stream index). */
  function arrivals(from: number, groups: readonly IsolationGroup[]): Map<IsolationGroup, number> {
    const byUser = new Map(groups.map((g) => [alice.username(g)!, g]));
    const out = new Map<IsolationGroup, number>();
    for (const s of world.nodeStreams(from)) {
      const g = byUser.get(s.username ?? '');
      if (g && !out.has(g)) out.set(g, s.receivedAt);
    }
    return out;
  }

  it('the offsets of a scheduled sync are uniform over the period', async (t) => {
    const groups = contacts.map((c) => `contact:${c}` as const);
    const offsets: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const mark = world.control.streams.length;
      const start = Date.now();
      const plan = roundSchedule(contacts, PERIOD_MS, systemRandom);
      await Promise.all(
        plan.map(async ({ contact, offsetMs }) => {
          await new Promise((r) => setTimeout(r, offsetMs));
          await alice.chain.getPostal(contact, 0, 1, `contact:${contact}`);
        }),
      );
      const seen = arrivals(mark, groups);
      assert.equal(seen.size, CONTACTS, 'every contact read once in the round');
      const round_ = [...seen.values()].map((at) => at - start);
      for (const o of round_) assert.ok(o >= 0 && o < PERIOD_MS + TOR_SLACK_MS, `offset ${o}`);
      const spread = Math.max(...round_) - Math.min(...round_);
      assert.ok(spread > PERIOD_MS / 3, `round ${round} spread ${spread} ms: a burst`);
      offsets.push(...round_);
      const rest = start + PERIOD_MS - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
    // Tor's delay (tens of ms) shifts every offset a little; against P it is a small bias.
    const d = ksUniform(offsets, 0, PERIOD_MS);
    const crit = ksCritical(offsets.length, 0.001);
    t.diagnostic(
      `reads: n = ${offsets.length}, offsets p5/p50/p95 = ${percentile(offsets, 5)}/` +
        `${percentile(offsets, 50)}/${percentile(offsets, 95)} ms of ${PERIOD_MS}; ` +
        `KS D = ${d.toFixed(3)} (critical ${crit.toFixed(3)})`,
    );
    assert.ok(d < crit, `KS distance ${d} ≥ ${crit}: offsets not uniform`);

    // Negative control: the same reads, one after the other, are a burst.
    const mark = world.control.streams.length;
    const start = Date.now();
    for (const c of contacts) await alice.chain.getPostal(c, 0, 1, `contact:${c}`);
    const burst = [...arrivals(mark, groups).values()].map((at) => at - start);
    const dBurst = ksUniform(burst, 0, PERIOD_MS);
    t.diagnostic(
      `back to back: ${burst.length} reads within ${Math.max(...burst)} ms, KS D = ${dBurst.toFixed(3)}`,
    );
    assert.ok(dBurst >= ksCritical(burst.length, 0.001), 'the KS check detects a burst');
  });

  it('write jitter delays each post within [min, max]', async (t) => {
    const delays: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const mark = world.control.streams.length;
      const queuedAt = Date.now();
      const wait = writeJitter(JITTER.min, JITTER.max, systemRandom);
      await new Promise((r) => setTimeout(r, wait));
      const writer = await alice.chain.writer(secretKeyOf(alice));
      const op = await writer.inject({ kind: 'post', entries: [randomBytes(166)] });
      await writer.waitForInclusion(op);
      const first = world.nodeStreams(mark).find((s) => s.username === alice.username('writes'));
      assert.ok(first, 'the write went through Tor on the writes group');
      delays.push(first.receivedAt - queuedAt);
    }
    t.diagnostic(
      `write delays (ms): ${delays.join(', ')}; configured [${JITTER.min}, ${JITTER.max}]`,
    );
    for (const d of delays)
      assert.ok(d >= JITTER.min && d <= JITTER.max + TOR_SLACK_MS, `delay ${d}`);
    assert.ok(
      Math.max(...delays) - Math.min(...delays) > (JITTER.max - JITTER.min) / 4,
      'delays spread over the interval',
    );
  });
});

function secretKeyOf(p: TorParty): string {
  const row = p.store.db
    .prepare('SELECT secret_key FROM identities WHERE address = ?')
    .get(p.address) as { secret_key: string };
  return row.secret_key;
}
