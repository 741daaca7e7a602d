/**
 * Engine scenarios on the sandbox: simultaneous start, duplicates (a
 * re-posted entry is shown once), prekey rotation mid-conversation, a
 * contact's bundle change (flag, send refused until accepted), and junk in
 * postal and request boxes (skipped, counted, the sync goes on).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getIdentity } from '../../src/engine/identityStore.js';
import {
  EngineError,
  PENDING_REQUEST_PREKEY_HOLD_MS,
  PREKEY_ROTATION_MS,
} from '../../src/engine/index.js';
import { testSecretKey } from '../helpers/fixtures.js';
import { type Party, transcript, World } from './harness.js';

const secretKeyOf = (p: Party) =>
  (
    p.store.db.prepare('SELECT secret_key FROM identities WHERE address = ?').get(p.address) as {
      secret_key: string;
    }
  ).secret_key;

/** Posts raw entries to a party's own postal box, outside the engine. */
async function postRaw(p: Party, entries: Uint8Array[]): Promise<void> {
  const writer = await p.chain.writer(secretKeyOf(p));
  const op = await writer.inject({ kind: 'post', entries });
  await writer.waitForInclusion(op);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The epochs of the prekeys an identity still holds, newest first. */
const prekeyEpochs = (p: Party) =>
  getIdentity(p.store.db, p.address)!.keys.prekeys.map((k) => k.epoch);

async function talk(from: Party, to: Party, toName: string, fromName: string, text: string) {
  await from.engine.send(toName, text);
  await from.engine.flushOutbox();
  const r = await to.engine.sync();
  assert.equal(r.newMessages, 1, `${fromName} → ${toName}: ${text}`);
}

describe('engine scenarios', () => {
  const world = new World();
  before(() => world.start());
  after(() => world.close());

  it('simultaneous start: both write first, both converge and keep talking', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    await alice.engine.send('bob', 'hi bob (first)');
    await bob.engine.send('alice', 'hi alice (first)');
    await Promise.all([alice.engine.flushOutbox(), bob.engine.flushOutbox()]);
    assert.equal((await alice.engine.sync()).newMessages, 1);
    assert.equal((await bob.engine.sync()).newMessages, 1);
    // Requests from people already in the contacts are not listed.
    assert.deepEqual(alice.engine.listRequests(), []);
    assert.deepEqual(bob.engine.listRequests(), []);
    await talk(alice, bob, 'bob', 'alice', 'a2');
    await talk(bob, alice, 'alice', 'bob', 'b2');
    await talk(alice, bob, 'bob', 'alice', 'a3');
    assert.deepEqual(transcript(alice, 'bob'), [
      '> hi bob (first)',
      '< hi alice (first)',
      '> a2',
      '< b2',
      '> a3',
    ]);
    assert.deepEqual(transcript(bob, 'alice'), [
      '> hi alice (first)',
      '< hi bob (first)',
      '< a2',
      '> b2',
      '< a3',
    ]);
  });

  it('duplicates: re-posted entries (initial and steady) are shown once', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    await alice.engine.send('bob', 'one', { request: false });
    await alice.engine.send('bob', 'two');
    await alice.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).newMessages, 2);
    const box = await alice.chain.getPostal(alice.address, 0, 10, 'directory');
    assert.equal(box.length, 2);
    await postRaw(
      alice,
      box.map((e) => e.bytes),
    );
    await postRaw(alice, [box[1]!.bytes, box[0]!.bytes]);
    const r = await bob.engine.sync();
    assert.equal(r.newMessages, 0);
    assert.equal(r.entriesRead, 4);
    assert.equal(r.duplicates, 4);
    assert.deepEqual(transcript(bob, 'alice'), ['< one', '< two']);
    await talk(alice, bob, 'bob', 'alice', 'three');
    assert.deepEqual(transcript(bob, 'alice'), ['< one', '< two', '< three']);
  });

  it('prekey rotation mid-conversation: old sessions go on, messages to the old prekey still open', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    const carol = await world.party('carol');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    await carol.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(carol.address, 'carol');
    await talk(alice, bob, 'bob', 'alice', 'before rotation');
    await talk(bob, alice, 'alice', 'bob', 'reply before rotation');
    // Carol encrypts to Bob's epoch-0 prekey, but her post lands after the rotation.
    await carol.engine.send('bob', 'made with the old prekey', { request: false });
    assert.equal(bob.engine.current().prekeyEpoch, 0);
    const op = await bob.engine.rotatePrekey();
    assert.equal(op.state, 'included');
    assert.equal(bob.engine.current().prekeyEpoch, 1);
    assert.equal(bob.engine.current().bundlePublished, true);
    const onChain = await alice.chain.getUser(bob.address, 'directory');
    assert.ok(onChain);
    await carol.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).newMessages, 1);
    assert.deepEqual(transcript(bob, 'carol'), ['< made with the old prekey']);
    // The established session with Alice is unaffected, both ways.
    await talk(alice, bob, 'bob', 'alice', 'after rotation');
    await talk(bob, alice, 'alice', 'bob', 'reply after rotation');
    // A newcomer starts from the new bundle.
    const dave = await world.party('dave');
    await dave.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(dave.address, 'dave');
    await talk(dave, bob, 'bob', 'dave', 'hello from the new bundle');
    // Rotating again without changes publishes epoch 2; publishing again is a no-op.
    await bob.engine.rotatePrekey();
    assert.equal((await bob.engine.publishBundle()).hash, null);
  });

  it('past the grace period a rotation drops the old prekey: a first message made with it is not recognised', async () => {
    const bob = await world.party('bob', { prekeyGraceMs: 50 });
    const carol = await world.party('carol');
    await carol.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(carol.address, 'carol');
    // Carol encrypts to Bob's epoch-0 prekey; her post lands only after it is gone.
    await carol.engine.send('bob', 'made with a dropped prekey', { request: false });
    await bob.engine.rotatePrekey(); // epoch 0 retired now
    await sleep(100);
    await bob.engine.rotatePrekey(); // epoch 0 past its grace: dropped; epoch 1 retired, kept
    assert.deepEqual(prekeyEpochs(bob), [2, 1]);
    await carol.engine.flushOutbox();
    // Its detection tag is bound to the dropped prekey: to Bob it is an entry for someone else.
    const r = await bob.engine.sync();
    assert.deepEqual(
      { read: r.entriesRead, new: r.newMessages, junk: r.junkSkipped, dup: r.duplicates },
      { read: 1, new: 0, junk: 0, dup: 0 },
    );
    assert.equal(bob.engine.findContact('carol').cursor, 1);
    assert.deepEqual(transcript(bob, 'carol'), []);
    // Bob's own first message still reaches Carol.
    await talk(bob, carol, 'carol', 'bob', 'did you write?');
    assert.deepEqual(transcript(carol, 'bob'), [
      '> made with a dropped prekey',
      '< did you write?',
    ]);
  });

  it('while a request is pending, retired prekeys outlive their grace: accepted weeks later, its first message opens', async () => {
    const bob = await world.party('bob', { prekeyGraceMs: 50 });
    const carol = await world.party('carol');
    await carol.engine.addContact(bob.address, 'bob');
    await carol.engine.send('bob', 'hello, stranger'); // with a discovery request
    await carol.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).requests, 1);
    // Bob leaves it pending through two rotations, past the grace of epoch 0.
    await bob.engine.rotatePrekey();
    await sleep(100);
    await bob.engine.rotatePrekey();
    assert.deepEqual(prekeyEpochs(bob), [2, 1, 0], 'kept while the request is pending');
    await bob.engine.acceptRequest(carol.address, 'carol');
    assert.deepEqual(transcript(bob, 'carol'), ['< hello, stranger']);
    await talk(bob, carol, 'carol', 'bob', 'hello, Carol');
    await talk(carol, bob, 'bob', 'carol', 'glad you answered');
    // Answered: the next rotation drops what is past its grace.
    await sleep(100);
    await bob.engine.rotatePrekey();
    assert.deepEqual(prekeyEpochs(bob), [3, 2]);
    assert.ok(PENDING_REQUEST_PREKEY_HOLD_MS >= PREKEY_ROTATION_MS * 4, 'held for weeks');
  });

  it("after a first message lost to a dropped prekey, the sender's next messages reach the peer, even from the smaller address", async () => {
    const bob = await world.party('bob', {
      prekeyGraceMs: 50,
      secretKey: testSecretKey('late bob'),
    });
    const carol = await world.party('carol', { secretKey: testSecretKey('late carol') });
    // The hard case: Carol's address is the smaller, so she ranks her own session first.
    assert.ok(carol.address < bob.address, 'Carol has the smaller address');
    await carol.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(carol.address, 'carol');
    await carol.engine.send('bob', 'made with a dropped prekey', { request: false });
    await bob.engine.rotatePrekey();
    await sleep(100);
    await bob.engine.rotatePrekey();
    await carol.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).newMessages, 0);
    await talk(bob, carol, 'carol', 'bob', 'did you write?');
    await talk(carol, bob, 'bob', 'carol', 'yes, again now');
    await talk(bob, carol, 'carol', 'bob', 'got it');
    await talk(carol, bob, 'bob', 'carol', 'good');
    assert.deepEqual(transcript(bob, 'carol'), [
      '> did you write?',
      '< yes, again now',
      '> got it',
      '< good',
    ]);
  });

  it("a contact's bundle change is flagged and sending refused until accepted", async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await alice.engine.send('bob', 'hello');
    await alice.engine.flushOutbox();
    assert.equal((await bob.engine.sync()).requests, 1);
    await bob.engine.acceptRequest(alice.address, 'alice');
    assert.deepEqual(transcript(bob, 'alice'), ['< hello']);
    const before = alice.engine.safetyNumber('bob');
    // Bob loses his profile and starts over with the same Tezos key: new identity key.
    const bob2 = await world.party('bob-again', { secretKey: secretKeyOf(bob) });
    assert.equal(bob2.address, bob.address);
    await assert.rejects(
      alice.engine.send('bob', 'are you still you?'),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'bundle-changed' && e.message.includes('bob'),
    );
    assert.equal(alice.engine.findContact('bob').bundleChanged, true);
    await assert.rejects(alice.engine.send('bob', 'again?'), { code: 'bundle-changed' });
    assert.equal(alice.engine.safetyNumber('bob'), before, 'unchanged until accepted');
    alice.engine.acceptBundleChange('bob');
    assert.equal(alice.engine.findContact('bob').bundleChanged, false);
    assert.equal(alice.engine.findContact('bob').verified, false);
    assert.notEqual(alice.engine.safetyNumber('bob'), before);
    await alice.engine.send('bob', 'welcome back');
    await alice.engine.flushOutbox();
    assert.equal((await bob2.engine.sync()).requests, 1);
    await bob2.engine.acceptRequest(alice.address, 'alice');
    assert.deepEqual(transcript(bob2, 'alice'), ['< welcome back']);
    assert.equal(bob2.engine.safetyNumber('alice'), alice.engine.safetyNumber('bob'));
    // Only the changed message was refused: nothing else was queued.
    assert.deepEqual(transcript(alice, 'bob'), ['> hello', '> welcome back']);
  });

  it('confirmChanged sends to a changed bundle in one step', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    const bob2 = await world.party('bob-new', { secretKey: secretKeyOf(bob) });
    const m = await alice.engine.send('bob', 'confirmed', { confirmChanged: true });
    assert.equal(m.state, 'queued');
    await alice.engine.flushOutbox();
    await bob2.engine.sync();
    await bob2.engine.acceptRequest(alice.address);
    assert.deepEqual(transcript(bob2, alice.address), ['< confirmed']);
  });

  it('junk in postal and request boxes is skipped, counted, and never stops the sync', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await bob.engine.addContact(alice.address, 'alice');
    await talk(alice, bob, 'bob', 'alice', 'before the junk');
    const junk = [
      Uint8Array.of(0x21, 1, 2, 3), // another version
      Uint8Array.of(0x11, 1, 2, 3), // a steady-state message too short to parse
      Uint8Array.of(0x1f, ...new Uint8Array(80)), // unknown kind
      new Uint8Array(401).fill(0x14), // a request in a postal box
    ];
    await postRaw(alice, junk);
    // Junk in Bob's request box too: any sender may post there.
    const mallory = await world.party('mallory');
    const mw = await mallory.chain.writer(secretKeyOf(mallory));
    for (const sealed of [Uint8Array.of(1, 2, 3), new Uint8Array(401).fill(0x14)]) {
      await mw.waitForInclusion(
        await mw.inject({ kind: 'request', recipient: bob.address, sealed }),
      );
    }
    await alice.engine.send('bob', 'after the junk');
    await alice.engine.flushOutbox();
    const r = await bob.engine.sync();
    assert.equal(r.newMessages, 1);
    assert.equal(r.junkSkipped, 6);
    assert.equal(bob.engine.findContact('alice').junkSkipped, 4);
    assert.deepEqual(transcript(bob, 'alice'), ['< before the junk', '< after the junk']);
    assert.deepEqual(bob.engine.listRequests(), []);
    const again = await bob.engine.sync();
    assert.equal(again.junkSkipped, 0, 'junk is counted once');
  });
});
