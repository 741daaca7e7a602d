/**
 * What Tor costs in latency, measured on the private Tor network: the time
 * from `send` on Alice's profile to the message shown by Bob's, with both
 * profiles talking to the node directly, and with both going through Tor
 * (docs/threat-model.md quotes the numbers).
 *
 * Set-up: a sandbox with 1 s blocks; Alice sends, then flushes her outbox
 * (inject, then wait for inclusion); Bob syncs back to back (a poll period
 * of 0, so the figure is the floor that a poll period adds to). Each send
 * waits a random 0–1 block time first, so that sends do not all start just
 * after a block (the previous message's). "Shown" is
 * Bob's engine emitting the message. One warm-up message per pair is not
 * counted. The assertions: every message arrives, in order, within 15 s, in
 * both modes. The figures are printed as test diagnostics and, with
 * MIZU_TOR_LATENCY_OUT=file, written as JSON.
 *
 * Messages per mode: 4, or 40 under MIZU_SOAK=1:
 *   MIZU_SOAK=1 MIZU_TOR_LATENCY_OUT=/tmp/latency.json npm run test:tor -- test-tor/latency.test.ts
 */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { EngineEvent } from '../src/engine/index.js';
import { SOAK } from '../test/helpers/fixtures.js';
import { percentile } from './helpers/stats.js';
import { type TorParty, TorWorld } from './helpers/torWorld.js';

const MESSAGES = SOAK ? 40 : 4;
const BLOCK_TIME = 1;

interface ModeResult {
  readonly mode: 'direct' | 'tor';
  readonly samplesMs: number[];
  readonly p50: number;
  readonly p95: number;
  /** One `head` request's round trip. */
  readonly rpcP50: number;
  readonly rpcP95: number;
  /** Through Tor: from `send` to the injection reaching the node, and Alice's requests before it. */
  readonly injectP50?: number;
  readonly requestsBeforeInject?: number;
}

interface Measured {
  readonly shown: number[];
  readonly injectAfter: number[];
  readonly requestsBeforeInject: number[];
}

/** Alice → Bob, `count` messages one after the other; send-to-shown per message. */
async function measure(
  world: TorWorld,
  alice: TorParty,
  bob: TorParty,
  count: number,
): Promise<Measured> {
  const shownAt = new Map<string, number>();
  const off = bob.engine.on('change', (e: EngineEvent) => {
    if (e.type === 'message' && e.message.direction === 'in')
      shownAt.set(e.message.text, Date.now());
  });
  const stop = new AbortController();
  const polling = (async () => {
    while (!stop.signal.aborted) await bob.engine.sync();
  })();
  const aliceUsers = new Set(
    (['writes', 'directory', `contact:${bob.address}`] as const).map((g) => alice.username(g)),
  );
  const out: Measured = { shown: [], injectAfter: [], requestsBeforeInject: [] };
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * BLOCK_TIME * 1000));
      const text = `latency ${i} ${Date.now()}`;
      const gateMark = world.gate.connections.length;
      const streamMark = world.control.streams.length;
      const t0 = Date.now();
      await alice.engine.send('bob', text);
      await alice.engine.flushOutbox();
      while (!shownAt.has(text)) {
        if (Date.now() - t0 > 15_000) throw new Error(`message ${i} not shown after 15 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      out.shown.push(shownAt.get(text)! - t0);
      const inject = world.gate.connections
        .slice(gateMark)
        .find((c) => c.requestLine?.startsWith('POST /injection/operation'));
      if (inject && alice.username('writes')) {
        out.injectAfter.push(inject.at - t0);
        const before = world.control.streams
          .slice(streamMark)
          .filter(
            (s) => s.status === 'NEW' && aliceUsers.has(s.username) && s.receivedAt < inject.at,
          );
        out.requestsBeforeInject.push(before.length);
      }
    }
  } finally {
    stop.abort();
    await polling;
    off();
  }
  return out;
}

/** Round trips of `head` through the party's adapter. */
async function rpcTimes(p: TorParty, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await p.chain.head('directory');
    out.push(Math.round((performance.now() - t0) * 10) / 10);
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
      await measure(world, alice, bob, 1); // warm-up: first session, first circuits
      const m = await measure(world, alice, bob, MESSAGES);
      const samples = m.shown;
      const rpc = await rpcTimes(alice, 30);
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
        rpcP50: percentile(rpc, 50),
        rpcP95: percentile(rpc, 95),
        ...(m.injectAfter.length
          ? {
              injectP50: percentile(m.injectAfter, 50),
              requestsBeforeInject: percentile(m.requestsBeforeInject, 50),
            }
          : {}),
      };
      results.push(r);
      t.diagnostic(
        `${mode}: send-to-shown p50 ${r.p50} ms, p95 ${r.p95} ms (n = ${MESSAGES}); ` +
          `one request p50 ${r.rpcP50} ms, p95 ${r.rpcP95} ms` +
          (r.injectP50 === undefined
            ? ''
            : `; injection ${r.injectP50} ms after send, after ${r.requestsBeforeInject} requests (p50)`),
      );
    });
  }
});
