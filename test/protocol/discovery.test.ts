/**
 * Sealed discovery requests (docs/protocol.md §8): sealing and opening, the
 * sender proof, binding to the contract and chain, the note bound, padding,
 * and the handling of junk.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toHex } from '../../src/protocol/bytes.js';
import { REQUEST_BYTES } from '../../src/protocol/discovery.js';
import {
  DecryptionFailedError,
  InvalidArgumentError,
  MAX_REQUEST_NOTE_BYTES,
  MalformedError,
  openRequest,
  RequestBadProofError,
  sealRequest,
  UnsupportedVersionError,
  verifyRequestSender,
  WIRE,
} from '../../src/protocol/index.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  OTHER_CHAIN_ID,
  OTHER_CONTRACT,
  publish,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

const ctx = { contract: CONTRACT, chainId: CHAIN_ID };

describe('discovery requests', () => {
  const random = seededRandom('discovery.test');
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let mallory: TestUser;

  before(async () => {
    alice = await makeUser('alice', testSecretKey('disc/alice'), random);
    bob = await makeUser('bob', testSecretKey('disc/bob', 'p256'), random);
    carol = await makeUser('carol', testSecretKey('disc/carol'), random);
    mallory = await makeUser('mallory', testSecretKey('disc/mallory', 'secp256k1'), random);
  });

  const seal = (from: TestUser, to: TestUser, note?: string, postalIndex = 3n) =>
    sealRequest({
      ourIdentity: from.keys.identity,
      ourAddress: from.address,
      recipient: to.bundle,
      postalIndex,
      ...(note === undefined ? {} : { note }),
      random,
    });
  const bobSide = () => ({ identity: bob.keys.identity, address: bob.address });

  test('seal and open: sender, postal index and note come back', () => {
    for (const [note, index] of [
      ['Hi Bob, it’s Alice from the meetup 👋', 42n],
      ['', 0n],
      ['x', 0xffff_ffff_ffff_ffffn],
    ] as const) {
      const bytes = seal(alice, bob, note, index);
      assert.equal(bytes[0], WIRE.request);
      assert.equal(bytes[0], 0x14);
      const opened = openRequest(bytes, bob.keys, ctx);
      assert.equal(opened.senderAddress, alice.address);
      assert.equal(opened.postalIndex, index);
      assert.equal(opened.note, note);
      assert.equal(toHex(opened.id), toHex(bytes.subarray(1, 33)));
      verifyRequestSender(opened, alice.bundle, bobSide());
    }
    // No note given at all: an empty note.
    assert.equal(openRequest(seal(alice, bob), bob.keys, ctx).note, '');
  });

  test('every request has a fresh ephemeral key; a copy keeps it (duplicate detection)', () => {
    const a = seal(alice, bob, 'same');
    const b = seal(alice, bob, 'same');
    assert.notEqual(toHex(a.subarray(1, 33)), toHex(b.subarray(1, 33)));
    assert.equal(
      toHex(openRequest(a.slice(), bob.keys, ctx).id),
      toHex(openRequest(a, bob.keys, ctx).id),
    );
  });

  describe('the sender proof', () => {
    test('Mallory claiming to be Alice: the request opens, but the proof fails', () => {
      // Mallory seals with her own identity key but writes Alice's address.
      const forged = sealRequest({
        ourIdentity: mallory.keys.identity,
        ourAddress: alice.address,
        recipient: bob.bundle,
        postalIndex: 1n,
        note: 'it is me, Alice',
        random,
      });
      const opened = openRequest(forged, bob.keys, ctx);
      assert.equal(opened.senderAddress, alice.address);
      assert.throws(
        () => verifyRequestSender(opened, alice.bundle, bobSide()),
        RequestBadProofError,
      );
      // Nor does Mallory's own bundle help: it is not the claimed sender's.
      assert.throws(
        () => verifyRequestSender(opened, mallory.bundle, bobSide()),
        RequestBadProofError,
      );
    });

    test('a genuine request checked against another account’s bundle fails', () => {
      const opened = openRequest(seal(alice, bob, 'hi'), bob.keys, ctx);
      assert.throws(
        () => verifyRequestSender(opened, carol.bundle, bobSide()),
        RequestBadProofError,
      );
    });

    test('the proof binds the recipient: it does not verify for another recipient address', () => {
      const opened = openRequest(seal(alice, bob, 'hi'), bob.keys, ctx);
      assert.throws(
        () =>
          verifyRequestSender(opened, alice.bundle, {
            identity: bob.keys.identity,
            address: carol.address,
          }),
        RequestBadProofError,
      );
    });

    test('the proof binds the postal index', () => {
      const opened = openRequest(seal(alice, bob, 'hi', 10n), bob.keys, ctx);
      assert.throws(
        () => verifyRequestSender({ ...opened, postalIndex: 11n }, alice.bundle, bobSide()),
        RequestBadProofError,
      );
    });
  });

  describe('requests that must not open', () => {
    test('a request for someone else (Carol cannot open Bob’s)', () => {
      assert.throws(
        () => openRequest(seal(alice, bob, 'hi'), carol.keys, ctx),
        DecryptionFailedError,
      );
    });

    test('opened as if for another contract or another chain', () => {
      const bytes = seal(alice, bob, 'hi');
      assert.throws(
        () => openRequest(bytes, bob.keys, { contract: OTHER_CONTRACT, chainId: CHAIN_ID }),
        DecryptionFailedError,
      );
      assert.throws(
        () => openRequest(bytes, bob.keys, { contract: CONTRACT, chainId: OTHER_CHAIN_ID }),
        DecryptionFailedError,
      );
    });

    test('sealed to Bob’s bundle on another contract or chain, opened on ours', async () => {
      for (const [contract, chainId] of [
        [OTHER_CONTRACT, CHAIN_ID],
        [CONTRACT, OTHER_CHAIN_ID],
      ] as const) {
        // The same keys, published elsewhere.
        const elsewhere = { ...bob } as TestUser;
        await publish(elsewhere, contract, chainId);
        const bytes = sealRequest({
          ourIdentity: alice.keys.identity,
          ourAddress: alice.address,
          recipient: elsewhere.bundle,
          postalIndex: 1n,
          note: 'hello',
          random,
        });
        assert.throws(() => openRequest(bytes, bob.keys, ctx), DecryptionFailedError);
        assert.equal(openRequest(bytes, bob.keys, { contract, chainId }).note, 'hello');
      }
    });

    test('any flipped byte fails to open', () => {
      const bytes = seal(alice, bob, 'hi');
      for (const i of [1, 20, 32, 33, 60, bytes.length - 1]) {
        const bad = bytes.slice();
        bad[i]! ^= 0x04;
        assert.throws(() => openRequest(bad, bob.keys, ctx), DecryptionFailedError, `byte ${i}`);
      }
    });
  });

  describe('junk', () => {
    test('a postal-box entry, another version, empty, too short or too long input', () => {
      const bytes = seal(alice, bob, 'hi');
      for (const kind of [WIRE.message, WIRE.initial, WIRE.initialPq, 0x1f]) {
        const other = bytes.slice();
        other[0] = kind;
        assert.throws(() => openRequest(other, bob.keys, ctx), MalformedError, `kind ${kind}`);
      }
      for (const kind of [0x24, 0x04, 0xf4]) {
        const other = bytes.slice();
        other[0] = kind;
        assert.throws(() => openRequest(other, bob.keys, ctx), UnsupportedVersionError);
      }
      assert.throws(() => openRequest(new Uint8Array(0), bob.keys, ctx), MalformedError);
      assert.throws(() => openRequest(bytes.subarray(0, 48), bob.keys, ctx), MalformedError);
      const long = new Uint8Array(4096);
      long[0] = WIRE.request;
      assert.throws(() => openRequest(long, bob.keys, ctx), MalformedError);
    });

    test('a low-order ephemeral key fails as not for us (DecryptionFailedError)', () => {
      const bytes = seal(alice, bob, 'hi');
      bytes.fill(0, 1, 33);
      assert.throws(() => openRequest(bytes, bob.keys, ctx), DecryptionFailedError);
    });
  });

  describe('the note', () => {
    test(`at most ${MAX_REQUEST_NOTE_BYTES} UTF-8 bytes; longer is InvalidArgumentError`, () => {
      assert.equal(MAX_REQUEST_NOTE_BYTES, 280);
      const max = 'n'.repeat(280);
      assert.equal(openRequest(seal(alice, bob, max), bob.keys, ctx).note, max);
      assert.throws(() => seal(alice, bob, 'n'.repeat(281)), InvalidArgumentError);
      // Bytes, not characters: 140 × "é" is 280 bytes, 141 × "é" is 282.
      assert.equal(openRequest(seal(alice, bob, 'é'.repeat(140)), bob.keys, ctx).note.length, 140);
      assert.throws(() => seal(alice, bob, 'é'.repeat(141)), InvalidArgumentError);
    });

    test('every request is 401 bytes, whatever its note (0 to 280 bytes)', () => {
      for (const n of [0, 1, 7, 8, 20, 100, 280]) {
        assert.equal(seal(alice, bob, 'a'.repeat(n)).length, REQUEST_BYTES, `note ${n}`);
      }
      assert.equal(REQUEST_BYTES, 401);
    });

    test('notes of 1 and 20 bytes give requests of the same length', () => {
      assert.equal(seal(alice, bob, 'a').length, seal(alice, bob, 'a'.repeat(20)).length);
    });

    test('a request of any other length is malformed', () => {
      const good = seal(alice, bob, 'hi');
      for (const bytes of [good.subarray(0, 400), Uint8Array.of(...good, 0)]) {
        assert.throws(() => openRequest(bytes, bob.keys, ctx), MalformedError);
      }
    });
  });
});
