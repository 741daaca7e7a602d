/**
 * Conversations (docs/protocol.md §5.3 and §6): duplicates, simultaneous
 * start, a peer that starts over, prekey rotation and its grace period,
 * entries addressed to someone else, and the errors of encryptMessage.
 *
 * Entries travel through a small model of postal boxes: each sender appends
 * to its own box, each reader reads the other's box in order from a cursor,
 * which is the delivery order the protocol relies on (§5.3 "Order").
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { compareBytes, concatBytes, toHex, utf8 } from '../../src/protocol/bytes.js';
import { hkdfSha256 } from '../../src/protocol/crypto/hash.js';
import { x25519 } from '../../src/protocol/crypto/x25519.js';
import {
  DuplicateMessageError,
  decodeConversation,
  decryptEntry,
  dropExpiredPrekeys,
  encodeConversation,
  encryptMessage,
  generateIdentityKeys,
  InvalidArgumentError,
  NoSendingSessionError,
  PREKEY_GRACE_MS,
  ProtocolError,
  rotatePrekey,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
  WIRE,
} from '../../src/protocol/index.js';
import { initialDetectionKey } from '../../src/protocol/session.js';
import { addressToBytes } from '../../src/protocol/tezosAccount.js';
import { conversationWith, Endpoint, text } from '../helpers/chat.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  OTHER_CONTRACT,
  publish,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

/** Two endpoints and their postal boxes; `sync` reads the peer's box in order. */
class Pair {
  readonly boxes = new Map<Endpoint, { entry: Uint8Array; text: string; session: string }[]>();
  readonly cursors = new Map<Endpoint, number>();
  readonly read = new Map<Endpoint, string[]>();

  constructor(
    readonly x: Endpoint,
    readonly y: Endpoint,
  ) {
    for (const e of [x, y]) {
      this.boxes.set(e, []);
      this.cursors.set(e, 0);
      this.read.set(e, []);
    }
  }

  peerOf(e: Endpoint): Endpoint {
    return e === this.x ? this.y : this.x;
  }

  send(from: Endpoint, message: string, options: { postQuantum?: boolean } = {}) {
    const sent = from.send(message, options);
    this.boxes.get(from)!.push({ entry: sent.entry, text: message, session: sent.sessionId });
    return sent;
  }

  /** `reader` reads every new entry of its peer's box; each must decrypt. */
  sync(reader: Endpoint): string[] {
    const box = this.boxes.get(this.peerOf(reader))!;
    const got: string[] = [];
    for (let i = this.cursors.get(reader)!; i < box.length; i++) {
      const out = reader.receive(box[i]!.entry);
      assert.equal(out.status, 'ok', `${reader.user.name} cannot read "${box[i]!.text}"`);
      if (out.status === 'ok') {
        assert.equal(out.text, box[i]!.text);
        assert.equal(out.sessionId, box[i]!.session, 'read on the session it was sent on');
        got.push(out.text);
      }
    }
    this.cursors.set(reader, box.length);
    this.read.get(reader)!.push(...got);
    return got;
  }

  /** Every message sent by each side was read exactly once, in order, by the other. */
  assertNothingLost(): void {
    for (const e of [this.x, this.y]) {
      const sent = this.boxes.get(this.peerOf(e))!.map((m) => m.text);
      assert.deepEqual(this.read.get(e), sent);
    }
  }
}

const smaller = (u: TestUser, v: TestUser) =>
  compareBytes(addressToBytes(u.address), addressToBytes(v.address)) < 0;

describe('conversations', () => {
  const random = seededRandom('conversation.test/users');
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let classicOnly: TestUser;

  before(async () => {
    alice = await makeUser('alice', testSecretKey('conv/alice'), random);
    bob = await makeUser('bob', testSecretKey('conv/bob'), random);
    carol = await makeUser('carol', testSecretKey('conv/carol', 'secp256k1'), random);
    dave = await makeUser('dave', testSecretKey('conv/dave', 'p256'), random);
    classicOnly = await makeUser('erin', testSecretKey('conv/erin'), random, { withKem: false });
  });

  const endpoints = (u: TestUser, v: TestUser, label: string) =>
    new Pair(
      new Endpoint(u, v, seededRandom(`${label}/${u.name}`)),
      new Endpoint(v, u, seededRandom(`${label}/${v.name}`)),
    );

  describe('duplicates', () => {
    test('a duplicate initial message never starts a second session, even much later', () => {
      const p = endpoints(alice, bob, 'dup-initial');
      const first = p.send(p.x, 'hello bob');
      assert.deepEqual(p.sync(p.y), ['hello bob']);
      assert.throws(() => p.y.receive(first.entry), DuplicateMessageError);
      assert.equal(p.y.conv.sessions.length, 1);

      // The session moves on: many messages, several ratchet steps each way.
      for (let i = 0; i < 40; i++) {
        p.send(p.x, `a${i}`);
        if (i % 4 === 0) {
          p.sync(p.y);
          p.send(p.y, `b${i}`);
          p.sync(p.x);
        }
      }
      p.sync(p.y);
      const state = p.y.conv;
      assert.throws(() => p.y.receive(first.entry), DuplicateMessageError);
      assert.equal(p.y.conv, state, 'the conversation is not replaced');
      assert.equal(p.y.conv.sessions.length, 1);

      // Still recognised after the state went through the codec (a restart).
      p.y.conv = decodeConversation(encodeConversation(p.y.conv));
      assert.throws(() => p.y.receive(first.entry), DuplicateMessageError);
      assert.equal(p.y.conv.sessions.length, 1);
      p.assertNothingLost();
    });

    test('a duplicate steady message is DuplicateMessageError, in both directions', () => {
      const p = endpoints(alice, bob, 'dup-steady');
      p.send(p.x, 'start');
      p.sync(p.y);
      const fromBob = p.send(p.y, 'reply');
      p.sync(p.x);
      const fromAlice = p.send(p.x, 'second');
      p.sync(p.y);
      assert.throws(() => p.x.receive(fromBob.entry), DuplicateMessageError);
      assert.throws(() => p.y.receive(fromAlice.entry), DuplicateMessageError);
      // Out of order: the later one first, then the earlier, then both again.
      const m1 = p.send(p.x, 'm1');
      const m2 = p.send(p.x, 'm2');
      assert.equal(p.y.read(m2.entry), 'm2');
      assert.equal(p.y.read(m1.entry), 'm1');
      assert.throws(() => p.y.receive(m1.entry), DuplicateMessageError);
      assert.throws(() => p.y.receive(m2.entry), DuplicateMessageError);
    });

    test('a steady message replayed after its chain is gone is never delivered twice', () => {
      const p = endpoints(alice, bob, 'dup-old-chain');
      p.send(p.x, 'start');
      p.sync(p.y);
      p.send(p.y, 'reply');
      p.sync(p.x);
      const old = p.send(p.x, 'on an old chain');
      p.sync(p.y);
      for (let i = 0; i < 6; i++) {
        p.send(p.y, `b${i}`);
        p.sync(p.x);
        p.send(p.x, `a${i}`);
        p.sync(p.y);
      }
      // Bob no longer holds that chain's header key (nothing was skipped on
      // it), so the entry cannot even be recognised: "not mine" or a
      // duplicate are both acceptable; decrypting it again is not.
      let status: string;
      try {
        status = p.y.receive(old.entry).status;
      } catch (e) {
        assert.ok(e instanceof DuplicateMessageError, String(e));
        status = 'duplicate';
      }
      assert.notEqual(status, 'ok');
      p.assertNothingLost();
    });
  });

  describe('simultaneous start (§6 rules 3 and 4)', () => {
    for (const [first, second] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
      ['carol', 'dave'],
      ['dave', 'carol'],
    ] as const) {
      test(`${first} and ${second} both start, then read each other's box`, () => {
        const users = { alice, bob, carol, dave };
        const u = users[first];
        const v = users[second];
        const p = endpoints(u, v, `simultaneous/${first}-${second}`);
        const su = p.send(p.x, `${first} 1`);
        p.send(p.x, `${first} 2 (before the switch)`);
        const sv = p.send(p.y, `${second} 1`);
        p.send(p.y, `${second} 2 (before the switch)`);
        assert.ok(su.startedSession && sv.startedSession);
        assert.notEqual(su.sessionId, sv.sessionId);

        p.sync(p.x);
        p.sync(p.y);
        const xSmaller = smaller(u, v);
        const expected = xSmaller ? su.sessionId : sv.sessionId;
        const [small, large] = xSmaller ? [p.x, p.y] : [p.y, p.x];
        const largeSession = xSmaller ? sv.sessionId : su.sessionId;
        assert.deepEqual(p.x.sessionIds().sort(), [su.sessionId, sv.sessionId].sort());
        assert.deepEqual(p.y.sessionIds().sort(), [su.sessionId, sv.sessionId].sort());
        // Both rank the smaller party's session first. The larger party sends on it;
        // the smaller one sends on the larger's until a message confirms its own.
        assert.deepEqual([p.x.sessionIds()[0], p.y.sessionIds()[0]], [expected, expected]);
        assert.equal(large.activeSessionId(), expected);
        assert.equal(small.activeSessionId(), largeSession);
        assert.equal(p.send(small, 'on the peer session').sessionId, largeSession);
        p.send(large, 'on the winning session');
        p.sync(small);
        p.sync(large);
        assert.equal(small.activeSessionId(), expected);

        // They keep talking, on the winning session only.
        for (let i = 0; i < 5; i++) {
          assert.equal(p.send(p.x, `${first} after ${i}`).sessionId, expected);
          assert.equal(p.send(p.y, `${second} after ${i}`).sessionId, expected);
          if (i % 2 === 0) p.sync(p.y);
          p.sync(p.x);
          p.sync(p.y);
        }
        assert.equal(p.x.activeSessionId(), expected);
        assert.equal(p.y.activeSessionId(), expected);
        p.assertNothingLost();
      });

      test(`${first} and ${second} both start; ${first} reads and replies before ${second} reads`, () => {
        const users = { alice, bob, carol, dave };
        const u = users[first];
        const v = users[second];
        const p = endpoints(u, v, `simultaneous-reply/${first}-${second}`);
        const su = p.send(p.x, `${first} 1`);
        const sv = p.send(p.y, `${second} 1`);
        p.sync(p.x);
        const expected = smaller(u, v) ? su.sessionId : sv.sessionId;
        // Before the peer has read anything, the reply goes on the peer's session:
        // the winner when the peer is smaller, the one the peer surely holds otherwise.
        assert.equal(p.send(p.x, `${first} 2`).sessionId, sv.sessionId);
        p.sync(p.y);
        assert.equal(p.y.activeSessionId(), expected);
        p.send(p.y, `${second} 2`);
        p.sync(p.x);
        p.send(p.x, `${first} 3`);
        p.sync(p.y);
        assert.equal(p.x.activeSessionId(), expected);
        assert.equal(p.y.activeSessionId(), expected);
        p.assertNothingLost();
      });

      test(`${first}'s first message is never read (its prekey is gone); ${second} starts, and they talk`, () => {
        const users = { alice, bob, carol, dave };
        const u = users[first];
        const v = users[second];
        const p = endpoints(u, v, `unread-start/${first}-${second}`);
        const lost = p.send(p.x, `${first} 1, made with a prekey that will be gone`);
        // The reader skips it, as a reader without that prekey finds it "not mine".
        p.cursors.set(p.y, 1);
        const sv = p.send(p.y, `${second} 1`);
        p.sync(p.x);
        assert.deepEqual(p.y.sessionIds(), [sv.sessionId]);
        // Whatever the order of the addresses, the first party now writes on the
        // session the peer holds, and keeps doing so.
        for (let i = 0; i < 3; i++) {
          assert.equal(p.send(p.x, `${first} ${i + 2}`).sessionId, sv.sessionId);
          assert.equal(p.sync(p.y).length, 1);
          p.send(p.y, `${second} ${i + 2}`);
          assert.equal(p.sync(p.x).length, 1);
        }
        assert.notEqual(lost.sessionId, sv.sessionId);
        assert.equal(p.x.activeSessionId(), sv.sessionId);
      });
    }
  });

  test('peer re-install: the peer’s new session becomes active, old-session messages still open', () => {
    const p = endpoints(alice, bob, 'reinstall');
    const s1 = p.send(p.x, 'hi bob');
    p.sync(p.y);
    p.send(p.y, 'hi alice');
    p.sync(p.x);
    p.send(p.y, 'unread 1 (old session)');
    p.send(p.y, 'unread 2 (old session)');

    // Bob loses his conversation state (keeps his identity keys) and starts over.
    const fresh = new Endpoint(bob, alice, seededRandom('reinstall/bob-again'));
    const s2 = fresh.send('bob again, new install');
    assert.ok(s2.startedSession);
    p.boxes
      .get(p.y)!
      .push({ entry: s2.entry, text: 'bob again, new install', session: s2.sessionId });

    assert.deepEqual(p.sync(p.x), [
      'unread 1 (old session)',
      'unread 2 (old session)',
      'bob again, new install',
    ]);
    assert.equal(p.x.activeSessionId(), s2.sessionId);
    assert.deepEqual(p.x.sessionIds(), [s2.sessionId, s1.sessionId]);

    const reply = p.x.send('welcome back');
    assert.equal(reply.sessionId, s2.sessionId);
    assert.equal(fresh.read(reply.entry), 'welcome back');
    const more = fresh.send('thanks');
    assert.equal(p.x.read(more.entry), 'thanks');
  });

  describe('prekey rotation and grace', () => {
    const t0 = Date.UTC(2026, 0, 1);
    let rotating: TestUser;
    let oldBundle: VerifiedBundle;

    before(async () => {
      rotating = await makeUser('ruth', testSecretKey('conv/ruth'), random);
      oldBundle = rotating.bundle;
      rotating.keys = rotatePrekey(rotating.keys, t0, random);
      await publish(rotating);
    });

    test('the new bundle has the next epoch and a new prekey', () => {
      assert.equal(rotating.bundle.prekeyEpoch, 1);
      assert.notEqual(toHex(rotating.bundle.signedPrekey), toHex(oldBundle.signedPrekey));
      assert.equal(rotating.keys.prekeys.length, 2);
      assert.equal(rotating.keys.prekeys[1]!.retiredAt, t0);
    });

    test('an initial message made from the OLD bundle opens during the grace period', () => {
      const keys = dropExpiredPrekeys(rotating.keys, t0 + PREKEY_GRACE_MS - 1, PREKEY_GRACE_MS);
      assert.equal(keys.prekeys.length, 2);
      for (const postQuantum of [true, false]) {
        const a = new Endpoint(alice, rotating, seededRandom(`grace/${postQuantum}/a`));
        const sent = a.send('made from the old bundle', { bundle: oldBundle, postQuantum });
        assert.equal(sent.entry[0], postQuantum ? WIRE.initialPq : WIRE.initial);
        const b = conversationWith(rotating, alice);
        const out = decryptEntry(b, sent.entry, { ours: keys, random });
        assert.equal(out.status, 'ok');
        if (out.status === 'ok') assert.equal(text(out.plaintext), 'made from the old bundle');
      }
    });

    test('after the grace period the old prekey is gone: such an initial message is not mine', () => {
      const a = new Endpoint(alice, rotating, seededRandom('grace/late/a'));
      const late = a.send('too late', { bundle: oldBundle });
      const during = dropExpiredPrekeys(rotating.keys, t0 + PREKEY_GRACE_MS - 1, PREKEY_GRACE_MS);
      const after = dropExpiredPrekeys(rotating.keys, t0 + PREKEY_GRACE_MS, PREKEY_GRACE_MS);
      assert.deepEqual(
        after.prekeys.map((p) => p.epoch),
        [1],
      );
      // The initial tag binds the prekey (§5.2), so with that prekey deleted
      // nothing can match: it is indistinguishable from someone else's entry.
      const b = conversationWith(rotating, alice);
      assert.equal(decryptEntry(b, late.entry, { ours: after, random }).status, 'not-mine');
      assert.equal(decryptEntry(b, late.entry, { ours: during, random }).status, 'ok');
      // The current bundle still works.
      const a2 = new Endpoint(alice, rotating, seededRandom('grace/late/a2'));
      const fresh = a2.send('from the new bundle');
      const out = decryptEntry(b, fresh.entry, { ours: after, random });
      assert.equal(out.status, 'ok');
    });

    test('a session started on the old prekey outlives the prekey', () => {
      const a = new Endpoint(alice, rotating, seededRandom('grace/session/a'));
      const b = new Endpoint(rotating, alice, seededRandom('grace/session/b'));
      const saved = rotating.keys;
      try {
        assert.equal(b.read(a.send('old bundle', { bundle: oldBundle }).entry), 'old bundle');
        rotating.keys = dropExpiredPrekeys(saved, t0 + PREKEY_GRACE_MS, PREKEY_GRACE_MS);
        assert.equal(a.read(b.send('reply').entry), 'reply');
        assert.equal(b.read(a.send('still here').entry), 'still here');
      } finally {
        rotating.keys = saved;
      }
    });
  });

  test('entries addressed to someone else are "not mine" and change nothing', async () => {
    // Alice talks to Carol; Bob, who also talks to Alice, reads Alice's box.
    // (A Carol of its own: see the detection-key test below for why.)
    const carol = await makeUser('carol2', testSecretKey('conv/carol2'), random);
    const ac = endpoints(alice, carol, 'foreign/alice-carol');
    const ab = endpoints(alice, bob, 'foreign/alice-bob');
    ab.send(ab.x, 'hi bob');
    ab.sync(ab.y);
    ab.send(ab.y, 'hi alice');
    ab.sync(ab.x);

    const foreign = [ac.send(ac.x, 'hi carol').entry];
    ac.sync(ac.y);
    ac.send(ac.y, 'hi alice, carol here');
    ac.sync(ac.x);
    foreign.push(ac.send(ac.x, 'steady to carol').entry);
    foreign.push(ac.send(ac.x, 'another one', { postQuantum: false }).entry);
    const classic = new Endpoint(alice, carol, seededRandom('foreign/classic'));
    foreign.push(classic.send('classic start to carol', { postQuantum: false }).entry);

    const bobState = ab.y.conv;
    const bobFresh = conversationWith(bob, alice);
    for (const entry of foreign) {
      assert.equal(ab.y.receive(entry).status, 'not-mine');
      assert.equal(decryptEntry(bobFresh, entry, { ours: bob.keys, random }).status, 'not-mine');
    }
    assert.equal(ab.y.conv, bobState);
    ab.send(ab.x, 'still talking to bob');
    ab.sync(ab.y);
    ab.assertNothingLost();
  });

  describe('initial-message detection keys (§5.2)', () => {
    // K_det = HKDF(DH(IK_A, IK_B), "…" ‖ SPK_B) depends on the sender's private
    // identity key. session.ts memoises it per (their identity key, prekey)
    // object; two local identities must still get their own keys.
    test('K_det differs for two senders to the same bundle object', async () => {
      const x = await makeUser('xavier', testSecretKey('conv/xavier'), random);
      const target = await makeUser('tina', testSecretKey('conv/tina'), random);
      const expected = (sender: TestUser) =>
        toHex(
          hkdfSha256(
            x25519(sender.keys.identity.privateKey, target.bundle.identityKey),
            new Uint8Array(32),
            concatBytes(utf8('Mizu_InitialDetection_v1'), target.bundle.signedPrekey),
            32,
          ),
        );
      const bundle = target.bundle;
      const kx = initialDetectionKey(
        x.keys.identity.privateKey,
        bundle.identityKey,
        bundle.signedPrekey,
      );
      const ka = initialDetectionKey(
        alice.keys.identity.privateKey,
        bundle.identityKey,
        bundle.signedPrekey,
      );
      assert.equal(toHex(kx), expected(x));
      assert.equal(toHex(ka), expected(alice));
    });

    test('two local identities start sessions with the same verified bundle: both are recognised', async () => {
      const x = await makeUser('yann', testSecretKey('conv/yann'), random);
      const target = await makeUser('uma', testSecretKey('conv/uma'), random);
      const fromX = new Endpoint(x, target, seededRandom('kdet/x')).send('from yann');
      const fromAlice = new Endpoint(alice, target, seededRandom('kdet/a')).send('from alice');
      const tx = new Endpoint(target, x, seededRandom('kdet/tx'));
      const ta = new Endpoint(target, alice, seededRandom('kdet/ta'));
      assert.equal(tx.receive(fromX.entry).status, 'ok');
      assert.equal(ta.receive(fromAlice.entry).status, 'ok');
    });
  });

  describe('kinds of start', () => {
    test('a classic (non-PQ) start to a PQ bundle works', () => {
      const p = endpoints(alice, bob, 'classic-to-pq');
      assert.ok(bob.bundle.kemPublicKey);
      const sent = p.send(p.x, 'classic', { postQuantum: false });
      assert.equal(sent.entry[0], WIRE.initial);
      p.sync(p.y);
      p.send(p.y, 'reply');
      p.sync(p.x);
      p.assertNothingLost();
    });

    test('the default start to a PQ bundle is hybrid (0x13); to a classic bundle, classic (0x12)', () => {
      const p = endpoints(alice, bob, 'default-start');
      assert.equal(p.send(p.x, 'hybrid').entry[0], WIRE.initialPq);
      p.sync(p.y);
      const q = endpoints(alice, classicOnly, 'default-start-classic');
      assert.equal(q.send(q.x, 'classic').entry[0], WIRE.initial);
      q.sync(q.y);
      q.send(q.y, 'reply');
      q.sync(q.x);
      q.assertNothingLost();
    });
  });

  describe('encryptMessage errors', () => {
    test('no session and no bundle: NoSendingSessionError', () => {
      const conv = conversationWith(alice, bob);
      assert.throws(
        () => encryptMessage(conv, utf8('x'), { ours: alice.keys, random }),
        NoSendingSessionError,
      );
    });

    test('a bundle with another identity key than the conversation’s: InvalidArgumentError', async () => {
      const conv = conversationWith(alice, bob);
      // Bob's account with a brand-new identity key (a re-install with new keys).
      const newKeys = generateIdentityKeys(seededRandom('new identity'));
      const prekey = newKeys.prekeys[0]!;
      const bytes = await signBundle(
        {
          accountPublicKey: bob.publicKey,
          contract: CONTRACT,
          chainId: CHAIN_ID,
          identityKey: newKeys.identity.publicKey,
          signedPrekey: prekey.prekey.publicKey,
          prekeyEpoch: 0,
          kemPublicKey: prekey.kem!.publicKey,
        },
        bob.signer,
      );
      const other = verifyBundle(bytes, {
        address: bob.address,
        contract: CONTRACT,
        chainId: CHAIN_ID,
      });
      assert.throws(
        () => encryptMessage(conv, utf8('x'), { ours: alice.keys, random, bundle: other }),
        InvalidArgumentError,
      );
      // Someone else's bundle altogether.
      assert.throws(
        () => encryptMessage(conv, utf8('x'), { ours: alice.keys, random, bundle: carol.bundle }),
        InvalidArgumentError,
      );
    });

    test('the peer’s bundle for another contract: InvalidArgumentError', async () => {
      const conv = conversationWith(alice, bob);
      const elsewhere = { ...bob } as TestUser; // same keys, published elsewhere
      await publish(elsewhere, OTHER_CONTRACT, CHAIN_ID);
      assert.throws(
        () =>
          encryptMessage(conv, utf8('x'), { ours: alice.keys, random, bundle: elsewhere.bundle }),
        InvalidArgumentError,
      );
    });

    test('a plaintext over MAX_PLAINTEXT_BYTES: InvalidArgumentError', () => {
      const conv = conversationWith(alice, bob);
      assert.throws(
        () =>
          encryptMessage(conv, new Uint8Array(65_537), {
            ours: alice.keys,
            random,
            bundle: bob.bundle,
          }),
        InvalidArgumentError,
      );
    });

    test('a signed bundle whose prekey is a low-order point is refused by verifyBundle', async () => {
      // The signature is valid, but the bundle is unusable: verification refuses it
      // (MalformedError) before any DH could meet the low-order point.
      const prekey = bob.keys.prekeys[0]!;
      const bytes = await signBundle(
        {
          accountPublicKey: bob.publicKey,
          contract: CONTRACT,
          chainId: CHAIN_ID,
          identityKey: bob.keys.identity.publicKey,
          signedPrekey: new Uint8Array(32),
          prekeyEpoch: 9,
          kemPublicKey: prekey.kem!.publicKey,
        },
        bob.signer,
      );
      assert.throws(
        () => verifyBundle(bytes, { address: bob.address, contract: CONTRACT, chainId: CHAIN_ID }),
        (e: unknown) => e instanceof ProtocolError && e.code === 'MALFORMED',
      );
    });
  });
});
