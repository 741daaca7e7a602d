/**
 * Node faults at the product level: Alice and Bob run their engines' live
 * loops (`engine.run`, as the chat does) through two misbehaving nodes
 * each — proxies in front of the sandbox (chaosProxy.ts) that silently drop
 * 30 % of the injections (accepted, never included) and fail 20 % of the
 * other requests (no answer before the timeout, 500s, garbage). They write
 * to each other in bursts. Every message must arrive exactly once, in
 * order, and every outgoing message must end `included`.
 *
 * At the end the dropped operations resurface (the proxies forward
 * everything they held): nothing lands twice.
 *
 * Bounded: 10 messages each way, in bursts of 2; under SOAK 60. The outcome does not depend
 * on timing: faults only delay delivery (the deadline is generous).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChain } from '../../src/adapters/chain/index.js';
import { systemRandom } from '../../src/adapters/systemRandom.js';
import { Engine } from '../../src/engine/index.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { type Party, systemClock, transcript, World } from '../engine/harness.js';
import { SOAK, seededRandom } from '../helpers/fixtures.js';
import { type ChaosProxy, startChaosProxy } from './chaosProxy.js';

const MESSAGES = SOAK ? 60 : 10;
/** Messages each way per burst. */
const BURST = 2;
const TIMEOUT_MS = 1_000;

describe('node faults: every message arrives exactly once', {
  timeout: SOAK ? 1_800_000 : 240_000,
}, () => {
  const world = new World();
  const proxies: ChaosProxy[] = [];
  /** Injections of both parties through all four nodes: 3 in 10 are dropped. */
  const injections = { count: 0 };
  let alice: Party;
  let bob: Party;

  /** The party's engine, now reaching the chain only through two chaotic nodes. */
  async function throughChaos(p: Party, seed: string): Promise<void> {
    const nodes = await Promise.all(
      [1, 2].map((n) =>
        startChaosProxy(world.sandbox.url, {
          random: seededRandom(`${seed} ${n}`),
          dropInjections: 0.3,
          injections,
          failRequests: 0.2,
          stallMs: TIMEOUT_MS + 500,
        }),
      ),
    );
    proxies.push(...nodes);
    await p.chain.close();
    p.chain = await createChain({
      urls: nodes.map((n) => n.url),
      contract: world.sandbox.contract,
      timeoutMs: TIMEOUT_MS,
      markDownMs: 200,
      pollMs: 50,
      random: systemRandom,
    });
    p.engine = new Engine({
      store: p.store,
      chain: p.chain,
      clock: systemClock,
      random: systemRandom,
      network: 'sandbox',
    });
  }

  before(async () => {
    world.sandbox = await startSandbox({ port: 0, blockTime: 0.2, maxOperationsTtl: 8 });
    [alice, bob] = await Promise.all([world.party('alice'), world.party('bob')]);
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    await throughChaos(alice, 'faults alice');
    await throughChaos(bob, 'faults bob');
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await world.close();
  });

  it('30 % of injections dropped, 20 % of other requests failing', async () => {
    const loop = new AbortController();
    const errors: string[] = [];
    for (const p of [alice, bob])
      p.engine.on('change', (e) => {
        if (e.type === 'error') errors.push(e.error.message);
      });
    const runs = [alice, bob].map((p) => p.engine.run({ pollPeriodMs: 300, signal: loop.signal }));
    /** `send` can fail on the network before it commits anything: then it is simply retried. */
    const send = async (p: Party, to: string, text: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await p.engine.send(to, text);
        } catch (e) {
          if (attempt >= 20) throw e;
          await systemClock.sleep(100);
        }
      }
    };
    const expectedAtBob: string[] = [];
    const expectedAtAlice: string[] = [];
    try {
      for (let i = 0; i < MESSAGES; i += BURST) {
        // A burst each way: several entries per operation, and both directions at once.
        for (let j = i; j < Math.min(MESSAGES, i + BURST); j++) {
          await send(alice, 'bob', `a${j}`);
          expectedAtBob.push(`a${j}`);
          await send(bob, 'alice', `b${j}`);
          expectedAtAlice.push(`b${j}`);
        }
        await systemClock.sleep(400);
      }
      const received = (p: Party, c: string) =>
        p.engine
          .messages(c)
          .filter((m) => m.direction === 'in')
          .map((m) => m.text);
      const outgoingDone = (p: Party, c: string) =>
        p.engine
          .messages(c)
          .filter((m) => m.direction === 'out')
          .every((m) => m.state === 'included' || m.state === 'final');
      const deadline = Date.now() + (SOAK ? 1_500_000 : 180_000);
      while (
        received(bob, 'alice').length < MESSAGES ||
        received(alice, 'bob').length < MESSAGES ||
        !outgoingDone(alice, 'bob') ||
        !outgoingDone(bob, 'alice')
      ) {
        if (Date.now() > deadline) break;
        await systemClock.sleep(200);
      }
    } finally {
      loop.abort();
      await Promise.all(runs);
    }
    const counts = proxies.map((p) => p.counts);
    const total = (k: keyof ChaosProxy['counts']) => counts.reduce((n, c) => n + c[k], 0);
    process.stderr.write(
      `faults: passed ${total('passed')}, injections dropped ${total('dropped')}, ` +
        `stalled ${total('stalled')}, 500 ${total('error500')}, garbage ${total('garbage')}; ` +
        `${errors.length} engine error events\n`,
    );
    assert.ok(
      total('dropped') > 0 && total('stalled') > 0 && total('error500') > 0 && total('garbage') > 0,
    );

    const inOrder = (p: Party, c: string) =>
      p.engine
        .messages(c)
        .filter((m) => m.direction === 'in')
        .map((m) => m.text);
    assert.deepEqual(inOrder(bob, 'alice'), expectedAtBob);
    assert.deepEqual(inOrder(alice, 'bob'), expectedAtAlice);
    for (const [p, c] of [
      [alice, 'bob'],
      [bob, 'alice'],
    ] as const) {
      const states = p.engine
        .messages(c)
        .filter((m) => m.direction === 'out')
        .map((m) => m.state);
      assert.ok(
        states.every((s) => s === 'included' || s === 'final'),
        `${p.name}: ${states}`,
      );
    }

    // The dropped operations resurface: none of them lands a second copy.
    for (const p of proxies) p.enabled = false;
    const boxes = await alice.chain.getCounters([alice.address, bob.address], 'directory');
    for (const p of proxies) {
      for (const hex of p.held.splice(0)) {
        await fetch(`${world.sandbox.url}/injection/operation`, {
          method: 'POST',
          body: JSON.stringify(hex),
        });
      }
    }
    world.sandbox.bake();
    world.sandbox.bake();
    const after = await alice.chain.getCounters([alice.address, bob.address], 'directory');
    assert.deepEqual(after, boxes, 'no held operation was included late');
    await alice.engine.sync();
    await bob.engine.sync();
    assert.deepEqual(inOrder(bob, 'alice'), expectedAtBob);
    assert.deepEqual(inOrder(alice, 'bob'), expectedAtAlice);
    assert.deepEqual(transcript(alice, 'bob').length, 2 * MESSAGES);
  });
});
