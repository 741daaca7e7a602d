/**
 * A lying node: a proxy that alters bundles in `get_user` answers. Adding
 * the contact and sending to it are refused with 'bundle-forged', naming the
 * contact; nothing is queued, and the forged bundle is never taken for a
 * legitimate change of keys.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineError } from '../../src/engine/index.js';
import { type FaultProxy, type FaultRule, startFaultProxy } from '../helpers/faultProxy.js';
import { World } from './harness.js';

/** Rewrites the bundle bytes of every get_user answer. */
const tamper = (flip: (bundleHex: string) => string): FaultRule => ({
  action: 'rewrite',
  path: /run_script_view/,
  rewrite: (answer, body) => {
    if ((body as { view: string }).view !== 'get_user') return answer;
    const data = (answer as { data?: { args?: [{ args: { bytes: string }[] }] } }).data;
    const b = data?.args?.[0]?.args[1];
    if (b) b.bytes = flip(b.bytes);
    return answer;
  },
});

const flipAt = (i: number) => (h: string) =>
  `${h.slice(0, i)}${h[i] === '0' ? '1' : '0'}${h.slice(i + 1)}`;

const isForged = (name: string) => (e: unknown) =>
  e instanceof EngineError && e.code === 'bundle-forged' && e.message.includes(name);

describe('engine: forged bundles from a lying node', () => {
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

  it('addContact and send refuse a forged bundle, naming the contact', async () => {
    const bob = await world.party('bob');
    const carol = await world.party('carol');
    const alice = await world.party('alice', { rpcUrl: proxy.url });

    // Adding through the lying node: refused (identity key byte flipped; truncated).
    proxy.rules.push(tamper(flipAt(2 * (2 + 33 + 22 + 4) + 3)));
    await assert.rejects(alice.engine.addContact(carol.address, 'carol'), isForged('carol'));
    proxy.rules.length = 0;
    proxy.rules.push(tamper((h) => h.slice(0, 100)));
    await assert.rejects(alice.engine.addContact(carol.address, 'carol'), isForged('carol'));
    assert.deepEqual(alice.engine.listContacts(), []);

    // Honest node: Bob is added and a message goes out.
    proxy.rules.length = 0;
    await alice.engine.addContact(bob.address, 'bob');
    await alice.engine.send('bob', 'honest');

    // Now the node lies about Bob's bundle (another identity key, or a bad signature).
    for (const at of [2 * (2 + 33 + 22 + 4) + 3, -10]) {
      proxy.rules.length = 0;
      proxy.rules.push(tamper((h) => flipAt(at < 0 ? h.length + at : at)(h)));
      await assert.rejects(alice.engine.send('bob', 'through a liar'), isForged('bob'));
      const bobInfo = alice.engine.findContact('bob');
      assert.equal(bobInfo.bundleChanged, false, 'a forged bundle is not a change of keys');
    }
    assert.deepEqual(
      alice.engine.messages('bob').map((m) => m.text),
      ['honest'],
      'nothing was queued through the liar',
    );
    proxy.rules.length = 0;
    await alice.engine.flushOutbox();
    await bob.engine.sync();
    await bob.engine.acceptRequest(alice.address, 'alice');
    assert.deepEqual(
      bob.engine.messages('alice').map((m) => m.text),
      ['honest'],
    );
  });
});
