/**
 * Tampering: an entry or a discovery request with any single byte changed
 * must never be accepted, and trying it must never change the receiver.
 *
 * For every position of an entry (densely sampled for the 1 225-byte
 * post-quantum initial message: every byte of the kind, initial tag, EK_A and
 * ratchet header, a regular sample of the ML-KEM ciphertext) and a few bit
 * flips at each, decryptEntry must answer `not-mine` or throw a
 * ProtocolError, the conversation passed in must encode to the same bytes
 * afterwards, and the genuine entry must still open. Which refusal is checked
 * too, region by region, against docs/protocol.md (§3, §4.1, §4.2).
 * Violations are collected and reported together, each with its position and
 * mask.
 *
 * The associated data (identity keys, both addresses, contract, chain id) must
 * bind every message: the same entry offered to a conversation whose context
 * differs does not decrypt. Discovery requests: every flipped byte is refused,
 * and a request sealed to another identity (or opened in another context)
 * fails with DecryptionFailedError.
 *
 * MIZU_SOAK=1 flips every bit (and the whole byte) at every position.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Random } from '../../src/ports/random.js';
import { utf8 } from '../../src/protocol/bytes.js';
import {
  type Conversation,
  createConversation,
  DecryptionFailedError,
  DuplicateMessageError,
  decryptEntry,
  encodeConversation,
  encryptMessage,
  openRequest,
  ProtocolError,
  type ProtocolErrorCode,
  type RequestContext,
  sealRequest,
} from '../../src/protocol/index.js';
import type { Session } from '../../src/protocol/session.js';
import { associatedData } from '../../src/protocol/x3dh.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  OTHER_CHAIN_ID,
  OTHER_CONTRACT,
  SOAK,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

const EVERY_BIT = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80];
/** Cheap targets get every single-bit flip; the ML-KEM initial message gets the lowest and highest bit. */
const CHEAP_MASKS = SOAK ? [...EVERY_BIT, 0xff] : EVERY_BIT;
const PQ_MASKS = SOAK ? [...EVERY_BIT, 0xff] : [0x01, 0x80];

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  const random = seededRandom('tamper-users');
  alice = await makeUser('alice', testSecretKey('alice'), random);
  bob = await makeUser('bob', testSecretKey('bob'), random);
  carol = await makeUser('carol', testSecretKey('carol'), random);
});

interface Context {
  readonly ourAddress: string;
  readonly peerAddress: string;
  readonly contract: string;
  readonly chainId: string;
}

function conversation(me: TestUser, peer: TestUser, ctx: Partial<Context> = {}): Conversation {
  return createConversation({
    ourAddress: ctx.ourAddress ?? me.address,
    peerAddress: ctx.peerAddress ?? peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: ctx.contract ?? CONTRACT,
    chainId: ctx.chainId ?? CHAIN_ID,
  });
}

function flipped(bytes: Uint8Array, position: number, mask: number): Uint8Array {
  const out = bytes.slice();
  out[position]! ^= mask;
  return out;
}

function allPositions(length: number): number[] {
  return Array.from({ length }, (_, i) => i);
}

type Attempt =
  | { readonly kind: 'ok'; readonly conversation: Conversation; readonly plaintext: Uint8Array }
  | { readonly kind: 'not-mine' }
  | { readonly kind: 'threw'; readonly error: unknown };

function attempt(conv: Conversation, bytes: Uint8Array, to: TestUser, random: Random): Attempt {
  try {
    const r = decryptEntry(conv, bytes, { ours: to.keys, random });
    if (r.status === 'not-mine') return { kind: 'not-mine' };
    return { kind: 'ok', conversation: r.conversation, plaintext: r.plaintext };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

/** What a refusal may look like: `not-mine`, or the code of the ProtocolError thrown. */
type Refusal = 'not-mine' | ProtocolErrorCode;

/**
 * The refusals docs/protocol.md allows for a flipped byte at each position of
 * a steady-state entry of `length` bytes (§4.1, §4.2): the detection tag and
 * the body tag bytes that feed the header IV route the entry (not mine); the
 * header is malleable but authenticated by the body, so it may read as a
 * duplicate or too many skipped keys; everything else fails authentication.
 */
function steadyRefusals(length: number): (position: number) => readonly Refusal[] {
  return (i) => {
    if (i === 0) return ['MALFORMED', 'UNSUPPORTED_VERSION', 'not-mine'];
    if (i < 9) return ['not-mine'];
    if (i < 49) return ['DECRYPTION_FAILED', 'DUPLICATE_MESSAGE', 'TOO_MANY_SKIPPED'];
    if (i < length - 16 || i === length - 1) return ['DECRYPTION_FAILED'];
    return ['not-mine'];
  };
}

/**
 * For an initial entry (§3, §5.2): the initial tag covers the tag bytes and
 * EK_A[0..16), so changing those makes it not mine; once the tag matches,
 * "any failure to open an initial message […] is reported as a decryption
 * failure, never as not mine".
 */
function initialRefusals(i: number): readonly Refusal[] {
  if (i === 0) return ['MALFORMED', 'UNSUPPORTED_VERSION', 'DECRYPTION_FAILED', 'not-mine'];
  if (i < 1 + 8 + 16) return ['not-mine'];
  return ['DECRYPTION_FAILED'];
}

/**
 * Offers every tampered variant of `entry` to `receiver` and returns the
 * violations: acceptance, an untyped throw, a refusal of another kind than
 * `allowed` says, or a change of the receiver's state.
 */
function tamperEntry(
  receiver: Conversation,
  to: TestUser,
  entry: Uint8Array,
  positions: readonly number[],
  masks: readonly number[],
  allowed: (position: number) => readonly Refusal[],
  random: Random,
): string[] {
  const snapshot = encodeConversation(receiver);
  const violations: string[] = [];
  for (const position of positions) {
    for (const mask of masks) {
      const r = attempt(receiver, flipped(entry, position, mask), to, random);
      const where = `byte ${position} ^ 0x${mask.toString(16).padStart(2, '0')}`;
      if (r.kind === 'ok') violations.push(`${where}: accepted`);
      else if (r.kind === 'threw' && !(r.error instanceof ProtocolError))
        violations.push(`${where}: untyped ${String(r.error)}`);
      else {
        const got: Refusal = r.kind === 'not-mine' ? 'not-mine' : (r.error as ProtocolError).code;
        if (!allowed(position).includes(got))
          violations.push(`${where}: ${got}, expected ${allowed(position).join(' or ')}`);
      }
      if (!equal(encodeConversation(receiver), snapshot))
        violations.push(`${where}: the receiver's state changed`);
    }
  }
  return violations;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function expectOpens(
  receiver: Conversation,
  to: TestUser,
  entry: Uint8Array,
  text: string,
  random: Random,
): Conversation {
  const r = decryptEntry(receiver, entry, { ours: to.keys, random });
  assert.equal(r.status, 'ok', 'the genuine entry must still open');
  if (r.status !== 'ok') throw new Error('unreachable');
  assert.equal(new TextDecoder().decode(r.plaintext), text);
  return r.conversation;
}

function expectDecryptionFailed(
  conv: Conversation,
  entry: Uint8Array,
  to: TestUser,
  random: Random,
): void {
  const snapshot = encodeConversation(conv);
  assert.throws(
    () => decryptEntry(conv, entry, { ours: to.keys, random }),
    (e: unknown) => e instanceof DecryptionFailedError && e.code === 'DECRYPTION_FAILED',
  );
  assert.deepEqual(encodeConversation(conv), snapshot);
}

// Layout of an initial entry: kind (1) ‖ initial tag (8) ‖ EK_A (32) ‖ [ML-KEM ct (1088)] ‖ ratchet message.
const KEM_CT_BYTES = 1088;
const PREFIX = 1 + 8 + 32;

/** Every byte outside the ML-KEM ciphertext; inside it, both ends and every 7th byte. */
function pqPositions(length: number): number[] {
  if (SOAK) return allPositions(length);
  const kemEnd = PREFIX + KEM_CT_BYTES;
  return allPositions(length).filter(
    (i) => i < PREFIX + 16 || i >= kemEnd - 16 || (i - PREFIX) % 7 === 0,
  );
}

// ---------------------------------------------------------------------------

describe('tampered postal-box entries', () => {
  /**
   * Bob has accepted Alice's initial message and her message 1, and skipped
   * message 2 to open message 3. In flight towards him: message 2 (a skipped
   * key), message 4 (next on the current chain) and the first message of
   * Alice's next chain (a DH ratchet step).
   */
  function steadyScene(seed: string) {
    const random = seededRandom(seed);
    let a = conversation(alice, bob);
    let b = conversation(bob, alice);
    const send = (text: string) => {
      const e = encryptMessage(a, utf8(text), { ours: alice.keys, random, bundle: bob.bundle });
      a = e.conversation;
      return e.entry;
    };
    b = expectOpens(b, bob, send('initial'), 'initial', random);
    b = expectOpens(b, bob, send('one'), 'one', random);
    const two = send('two');
    b = expectOpens(b, bob, send('three'), 'three', random);
    const four = send('four');
    const reply = encryptMessage(b, utf8('reply'), { ours: bob.keys, random });
    b = reply.conversation;
    a = expectOpens(a, alice, reply.entry, 'reply', random);
    const next = send('next chain');
    return { random, bob: b, entries: { two, four, next } };
  }

  const steadyCases = [
    ['a message whose key was skipped', 'two', 'two'],
    ['the next message of the current chain', 'four', 'four'],
    ['the first message of a new chain (DH ratchet step)', 'next', 'next chain'],
  ] as const;

  for (const [name, key, text] of steadyCases) {
    test(`steady-state entry, ${name}: every flipped bit is refused and changes nothing`, () => {
      const scene = steadyScene(`tamper-steady-${key}`);
      const entry = scene.entries[key];
      assert.equal(entry[0], 0x11);
      const violations = tamperEntry(
        scene.bob,
        bob,
        entry,
        allPositions(entry.length),
        CHEAP_MASKS,
        steadyRefusals(entry.length),
        scene.random,
      );
      assert.deepEqual(violations, []);
      expectOpens(scene.bob, bob, entry, text, scene.random);
    });
  }

  for (const postQuantum of [false, true]) {
    const kind = postQuantum ? 'post-quantum' : 'classic';
    test(`${kind} initial entry: every flipped bit is refused and changes nothing`, () => {
      const random = seededRandom(`tamper-initial-${kind}`);
      const started = encryptMessage(conversation(alice, bob), utf8('hello'), {
        ours: alice.keys,
        random,
        bundle: bob.bundle,
        postQuantum,
      });
      const entry = started.entry;
      assert.equal(entry[0], postQuantum ? 0x13 : 0x12);
      assert.equal(entry.length >= (postQuantum ? 1193 : 105), true);
      const receiver = conversation(bob, alice);
      const positions = postQuantum ? pqPositions(entry.length) : allPositions(entry.length);
      const masks = postQuantum ? PQ_MASKS : CHEAP_MASKS;
      const violations = tamperEntry(
        receiver,
        bob,
        entry,
        positions,
        masks,
        initialRefusals,
        random,
      );
      assert.deepEqual(violations, []);
      expectOpens(receiver, bob, entry, 'hello', random);
    });
  }

  test('a copy of an accepted initial message with a non-canonical EK_A is refused and cannot replay old messages', () => {
    // X25519 ignores the top bit of a public key (RFC 7748 §5), so flipping
    // bit 255 of EK_A yields the same X3DH secrets. The copy must not start
    // a second session that re-opens messages Bob already received.
    const random = seededRandom('tamper-ek-top-bit');
    let a = conversation(alice, bob);
    let b = conversation(bob, alice);
    const initial = encryptMessage(a, utf8('hello'), {
      ours: alice.keys,
      random,
      bundle: bob.bundle,
    });
    a = initial.conversation;
    b = expectOpens(b, bob, initial.entry, 'hello', random);
    const one = encryptMessage(a, utf8('one'), { ours: alice.keys, random });
    b = expectOpens(b, bob, one.entry, 'one', random);

    const copy = flipped(initial.entry, PREFIX - 1, 0x80); // top bit of EK_A's last byte
    const problems: string[] = [];
    let after = b;
    const r = attempt(b, copy, bob, random);
    if (r.kind === 'ok') {
      problems.push('the altered copy was accepted and started a session');
      after = r.conversation;
    } else if (r.kind === 'threw' && !(r.error instanceof ProtocolError)) {
      problems.push(`the altered copy threw an untyped ${String(r.error)}`);
    }
    // Whatever happened, the message Bob already has must still be a duplicate.
    const again = attempt(after, one.entry, bob, random);
    if (again.kind === 'ok') problems.push('message "one" was accepted a second time');
    else if (again.kind === 'not-mine' || !(again.error instanceof DuplicateMessageError))
      problems.push('message "one" was not refused as a duplicate');
    assert.deepEqual(problems, []);
  });
});

// ---------------------------------------------------------------------------

describe('associated data binds the context', () => {
  const variants = (): [string, Partial<Context>][] => [
    ['another contract', { contract: OTHER_CONTRACT }],
    ['another chain id', { chainId: OTHER_CHAIN_ID }],
    ['swapped addresses', { ourAddress: alice.address, peerAddress: bob.address }],
    ['a third address', { peerAddress: carol.address }],
  ];

  for (const postQuantum of [false, true]) {
    const kind = postQuantum ? 'post-quantum' : 'classic';
    test(`a ${kind} initial entry does not open in a conversation with another context`, () => {
      const random = seededRandom(`ad-initial-${kind}`);
      const started = encryptMessage(conversation(alice, bob), utf8('hello'), {
        ours: alice.keys,
        random,
        bundle: bob.bundle,
        postQuantum,
      });
      for (const [name, ctx] of variants()) {
        const receiver = conversation(bob, alice, ctx);
        assert.throws(
          () => decryptEntry(receiver, started.entry, { ours: bob.keys, random }),
          DecryptionFailedError,
          name,
        );
      }
      // Another peer identity key: the initial tag no longer matches, so it is not ours.
      const impostor = createConversation({
        ourAddress: bob.address,
        peerAddress: alice.address,
        peerIdentityKey: carol.bundle.identityKey,
        contract: CONTRACT,
        chainId: CHAIN_ID,
      });
      assert.deepEqual(decryptEntry(impostor, started.entry, { ours: bob.keys, random }), {
        status: 'not-mine',
      });
      expectOpens(conversation(bob, alice), bob, started.entry, 'hello', random);
    });
  }

  test('a steady-state entry does not open when the session was agreed in another context', () => {
    const random = seededRandom('ad-steady');
    let a = conversation(alice, bob);
    let b = conversation(bob, alice);
    const initial = encryptMessage(a, utf8('hello'), {
      ours: alice.keys,
      random,
      bundle: bob.bundle,
    });
    a = initial.conversation;
    b = expectOpens(b, bob, initial.entry, 'hello', random);
    const entry = encryptMessage(a, utf8('steady'), { ours: alice.keys, random }).entry;
    const session = b.sessions[0]!;
    const adFor = (ctx: Context) =>
      associatedData(alice.bundle.identityKey, bob.bundle.identityKey, {
        initiatorAddress: ctx.peerAddress,
        responderAddress: ctx.ourAddress,
        contract: ctx.contract,
        chainId: ctx.chainId,
      });
    const real: Context = {
      ourAddress: bob.address,
      peerAddress: alice.address,
      contract: CONTRACT,
      chainId: CHAIN_ID,
    };
    // The derivation used here is the session's: same context, same associated data.
    assert.deepEqual(adFor(real), session.associatedData);

    // Same keys, but the associated data of another context.
    for (const [name, ctx] of variants()) {
      const other: Context = { ...real, ...ctx };
      const moved: Session = { ...session, associatedData: adFor(other) };
      const receiver: Conversation = { ...b, ...other, sessions: [moved] };
      assert.throws(
        () => decryptEntry(receiver, entry, { ours: bob.keys, random }),
        DecryptionFailedError,
        name,
      );
    }
    // Any single flipped bit of the associated data.
    for (let i = 0; i < session.associatedData.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const moved: Session = {
          ...session,
          associatedData: flipped(session.associatedData, i, mask),
        };
        expectDecryptionFailed({ ...b, sessions: [moved] }, entry, bob, random);
      }
    }
    expectOpens(b, bob, entry, 'steady', random);
  });
});

// ---------------------------------------------------------------------------

describe('tampered discovery requests', () => {
  const ctx: RequestContext = { contract: CONTRACT, chainId: CHAIN_ID };

  function seal(random: Random, recipient = bob, note = 'hi bob, it is alice'): Uint8Array {
    return sealRequest({
      ourIdentity: alice.keys.identity,
      ourAddress: alice.address,
      recipient: recipient.bundle,
      postalIndex: 42n,
      note,
      random,
    });
  }

  test('every flipped bit of a request is refused with a ProtocolError', () => {
    const random = seededRandom('tamper-request');
    const request = seal(random);
    const violations: string[] = [];
    for (let position = 0; position < request.length; position++) {
      for (const mask of CHEAP_MASKS) {
        const where = `byte ${position} ^ 0x${mask.toString(16).padStart(2, '0')}`;
        try {
          openRequest(flipped(request, position, mask), bob.keys, ctx);
          violations.push(`${where}: accepted`);
        } catch (e) {
          if (!(e instanceof ProtocolError)) violations.push(`${where}: untyped ${String(e)}`);
        }
      }
    }
    assert.deepEqual(violations, []);
    const opened = openRequest(request, bob.keys, ctx);
    assert.equal(opened.senderAddress, alice.address);
    assert.equal(opened.postalIndex, 42n);
    assert.equal(opened.note, 'hi bob, it is alice');
  });

  test('a request sealed to another identity key fails with DecryptionFailedError', () => {
    const random = seededRandom('request-other-identity');
    const forCarol = seal(random, carol);
    assert.throws(() => openRequest(forCarol, bob.keys, ctx), DecryptionFailedError);
    assert.equal(openRequest(forCarol, carol.keys, ctx).senderAddress, alice.address);
  });

  test('a request opened in another contract or chain fails with DecryptionFailedError', () => {
    const request = seal(seededRandom('request-other-context'));
    for (const other of [
      { contract: OTHER_CONTRACT, chainId: CHAIN_ID },
      { contract: CONTRACT, chainId: OTHER_CHAIN_ID },
    ]) {
      assert.throws(() => openRequest(request, bob.keys, other), DecryptionFailedError);
    }
  });
});
