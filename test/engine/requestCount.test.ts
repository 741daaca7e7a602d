/**
 * What a sync costs in RPC requests, counted at a proxy in front of the
 * node: an idle poll is one request whatever the number of contacts, and
 * reading new entries costs one view call per 100 entries on top of it.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { World } from './harness.js';

describe('engine: RPC requests per sync', () => {
  const world = new World();
  let proxy: FaultProxy;
  before(async () => {
    await world.start();
    proxy = await startFaultProxy(world.sandbox.url);
  });
  after(async () => {
    await proxy.close();
    await world.close();
  });

  it('an idle poll is one request; new entries cost one view call per 100', async () => {
    const bob = await world.party('bob', { rpcUrl: proxy.url });
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await world.party(`c${i}`));
    for (const o of others) await bob.engine.addContact(o.address, o.name);
    await bob.engine.sync();

    proxy.requests.length = 0;
    const idle = await bob.engine.sync();
    assert.equal(idle.newMessages, 0);
    assert.deepEqual(
      proxy.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /chains/main/blocks/head/helpers/scripts/run_script_view'],
    );

    // 105 entries in one contact's box, 3 of them for Bob.
    const alice = others[0]!;
    await alice.engine.addContact(bob.address, 'bob');
    const carol = others[1]!;
    await alice.engine.addContact(carol.address, 'carol');
    for (let i = 0; i < 105; i++) {
      await alice.engine.send(i % 50 === 0 ? 'bob' : 'carol', `m${i}`, { request: false });
    }
    await alice.engine.flushOutbox();
    proxy.requests.length = 0;
    const r = await bob.engine.sync();
    assert.equal(r.newMessages, 3);
    assert.equal(r.entriesRead, 105);
    assert.equal(proxy.requests.length, 1 + 2, 'counters, then two pages of at most 100');
  });
});
