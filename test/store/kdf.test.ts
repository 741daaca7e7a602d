/**
 * Argon2id key derivation: libsodium's output checked against an independent
 * implementation (@noble/hashes), cost bounds, and the measured time of
 * DEFAULT_KDF and TEST_KDF (printed as test diagnostics).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argon2id } from '@noble/hashes/argon2.js';
import {
  DEFAULT_KDF,
  deriveKey,
  type KdfParams,
  randomSalt,
  TEST_KDF,
  validKdfParams,
} from '../../src/store/kdf.js';

const SALT = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

test('deriveKey is Argon2id 1.3 with opslimit = t and memlimit = m bytes (cross-checked with @noble/hashes)', () => {
  for (const params of [TEST_KDF, { opslimit: 2, memlimit: 1024 * 1024 }]) {
    const ours = deriveKey('pässphrase', SALT, params);
    const theirs = argon2id(Buffer.from('pässphrase', 'utf8'), SALT, {
      t: params.opslimit,
      m: params.memlimit / 1024,
      p: 1,
      dkLen: 32,
    });
    assert.deepEqual(new Uint8Array(ours), theirs);
  }
});

test('different passphrases, salts or costs give different keys', () => {
  const a = deriveKey('one', SALT, TEST_KDF);
  assert.notDeepEqual(deriveKey('two', SALT, TEST_KDF), a);
  assert.notDeepEqual(deriveKey('one', randomSalt(), TEST_KDF), a);
  assert.notDeepEqual(deriveKey('one', SALT, { opslimit: 2, memlimit: TEST_KDF.memlimit }), a);
  assert.deepEqual(deriveKey('one', SALT, TEST_KDF), a);
});

test('the passphrase is NFC-normalised: composed and decomposed accents give the same key', () => {
  const composed = 'caf\u00e9';
  const decomposed = 'cafe\u0301';
  assert.notEqual(composed, decomposed);
  assert.deepEqual(deriveKey(decomposed, SALT, TEST_KDF), deriveKey(composed, SALT, TEST_KDF));
});

test('costs outside the bounds are refused before any work', () => {
  assert.equal(validKdfParams(DEFAULT_KDF), true);
  assert.equal(validKdfParams(TEST_KDF), true);
  assert.equal(validKdfParams({ opslimit: 0, memlimit: TEST_KDF.memlimit }), false);
  assert.equal(validKdfParams({ opslimit: 65, memlimit: TEST_KDF.memlimit }), false);
  assert.equal(validKdfParams({ opslimit: 1, memlimit: 4096 }), false);
  assert.equal(validKdfParams({ opslimit: 1, memlimit: 2 ** 33 }), false);
  assert.equal(validKdfParams({ opslimit: 1.5, memlimit: TEST_KDF.memlimit }), false);
  assert.throws(() => deriveKey('x', SALT, { opslimit: 0, memlimit: 8192 }), RangeError);
  assert.throws(() => deriveKey('x', SALT.subarray(1), TEST_KDF), RangeError);
});

test('measured derivation time of DEFAULT_KDF and TEST_KDF', (t) => {
  const best = (params: KdfParams): number => {
    deriveKey('warm up', SALT, params);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      deriveKey('measure', SALT, params);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return Math.min(...times);
  };
  const slow = best(DEFAULT_KDF);
  const fast = best(TEST_KDF);
  t.diagnostic(`DEFAULT_KDF (3 passes, 64 MiB): best of 3 ${slow.toFixed(2)} ms`);
  t.diagnostic(`TEST_KDF (1 pass, 8 KiB): best of 3 ${fast.toFixed(3)} ms`);
  // The default must cost a guesser real work; the test setting must not slow tests down.
  assert.ok(slow >= 20, `DEFAULT_KDF took only ${slow} ms`);
  assert.ok(fast < slow / 20, `TEST_KDF took ${fast} ms`);
});
