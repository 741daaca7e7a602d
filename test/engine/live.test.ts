/**
 * The engine's other surfaces: identities (generated, imported from a secret
 * key or a mnemonic, switching), status, contact removal, ignoring and
 * blocking requests, and the live loop (`run`) with its events: messages
 * both ways and delivery states up to final, then a clean stop on abort.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemRandom } from '../../src/adapters/systemRandom.js';
import { Engine, EngineError, type EngineEvent, MIGRATIONS } from '../../src/engine/index.js';
import { createProfile, TEST_KDF } from '../../src/store/index.js';
import { testSecretKey } from '../helpers/fixtures.js';
import { PASSPHRASE, type Party, systemClock, transcript, World } from './harness.js';

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('engine: identities, status, requests, live loop', () => {
  const world = new World();
  before(() => world.start());
  after(() => world.close());

  it('identities: generated, imported from a key and a mnemonic, switched', async () => {
    const store = createProfile({
      home: join(world.dir, 'ids'),
      passphrase: PASSPHRASE,
      migrations: MIGRATIONS,
      kdf: TEST_KDF,
    });
    const chain = await world.chain();
    try {
      const engine = new Engine({
        store,
        chain,
        clock: systemClock,
        random: systemRandom,
        network: 'sandbox',
      });
      assert.throws(() => engine.current(), { code: 'no-identity' });
      const a = await engine.createIdentity({ name: 'fresh' });
      assert.match(a.address, /^tz1/);
      assert.equal(a.current, true);
      assert.equal(a.bundlePublished, false);
      const b = await engine.createIdentity({
        name: 'imported',
        secretKey: testSecretKey('live-import'),
      });
      const c = await engine.createIdentity({ name: 'words', mnemonic: MNEMONIC });
      assert.equal(c.address, 'tz1VQA4RP4fLjEEMW2FR4pE9kAg5abb5h5GL');
      const p256 = await engine.createIdentity({
        name: 'p256',
        secretKey: testSecretKey('live', 'p256'),
      });
      assert.match(p256.address, /^tz3/);
      assert.deepEqual(
        engine.listIdentities().map((i) => [i.name, i.current]),
        [
          ['fresh', true],
          ['imported', false],
          ['words', false],
          ['p256', false],
        ],
      );
      await assert.rejects(engine.createIdentity({ name: 'fresh' }), { code: 'identity-exists' });
      await assert.rejects(
        engine.createIdentity({ name: 'again', secretKey: testSecretKey('live-import') }),
        { code: 'identity-exists' },
      );
      await assert.rejects(
        engine.createIdentity({ name: 'bad', secretKey: 'edsknotakey' }),
        (e: unknown) =>
          e instanceof EngineError &&
          e.code === 'invalid-key' &&
          !e.message.includes('edsknotakey'),
      );
      await assert.rejects(engine.createIdentity({ name: 'bad', mnemonic: 'not a mnemonic' }), {
        code: 'invalid-key',
      });
      // biome-ignore lint/correctness/useHookAtTopLevel: an engine method, not a React hook
      engine.useIdentity('imported');
      assert.equal(engine.current().address, b.address);
      // biome-ignore lint/correctness/useHookAtTopLevel: an engine method, not a React hook
      engine.useIdentity(c.address);
      assert.equal(engine.current().name, 'words');
      assert.throws(() => engine.useIdentity('nobody'), { code: 'unknown-identity' });
      assert.match(engine.fingerprint(), /^(\d{5} ){5}\d{5}$/);
      // Publishing needs tez: a clear error, then it works once funded, and is idempotent.
      // biome-ignore lint/correctness/useHookAtTopLevel: an engine method, not a React hook
      engine.useIdentity('p256');
      await assert.rejects(engine.publishBundle(), { code: 'insufficient-balance' });
      await world.fund(p256.address);
      const op = await engine.publishBundle();
      assert.equal(op.state, 'included');
      assert.ok(op.hash);
      assert.equal(engine.current().bundlePublished, true);
      assert.equal((await engine.publishBundle()).hash, null);
      const st = await engine.status();
      assert.equal(st.network, 'sandbox');
      assert.equal(st.address, p256.address);
      assert.equal(st.bundlePublished, true);
      assert.ok(st.headLevel > 0);
      assert.ok(st.balanceMutez > 0n);
      assert.ok(st.typicalMessageCost.totalMutez > st.typicalMessageCost.burnMutez);
      assert.ok(st.typicalMessageCost.burnMutez >= 244n * 250n);
    } finally {
      store.close();
      await chain.close();
    }
  });

  it('contacts: unknown, not registered, removed; requests ignored and blocked', async () => {
    const bob = await world.party('bob');
    const mallory = await world.party('mallory');
    const eve = await world.party('eve');
    const nobody = await world.party('nobody', { publish: false });
    await assert.rejects(
      bob.engine.addContact(nobody.address, 'nobody'),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'not-registered' && e.message.includes('nobody'),
    );
    await assert.rejects(bob.engine.addContact('tz1notanaddress'), { code: 'invalid-address' });
    assert.throws(() => bob.engine.messages('carol'), { code: 'unknown-contact' });
    for (const p of [mallory, eve]) {
      await p.engine.addContact(bob.address, 'bob');
      await p.engine.send('bob', `hello from ${p.name}`);
      await p.engine.flushOutbox();
    }
    assert.equal((await bob.engine.sync()).requests, 2);
    assert.deepEqual(
      bob.engine
        .listRequests()
        .map((r) => r.sender)
        .sort(),
      [eve.address, mallory.address].sort(),
    );
    bob.engine.ignoreRequest(mallory.address);
    bob.engine.blockRequest(eve.address);
    assert.deepEqual(bob.engine.listRequests(), []);
    await assert.rejects(bob.engine.acceptRequest(eve.address), { code: 'unknown-request' });
    // Eve asks again: blocked senders' requests are dropped.
    await eve.engine.send('bob', 'please', { request: true });
    await eve.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).requests, 0);
    assert.deepEqual(bob.engine.listRequests(), []);
    // A contact can be removed; its name is then unknown.
    await bob.engine.addContact(mallory.address, 'mallory');
    assert.equal((await bob.engine.sync()).newMessages, 1);
    bob.engine.removeContact('mallory');
    assert.throws(() => bob.engine.findContact('mallory'), { code: 'unknown-contact' });
  });

  it('run: messages and delivery states flow as events; abort stops the loop', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    const events = new Map<Party, EngineEvent[]>([
      [alice, []],
      [bob, []],
    ]);
    for (const [p, list] of events) p.engine.on('change', (e) => list.push(e));
    const stop = new AbortController();
    const loops = [alice, bob].map((p) => p.engine.run({ pollPeriodMs: 300, signal: stop.signal }));
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 300 && !ok(); i++) await systemClock.sleep(50);
      assert.ok(ok(), what);
    };
    const incoming = (p: Party) =>
      events.get(p)!.filter((e) => e.type === 'message' && e.message.direction === 'in');
    const sent = await alice.engine.send('bob', 'one');
    await alice.engine.send('bob', 'two');
    await until('bob got two messages', () => incoming(bob).length === 2);
    await bob.engine.send('alice', 'three');
    await until('alice got a reply', () => incoming(alice).length === 1);
    await until('alice saw her first message final', () =>
      events
        .get(alice)!
        .some((e) => e.type === 'delivery' && e.messageId === sent.id && e.state === 'final'),
    );
    const states = events
      .get(alice)!
      .filter((e) => e.type === 'delivery' && e.messageId === sent.id)
      .map((e) => (e.type === 'delivery' ? e.state : ''));
    assert.deepEqual(states, ['posted', 'included', 'final']);
    stop.abort();
    await Promise.all(loops);
    assert.deepEqual(transcript(bob, 'alice'), ['< one', '< two', '> three']);
    assert.ok(events.get(bob)!.some((e) => e.type === 'sync'));
    assert.ok(!events.get(bob)!.some((e) => e.type === 'error'));
  });
});
