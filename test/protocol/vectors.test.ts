/**
 * Mizu's checked-in protocol vectors (test/vectors/mizu-v1.json).
 *
 * 1. Regeneration: the code, run with the same seeds, must produce exactly the
 *    checked-in bytes. Any accidental change of a format, a label, a KDF input
 *    or the order in which randomness is drawn fails here.
 * 2. Meaning: the checked-in bytes, read with keys taken from the file itself,
 *    verify, open and decrypt to the expected plaintexts, and have the sizes
 *    docs/protocol.md §12 gives. So the file is a usable reference for another
 *    implementation, not just a snapshot of this one.
 *
 * After an intended format change: `npx tsx test/vectors/generate.ts`.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fromHex, toHex } from '../../src/protocol/bytes.js';
import { mlKemKeyPair } from '../../src/protocol/crypto/mlkem.js';
import { x25519KeyPair } from '../../src/protocol/crypto/x25519.js';
import {
  addressOfPublicKey,
  type Conversation,
  createConversation,
  DEFAULT_PADDING,
  decodeBundle,
  decodeConversation,
  decodeEntry,
  decryptEntry,
  encodeConversation,
  formatSafetyNumber,
  type IdentityKeys,
  openRequest,
  paddedLength,
  REQUEST_BYTES,
  safetyNumber,
  unpad,
  type VerifiedBundle,
  verifyBundle,
  verifyRequestSender,
  WIRE,
} from '../../src/protocol/index.js';
import { x3dhInitiate, x3dhRespond } from '../../src/protocol/x3dh.js';
import { replayRandom, text } from '../helpers/chat.js';
import { seededRandom } from '../helpers/fixtures.js';
import {
  buildMizuVectors,
  type FlowVector,
  type MizuVectors,
  type PartyVector,
} from '../helpers/mizuVectors.js';

const FILE = new URL('../vectors/mizu-v1.json', import.meta.url);
const vectors = JSON.parse(readFileSync(FILE, 'utf8')) as MizuVectors;
const ctx = vectors.context;
const random = seededRandom('vectors.test');

/** Paths (a.b[2].c) where two JSON values differ. */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? [] : [path];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const k of keys) {
    out.push(
      ...differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
      ),
    );
  }
  return out;
}

/** The private keys of a party, rebuilt from the file only. */
function keysOf(p: PartyVector): IdentityKeys {
  return {
    identity: x25519KeyPair(fromHex(p.identityPrivateKey)),
    prekeys: [
      {
        epoch: p.prekeyEpoch,
        prekey: x25519KeyPair(fromHex(p.prekeyPrivateKey)),
        kem: p.kemSeed === null ? null : mlKemKeyPair(fromHex(p.kemSeed)),
        retiredAt: null,
      },
    ],
  };
}

function bundleOf(p: PartyVector): VerifiedBundle {
  return verifyBundle(fromHex(p.bundle), { address: p.address, ...ctx });
}

function conversationOf(me: PartyVector, peer: PartyVector): Conversation {
  return createConversation({
    ourAddress: me.address,
    peerAddress: peer.address,
    peerIdentityKey: fromHex(peer.identityPublicKey),
    ...ctx,
  });
}

const alice = vectors.parties.alice;
const bob = vectors.parties.bob;

describe('mizu-v1.json is what the code produces', () => {
  let fresh: MizuVectors;
  before(async () => {
    fresh = await buildMizuVectors();
  });

  test('regenerating with the same seeds gives identical vectors', () => {
    assert.deepEqual(differences(fresh, vectors), []);
  });

  for (const section of [
    'parties',
    'x3dhClassic',
    'flows',
    'discoveryRequest',
    'padding',
    'safetyNumber',
  ] as const) {
    test(`section ${section} is byte-identical`, () => {
      assert.deepEqual(fresh[section], vectors[section]);
    });
  }
});

describe('mizu-v1.json is meaningful', () => {
  test('party keys: public keys match private keys, bundles verify and carry those keys', () => {
    for (const p of [alice, bob]) {
      assert.equal(addressOfPublicKey(p.accountPublicKey), p.address);
      assert.equal(
        toHex(x25519KeyPair(fromHex(p.identityPrivateKey)).publicKey),
        p.identityPublicKey,
      );
      assert.equal(toHex(x25519KeyPair(fromHex(p.prekeyPrivateKey)).publicKey), p.prekeyPublicKey);
      const b = bundleOf(p);
      assert.equal(b.accountPublicKey, p.accountPublicKey);
      assert.equal(toHex(b.identityKey), p.identityPublicKey);
      assert.equal(toHex(b.signedPrekey), p.prekeyPublicKey);
      assert.equal(b.prekeyEpoch, p.prekeyEpoch);
      if (p.kemSeed === null) assert.equal(b.kemPublicKey, null);
      else assert.equal(toHex(b.kemPublicKey!), toHex(mlKemKeyPair(fromHex(p.kemSeed)).publicKey));
    }
  });

  test('bundle sizes are those of docs §12 (ed25519 account: 195 classic, 1379 hybrid)', () => {
    assert.equal(fromHex(alice.bundle).length, 195);
    assert.equal(fromHex(bob.bundle).length, 1379);
    assert.equal(decodeBundle(fromHex(alice.bundle)).kemPublicKey, null);
  });

  function checkFlow(flow: FlowVector, expectedKind: number, initialOverhead: number) {
    const [m1, m2, m3] = flow.messages;
    assert.ok(m1 && m2 && m3);
    const initial = fromHex(m1.entry);
    const steady = [fromHex(m2.entry), fromHex(m3.entry)];
    assert.equal(initial[0], expectedKind);
    assert.equal(
      initial.length,
      initialOverhead + paddedLength(Buffer.byteLength(m1.plaintext), DEFAULT_PADDING),
    );
    for (const [i, e] of steady.entries()) {
      assert.equal(e[0], WIRE.message);
      const plain = flow.messages[i + 1]!.plaintext;
      assert.equal(e.length, 65 + paddedLength(Buffer.byteLength(plain), DEFAULT_PADDING));
    }

    // Bob, starting from nothing but his keys, reads the initial message.
    const b = conversationOf(bob, alice);
    const r1 = decryptEntry(b, initial, { ours: keysOf(bob), random });
    assert.equal(r1.status, 'ok');
    if (r1.status !== 'ok') return;
    assert.equal(text(r1.plaintext), m1.plaintext);
    assert.equal(r1.startedSession, true);
    assert.equal(toHex(r1.sessionId), toHex(initial.subarray(9, 41)));

    // Alice, restored from the checked-in state, reads Bob's reply.
    const a = decodeConversation(fromHex(flow.aliceStateAfterInitial));
    assert.equal(a.ourAddress, alice.address);
    assert.equal(a.peerAddress, bob.address);
    assert.equal(toHex(a.sessions[0]!.id), toHex(initial.subarray(9, 41)));
    const r2 = decryptEntry(a, steady[0]!, { ours: keysOf(alice), random });
    assert.equal(r2.status, 'ok');
    if (r2.status === 'ok') assert.equal(text(r2.plaintext), m2.plaintext);

    // Bob, restored from his state after the reply, reads Alice's third message.
    const bReply = decodeConversation(fromHex(flow.bobStateAfterReply));
    assert.equal(bReply.sessions.length, 1);
    assert.equal(toHex(bReply.seenInitials[0]!), toHex(initial.subarray(9, 41)));
    const r3 = decryptEntry(bReply, steady[1]!, { ours: keysOf(bob), random });
    assert.equal(r3.status, 'ok');
    if (r3.status === 'ok') assert.equal(text(r3.plaintext), m3.plaintext);

    // Both checked-in states decode and re-encode to the same bytes.
    for (const s of [flow.aliceStateAfterInitial, flow.bobStateAfterReply]) {
      assert.equal(toHex(encodeConversation(decodeConversation(fromHex(s)))), s);
    }
  }

  test('classic flow: kind 0x12, overhead 105, every message decrypts to its plaintext', () => {
    assert.equal(vectors.flows.classic.postQuantum, false);
    checkFlow(vectors.flows.classic, WIRE.initial, 105);
  });

  test('hybrid flow: kind 0x13, overhead 1193, every message decrypts to its plaintext', () => {
    assert.equal(vectors.flows.pq.postQuantum, true);
    checkFlow(vectors.flows.pq, WIRE.initialPq, 1193);
    const entry = decodeEntry(fromHex(vectors.flows.pq.messages[0]!.entry));
    assert.equal(entry.kind, 'initial');
    if (entry.kind === 'initial') assert.equal(entry.kemCiphertext?.length, 1088);
  });

  test('X3DH outputs of the classic start, from both sides', () => {
    const x = vectors.x3dhClassic;
    const initial = fromHex(vectors.flows.classic.messages[0]!.entry);
    assert.equal(toHex(initial.subarray(9, 41)), x.ephemeralPublicKey);
    assert.equal(
      toHex(x25519KeyPair(fromHex(x.ephemeralPrivateKey)).publicKey),
      x.ephemeralPublicKey,
    );
    const expected = {
      sharedSecret: x.sharedSecret,
      headerKeyA: x.headerKeyA,
      nextHeaderKeyB: x.nextHeaderKeyB,
      associatedData: x.associatedData,
    };
    const bobKeys = keysOf(bob);
    const responder = x3dhRespond({
      ourIdentity: bobKeys.identity,
      ourPrekey: bobKeys.prekeys[0]!.prekey,
      ourKemSecretKey: null,
      theirIdentityKey: fromHex(alice.identityPublicKey),
      ephemeralPublic: fromHex(x.ephemeralPublicKey),
      kemCiphertext: null,
      context: {
        initiatorAddress: alice.address,
        responderAddress: bob.address,
        ...ctx,
      },
    });
    const initiator = x3dhInitiate({
      ourIdentity: keysOf(alice).identity,
      ourAddress: alice.address,
      bundle: bundleOf(bob),
      postQuantum: false,
      random: replayRandom(fromHex(x.ephemeralPrivateKey)),
    });
    for (const side of [responder, initiator]) {
      assert.deepEqual(
        {
          sharedSecret: toHex(side.sharedSecret),
          headerKeyA: toHex(side.headerKeyA),
          nextHeaderKeyB: toHex(side.nextHeaderKeyB),
          associatedData: toHex(side.associatedData),
        },
        expected,
      );
    }
  });

  test('discovery request: kind byte, size, opens for Bob, proves Alice sent it', () => {
    const d = vectors.discoveryRequest;
    const bytes = fromHex(d.request);
    assert.equal(bytes[0], WIRE.request);
    assert.equal(bytes.length, REQUEST_BYTES);
    const bobKeys = keysOf(bob);
    const opened = openRequest(bytes, bobKeys, ctx);
    assert.equal(opened.senderAddress, alice.address);
    assert.equal(opened.postalIndex, BigInt(d.postalIndex));
    assert.equal(opened.note, d.note);
    assert.equal(toHex(opened.id), toHex(bytes.subarray(1, 33)));
    verifyRequestSender(opened, bundleOf(alice), {
      identity: bobKeys.identity,
      address: bob.address,
    });
  });

  test('padding: the padded plaintext unpads, with the Padmé and "none" lengths', () => {
    const p = vectors.padding;
    const plain = fromHex(p.plaintext);
    assert.equal(toHex(unpad(fromHex(p.paddedDefault))), p.plaintext);
    assert.equal(toHex(unpad(fromHex(p.paddedNone))), p.plaintext);
    assert.equal(fromHex(p.paddedDefault).length, paddedLength(plain.length, DEFAULT_PADDING));
    assert.equal(fromHex(p.paddedNone).length, plain.length + 1);
  });

  test('safety number of Alice and Bob, from the keys in the file', () => {
    const party = (p: PartyVector) => ({
      accountPublicKey: p.accountPublicKey,
      identityKey: fromHex(p.identityPublicKey),
    });
    assert.equal(safetyNumber(party(alice), party(bob)), vectors.safetyNumber.digits);
    assert.match(vectors.safetyNumber.digits, /^\d{60}$/);
    assert.equal(formatSafetyNumber(vectors.safetyNumber.digits), vectors.safetyNumber.formatted);
  });
});
