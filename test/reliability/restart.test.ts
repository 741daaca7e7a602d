/**
 * Restarts at the product level: nothing lost, nothing duplicated.
 *
 * 1. The sandbox node (state on disk) is stopped and started again in the
 *    middle of a conversation between two live engines (`engine.run`):
 *    operations waiting in its mempool are lost with it and the engines
 *    meet a dead node for a while; messages keep being sent meanwhile. The
 *    node is stopped while operations wait in its mempool (it loses them).
 *    Every message arrives exactly once, in order, and ends `included`.
 *    Bounded: 12 messages each way, one restart; SOAK: 60, six restarts.
 * 2. A client restarted mid-sync: Alice's box holds 30 messages for Bob
 *    spread over several pages among junk. Bob's sync is cut three times —
 *    twice as if the process died (the profile closed right after a
 *    message was committed, then reopened), once by the node going away
 *    between two pages (then restarted) — and resumed each time. Bob ends
 *    with the 30 messages exactly once, in order, and the two keep talking.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from '../../src/sandbox/server.js';
import { type Party, systemClock, World } from '../engine/harness.js';
import { SOAK, seededRandom, testSecretKey } from '../helpers/fixtures.js';
import { Fuzzer, MAX_ENTRY } from './mutations.js';
import { RawPoster } from './rawPoster.js';

const received = (p: Party, c: string) =>
  p.engine
    .messages(c)
    .filter((m) => m.direction === 'in')
    .map((m) => m.text);
const outgoingStates = (p: Party, c: string) =>
  p.engine
    .messages(c)
    .filter((m) => m.direction === 'out')
    .map((m) => m.state);

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await systemClock.sleep(100);
}

describe('restarts: nothing lost, nothing duplicated', {
  timeout: SOAK ? 900_000 : 240_000,
}, () => {
  const world = new World();
  const dataDir = join(world.dir, 'sandbox');
  let alice: Party;
  let bob: Party;

  /** Stops the node and starts it again on its port and data; returns the operations it lost. */
  async function restartSandbox(downMs: number): Promise<number> {
    const port = Number(new URL(world.sandbox.url).port);
    const lost = (world.sandbox.node as unknown as { pending: unknown[] }).pending.length;
    await world.sandbox.close();
    await systemClock.sleep(downMs);
    world.sandbox = await startSandbox({ port, blockTime: 0.2, dataDir });
    return lost;
  }

  before(async () => {
    world.sandbox = await startSandbox({ port: 0, blockTime: 0.2, dataDir });
    [alice, bob] = await Promise.all([
      world.party('alice', { secretKey: testSecretKey('restart alice') }),
      world.party('bob'),
    ]);
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
  });
  after(() => world.close());

  it('the node restarts mid-conversation', async () => {
    const loop = new AbortController();
    const runs = [alice, bob].map((p) => p.engine.run({ pollPeriodMs: 300, signal: loop.signal }));
    const N = SOAK ? 60 : 12;
    let errors = 0;
    let lost = 0;
    let restarts = 0;
    for (const p of [alice, bob])
      p.engine.on('change', (e) => {
        if (e.type === 'error') errors++;
      });
    const levelBefore = (await alice.chain.head('directory')).level;
    try {
      for (let i = 0; i < N; i++) {
        await alice.engine.send('bob', `a${i}`);
        await bob.engine.send('alice', `b${i}`);
        if (i % 10 === 4) {
          // Stop the node while operations wait in its mempool (between two blocks).
          const pending = () =>
            (world.sandbox.node as unknown as { pending: unknown[] }).pending.length;
          const deadline = Date.now() + 30_000;
          while (pending() === 0 && Date.now() < deadline) await systemClock.sleep(2);
          lost += await restartSandbox(800);
          restarts++;
        } else await systemClock.sleep(150);
      }
      await until(
        () =>
          received(bob, 'alice').length >= N &&
          received(alice, 'bob').length >= N &&
          [...outgoingStates(alice, 'bob'), ...outgoingStates(bob, 'alice')].every(
            (s) => s === 'included' || s === 'final',
          ),
        120_000,
      );
    } finally {
      loop.abort();
      await Promise.all(runs);
    }
    process.stderr.write(
      `restart: ${restarts} node restart(s), ${lost} operation(s) in the mempool lost with it; ${errors} engine errors meanwhile\n`,
    );
    assert.ok(lost >= restarts, 'each restart lost operations waiting in the mempool');
    assert.ok((await alice.chain.head('directory')).level > levelBefore, 'the chain went on');
    const names = (p: string) => Array.from({ length: N }, (_, i) => `${p}${i}`);
    assert.deepEqual(received(bob, 'alice'), names('a'));
    assert.deepEqual(received(alice, 'bob'), names('b'));
    for (const s of [...outgoingStates(alice, 'bob'), ...outgoingStates(bob, 'alice')])
      assert.ok(s === 'included' || s === 'final', `state ${s}`);
    // Read again from scratch: the boxes hold each message once more at most as a copy.
    const again = await bob.engine.sync();
    assert.equal(again.newMessages, 0);
  });

  it('a client restarted mid-sync (process death twice, node gone once)', async () => {
    const before = received(bob, 'alice');
    const poster = await RawPoster.of(world.sandbox, testSecretKey('restart alice'));
    const fuzz = new Fuzzer(seededRandom('restart junk'));
    const texts: string[] = [];
    for (let part = 0; part < 3; part++) {
      for (let i = 0; i < 10; i++) {
        const t = `m${part * 10 + i}`;
        texts.push(t);
        await alice.engine.send('bob', t);
      }
      await alice.engine.flushOutbox();
      // Junk between the parts: the messages land on different pages of 100.
      await poster.postAll(Array.from({ length: 120 }, () => fuzz.random(MAX_ENTRY)));
    }

    /** Syncs Bob; `cut` runs (once) when the k-th new message of this sync is committed. */
    const syncCutAt = async (k: number, cut: () => void): Promise<boolean> => {
      let seen = 0;
      const off = bob.engine.on('change', (e) => {
        if (e.type === 'message' && e.message.direction === 'in' && ++seen === k) cut();
      });
      try {
        await bob.engine.sync();
        return true;
      } catch {
        return false;
      } finally {
        off();
      }
    };
    const die = () => bob.store.close(); // the process dies: nothing more is written

    assert.equal(await syncCutAt(4, die), false, 'the first sync was cut');
    await world.reopen(bob);
    assert.deepEqual(received(bob, 'alice'), [...before, ...texts.slice(0, 4)]);

    let stopped: Promise<void> | undefined;
    const nodeGone = () => {
      stopped = world.sandbox.close(); // between two pages: the next read finds no node
    };
    assert.equal(await syncCutAt(7, nodeGone), false, 'the second sync was cut');
    await stopped;
    const cutAt = received(bob, 'alice').length - before.length;
    assert.ok(cutAt >= 7 && cutAt < 30, `cut after ${cutAt} messages`);
    world.sandbox = await startSandbox({
      port: Number(new URL(world.sandbox.url).port),
      blockTime: 0.2,
      dataDir,
    });

    assert.equal(await syncCutAt(5, die), false, 'the third sync was cut');
    await world.reopen(bob);
    assert.equal(received(bob, 'alice').length - before.length, cutAt + 5);

    const last = await bob.engine.sync();
    assert.equal(last.newMessages, 30 - cutAt - 5);
    assert.deepEqual(received(bob, 'alice'), [...before, ...texts]);
    assert.equal((await bob.engine.sync()).newMessages, 0);

    // And they keep talking.
    await bob.engine.send('alice', 'got them all');
    await bob.engine.flushOutbox();
    await alice.engine.sync();
    assert.deepEqual(received(alice, 'bob').at(-1), 'got them all');
  });
});
