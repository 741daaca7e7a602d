/**
 * Safety numbers (docs/protocol.md §9): 60 digits, the same for both parties,
 * different as soon as any of the four keys differs, and equal to an
 * independent computation from the specification.
 */

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { b58DecodePublicKey } from '@taquito/utils';
import { x25519KeyPair } from '../../src/protocol/crypto/x25519.js';
import {
  formatSafetyNumber,
  InvalidArgumentError,
  type SafetyParty,
  safetyNumber,
} from '../../src/protocol/index.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../helpers/fixtures.js';

/** Docs §9, written out with node:crypto and Taquito's key decoding only. */
function specHalf(party: SafetyParty): string {
  const keys = Buffer.concat([
    Buffer.from(b58DecodePublicKey(party.accountPublicKey, 'array')),
    party.identityKey,
  ]);
  let h = createHash('sha512').update('Mizu_SafetyNumber_v1').update(keys).digest();
  for (let i = 1; i <= 5200; i++) h = createHash('sha512').update(h).update(keys).digest();
  let out = '';
  for (let c = 0; c < 6; c++) {
    const chunk = h.readUIntBE(c * 5, 5);
    out += String(chunk % 100000).padStart(5, '0');
  }
  return out;
}

describe('safety numbers', () => {
  const random = seededRandom('safetyNumber.test');
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let A: SafetyParty;
  let B: SafetyParty;

  before(async () => {
    alice = await makeUser('alice', testSecretKey('sn/alice'), random, { withKem: false });
    bob = await makeUser('bob', testSecretKey('sn/bob', 'secp256k1'), random, { withKem: false });
    carol = await makeUser('carol', testSecretKey('sn/carol', 'p256'), random, { withKem: false });
    A = { accountPublicKey: alice.publicKey, identityKey: alice.keys.identity.publicKey };
    B = { accountPublicKey: bob.publicKey, identityKey: bob.keys.identity.publicKey };
  });

  test('60 digits, the same whichever party computes it', () => {
    const ab = safetyNumber(A, B);
    assert.match(ab, /^\d{60}$/);
    assert.equal(safetyNumber(B, A), ab);
  });

  test('equals an independent computation from the specification', () => {
    const halves = [specHalf(A), specHalf(B)].sort();
    assert.equal(safetyNumber(A, B), halves.join(''));
  });

  test('changes if any one of the four keys changes, and only that party’s half changes', () => {
    const base = safetyNumber(A, B);
    const halvesOf = (n: string) => [n.slice(0, 30), n.slice(30)];
    const otherIdentity = x25519KeyPair(new Uint8Array(32).fill(9)).publicKey;
    const variants: [string, SafetyParty, SafetyParty, SafetyParty][] = [
      ['A account key', { ...A, accountPublicKey: carol.publicKey }, B, B],
      ['A identity key', { ...A, identityKey: otherIdentity }, B, B],
      ['B account key', A, { ...B, accountPublicKey: carol.publicKey }, A],
      ['B identity key', A, { ...B, identityKey: otherIdentity }, A],
    ];
    for (const [what, a, b, unchanged] of variants) {
      const n = safetyNumber(a, b);
      assert.notEqual(n, base, what);
      assert.match(n, /^\d{60}$/);
      // The half of the party whose keys did not change is still there.
      assert.ok(halvesOf(n).includes(specHalf(unchanged)), what);
    }
  });

  test('a one-bit change of an identity key changes the number', () => {
    const flipped = A.identityKey.slice();
    flipped[31]! ^= 0x01;
    assert.notEqual(safetyNumber({ ...A, identityKey: flipped }, B), safetyNumber(A, B));
  });

  test('formatSafetyNumber: 12 groups of 5 digits separated by spaces', () => {
    const n = safetyNumber(A, B);
    const shown = formatSafetyNumber(n);
    assert.match(shown, /^(\d{5} ){11}\d{5}$/);
    assert.equal(shown.split(' ').length, 12);
    assert.equal(shown.replaceAll(' ', ''), n);
  });

  test('an identity key of the wrong length is InvalidArgumentError', () => {
    assert.throws(
      () => safetyNumber({ ...A, identityKey: new Uint8Array(31) }, B),
      InvalidArgumentError,
    );
  });
});
