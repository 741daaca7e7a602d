/**
 * What a sync costs in RPC requests, counted at a proxy in front of the
 * node. With isolated counter reads (the default) an idle poll is one small
 * view call per contact, each naming that contact only, plus one for our own
 * request counter; with batched reads it is one call whatever the number of
 * contacts. Reading new entries costs one view call per 128 entries.
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

  it('batched counters: an idle poll is one request; new entries cost one view call per 128', async () => {
    const bob = await world.party('bob', { rpcUrl: proxy.url, isolatedCounterReads: false });
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

    // 135 entries in one contact's box, 3 of them for Bob.
    const alice = others[0]!;
    await alice.engine.addContact(bob.address, 'bob');
    const carol = others[1]!;
    await alice.engine.addContact(carol.address, 'carol');
    for (let i = 0; i < 135; i++) {
      await alice.engine.send(i % 60 === 0 ? 'bob' : 'carol', `m${i}`, { request: false });
    }
    await alice.engine.flushOutbox();
    proxy.requests.length = 0;
    const r = await bob.engine.sync();
    assert.equal(r.newMessages, 3);
    assert.equal(r.entriesRead, 135);
    assert.equal(proxy.requests.length, 1 + 2, 'counters, then two pages of at most 128');
  });

  it('isolated counters: one view call per contact, each naming only that contact', async () => {
    const dave = await world.party('dave', { rpcUrl: proxy.url });
    const contacts = [];
    for (let i = 0; i < 3; i++) contacts.push(await world.party(`d${i}`));
    for (const c of contacts) await dave.engine.addContact(c.address, c.name);
    await dave.engine.sync();

    proxy.requests.length = 0;
    const idle = await dave.engine.sync();
    assert.equal(idle.newMessages, 0);
    assert.equal(
      proxy.requests.length,
      1 + contacts.length,
      'own request counter + one per contact',
    );
    const named = proxy.requests.map((r) => {
      assert.equal(r.path, '/chains/main/blocks/head/helpers/scripts/run_script_view');
      return [...new Set(r.body.match(/tz[123][1-9A-HJ-NP-Za-km-z]{33}/g) ?? [])];
    });
    for (const addresses of named) assert.equal(addresses.length, 1, 'one address per request');
    assert.deepEqual(
      named.map((a) => a[0]).sort(),
      [dave.address, ...contacts.map((c) => c.address)].sort(),
    );
    for (const r of proxy.requests) assert.ok(r.body.length < 2048, 'a small request');
  });
});
