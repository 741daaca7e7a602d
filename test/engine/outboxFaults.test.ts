/**
 * The outbox against a node that accepts injections and never passes them
 * on: the operation expires unincluded, the outbox re-posts it — with
 * everything queued after it, in the original order — once a working node
 * is reachable, and the reader gets every message once, in order.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { systemClock, transcript, World } from './harness.js';

describe('engine outbox: dropped operations are re-posted in order', () => {
  const world = new World();
  let proxy: FaultProxy;
  before(async () => {
    await world.start(0.05, { maxOperationsTtl: 8 });
    proxy = await startFaultProxy(world.sandbox.url);
  });
  after(async () => {
    await proxy.close();
    await world.close();
  });

  it('an operation that never lands expires and is re-posted with what follows it', async () => {
    const alice = await world.party('alice', { rpcUrl: proxy.url });
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    for (let i = 1; i <= 10; i++) await alice.engine.send('bob', `m${i}`, { request: false });

    proxy.rules.push({ path: /^\/injection\/operation/, action: 'drop-injection' });
    const first = alice.engine.messages('bob')[0]!.id;
    const states: string[] = [];
    const flushing = alice.engine.flushOutbox({
      onProgress: (p) => {
        if (p.messageId === first) states.push(p.state);
      },
    });
    const posted = () =>
      alice.store.db
        .prepare("SELECT op_expires FROM outbox WHERE state = 'posted' ORDER BY id LIMIT 1")
        .get() as { op_expires: number } | undefined;
    let expires: number | undefined;
    for (let i = 0; i < 200 && expires === undefined; i++) {
      expires = posted()?.op_expires;
      await systemClock.sleep(20);
    }
    assert.ok(expires !== undefined, 'the first batch was injected');
    // Eight entries went out in that (dropped) operation; the other two wait behind it.
    const rows = alice.store.db.prepare('SELECT state FROM outbox ORDER BY id').all() as {
      state: string;
    }[];
    assert.deepEqual(
      rows.map((r) => r.state),
      [...Array(8).fill('posted'), 'queued', 'queued'],
    );
    while (world.sandbox.node.head().level <= expires + 1) await systemClock.sleep(20);
    assert.ok(proxy.held.length >= 1, 'the node swallowed the injection');
    proxy.rules.length = 0;
    await flushing;
    assert.deepEqual(
      states.slice(0, 3),
      ['posted', 'posted', 'included'],
      'm1 was posted twice, included once',
    );

    assert.equal((await bob.engine.sync()).newMessages, 10);
    assert.deepEqual(
      transcript(bob, 'alice'),
      Array.from({ length: 10 }, (_, i) => `< m${i + 1}`),
    );
    const box = await bob.chain.getPostal(alice.address, 0, 100, 'directory');
    assert.equal(
      box.length,
      10,
      'the dropped operation never landed: each entry is in the box once',
    );
    assert.ok(
      alice.engine.messages('bob').every((m) => m.state === 'included' || m.state === 'final'),
    );
  });
});
