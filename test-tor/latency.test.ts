/**
 * What Tor costs in latency, measured on the private Tor network: the time
 * from `send` on Alice's profile to the message shown by Bob's, with both
 * profiles talking to the node directly, and with both going through Tor
 * (docs/threat-model.md quotes the numbers).
 *
 * Set-up: a sandbox with 1 s blocks; Alice sends, then flushes her outbox
 * (inject, then wait for inclusion); Bob syncs back to back (a poll period
 * of 0, so the figure is the floor that a poll period adds to). "Shown" is
 * Bob's engine emitting the message. One warm-up message per pair is not
 * counted. The assertions: every message arrives, in order, within 15 s, in
 * both modes. The figures are printed as test diagnostics and, with
 * MIZU_TOR_LATENCY_OUT=file, written as JSON.
 *
 * Messages per mode: 6, or 40 under MIZU_SOAK=1:
 *   MIZU_SOAK=1 MIZU_TOR_LATENCY_OUT=/tmp/latency.json npm run test:tor -- test-tor/latency.test.ts
 */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { EngineEvent } from '../src/engine/index.js';
import { SOAK } from '../test/helpers/fixtures.js';
import { percentile } from './helpers/stats.js';
import { type TorParty, TorWorld } from './helpers/torWorld.js';

const MESSAGES = SOAK ? 40 : 6;
const BLOCK_TIME = 1;

interface ModeResult {
  readonly mode: 'direct' | 'tor';
  readonly samplesMs: number[];
  readonly p50: number;
  readonly p95: number;
}

/** Alice → Bob, `count` messages one after the other; returns send-to-shown per message. */
async function measure(alice: TorParty, bob: TorParty, count: number): Promise<number[]> {
  const shownAt = new Map<string, number>();
  const off = bob.engine.on('change', (e: EngineEvent) => {
    if (e.type === 'message' && e.message.direction === 'in')
      shownAt.set(e.message.text, Date.now());
  });
  const stop = new AbortController();
  const polling = (async () => {
    while (!stop.signal.aborted) await bob.engine.sync();
  })();
  const out: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const text = `latency ${i} ${Date.now()}`;
      const t0 = Date.now();
      await alice.engine.send('bob', text);
      await alice.engine.flushOutbox();
      while (!shownAt.has(text)) {
        if (Date.now() - t0 > 15_000) throw new Error(`message ${i} not shown after 15 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      out.push(shownAt.get(text)! - t0);
    }
  } finally {
    stop.abort();
    await polling;
    off();
  }
  return out;
}

describe('latency: send-to-shown, direct and through Tor', () => {
  const world = new TorWorld();
  const results: ModeResult[] = [];

  before(() => world.start(BLOCK_TIME));
  after(async () => {
    if (process.env.MIZU_TOR_LATENCY_OUT) {
      writeFileSync(
        process.env.MIZU_TOR_LATENCY_OUT,
        `${JSON.stringify({ blockTimeS: BLOCK_TIME, messages: MESSAGES, results }, null, 2)}\n`,
      );
    }
    await world.close();
  });

  for (const mode of ['direct', 'tor'] as const) {
    it(`${mode}: every message is shown, in order`, async (t) => {
      const viaTor = mode === 'tor';
      const alice = await world.party(`alice-${mode}`, { viaTor });
      const bob = await world.party(`bob-${mode}`, { viaTor });
      await alice.engine.addContact(bob.address, 'bob');
      await bob.engine.addContact(alice.address, 'alice');
      await measure(alice, bob, 1); // warm-up: first session, first circuits
      const samples = await measure(alice, bob, MESSAGES);
      const texts = bob.engine.messages('alice').map((m) => m.text);
      assert.equal(texts.length, MESSAGES + 1);
      assert.deepEqual(
        texts.map((x) => Number(x.split(' ')[1])),
        [0, ...Array.from({ length: MESSAGES }, (_, i) => i)],
      );
      const r: ModeResult = {
        mode,
        samplesMs: samples,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
      };
      results.push(r);
      t.diagnostic(`${mode}: send-to-shown p50 ${r.p50} ms, p95 ${r.p95} ms (n = ${MESSAGES})`);
    });
  }
});
