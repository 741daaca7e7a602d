/**
 * Key bundles (docs/protocol.md §2): a good bundle verifies for each Tezos
 * curve, and every kind of forgery is refused with its own typed error, in the
 * documented order of checks (parse, address, signature, contract, chain).
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toHex } from '../../src/protocol/bytes.js';
import {
  BundleAddressMismatchError,
  BundleBadSignatureError,
  type BundleContent,
  BundleUnsupportedKeyError,
  BundleWrongChainError,
  BundleWrongContractError,
  decodeBundle,
  InvalidArgumentError,
  MalformedError,
  ProtocolError,
  signBundle,
  UnsupportedVersionError,
  verifyBundle,
} from '../../src/protocol/index.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  OTHER_CHAIN_ID,
  OTHER_CONTRACT,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

const here = (address: string) => ({ address, contract: CONTRACT, chainId: CHAIN_ID });

/** Offsets of the bundle fields (docs §2), P being the account key length. */
function layout(bytes: Uint8Array) {
  const P = bytes[1]!;
  return {
    accountKey: 2,
    contract: 2 + P,
    chainId: 24 + P,
    identityKey: 28 + P,
    signedPrekey: 60 + P,
    epoch: 92 + P,
    kemLength: 96 + P,
    signature: bytes.length - 64,
  };
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index]! ^= 0x01;
  return out;
}

function contentOf(user: TestUser): BundleContent {
  const prekey = user.keys.prekeys[0]!;
  return {
    accountPublicKey: user.publicKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
    identityKey: user.keys.identity.publicKey,
    signedPrekey: prekey.prekey.publicKey,
    prekeyEpoch: prekey.epoch,
    kemPublicKey: prekey.kem?.publicKey ?? null,
  };
}

describe('key bundles', () => {
  const random = seededRandom('bundle.test');
  let tz1: TestUser;
  let tz1Classic: TestUser;
  let tz2: TestUser;
  let tz3: TestUser;
  let mallory: TestUser;

  before(async () => {
    tz1 = await makeUser('alice', testSecretKey('bundle/alice'), random);
    tz1Classic = await makeUser('carol', testSecretKey('bundle/carol'), random, { withKem: false });
    tz2 = await makeUser('bob', testSecretKey('bundle/bob', 'secp256k1'), random);
    tz3 = await makeUser('dave', testSecretKey('bundle/dave', 'p256'), random);
    mallory = await makeUser('mallory', testSecretKey('bundle/mallory'), random);
  });

  describe('a good bundle verifies', () => {
    for (const [label, prefix, keyLength] of [
      ['tz1 (ed25519)', 'tz1', 33],
      ['tz2 (secp256k1)', 'tz2', 34],
      ['tz3 (P-256)', 'tz3', 34],
    ] as const) {
      test(label, () => {
        const user = { tz1, tz2, tz3 }[prefix];
        assert.ok(user.address.startsWith(prefix));
        assert.equal(user.bundleBytes[1], keyLength);
        const v = verifyBundle(user.bundleBytes, here(user.address));
        assert.equal(v.address, user.address);
        assert.equal(v.accountPublicKey, user.publicKey);
        assert.equal(v.contract, CONTRACT);
        assert.equal(v.chainId, CHAIN_ID);
        assert.equal(toHex(v.identityKey), toHex(user.keys.identity.publicKey));
        assert.equal(toHex(v.signedPrekey), toHex(user.keys.prekeys[0]!.prekey.publicKey));
        assert.equal(v.prekeyEpoch, 0);
        assert.equal(toHex(v.kemPublicKey!), toHex(user.keys.prekeys[0]!.kem!.publicKey));
        // 98 + P + K + 64 bytes in all.
        assert.equal(user.bundleBytes.length, 98 + keyLength + 1184 + 64);
      });
    }

    test('without a KEM key (K = 0)', () => {
      const v = verifyBundle(tz1Classic.bundleBytes, here(tz1Classic.address));
      assert.equal(v.kemPublicKey, null);
      assert.equal(tz1Classic.bundleBytes.length, 195);
    });
  });

  describe('forgeries are refused, each with its own error', () => {
    test('published under an address its public key does not hash to', () => {
      assert.throws(
        () => verifyBundle(tz1.bundleBytes, here(mallory.address)),
        BundleAddressMismatchError,
      );
      // Across curves as well: a tz2 bundle found under a tz3 address.
      assert.throws(
        () => verifyBundle(tz2.bundleBytes, here(tz3.address)),
        BundleAddressMismatchError,
      );
    });

    test('account key swapped for another account’s key', () => {
      // Mallory puts her account key into Alice's bundle. Under Alice's address
      // the key does not hash to the address; under Mallory's, Alice's
      // signature does not verify with Mallory's key.
      const forged = tz1.bundleBytes.slice();
      forged.set(mallory.bundleBytes.subarray(2, 2 + 33), 2);
      assert.throws(() => verifyBundle(forged, here(tz1.address)), BundleAddressMismatchError);
      assert.throws(() => verifyBundle(forged, here(mallory.address)), BundleBadSignatureError);
    });

    for (const user of ['tz1', 'tz2', 'tz3'] as const) {
      test(`a flipped signature byte (${user})`, () => {
        const u = { tz1, tz2, tz3 }[user];
        const at = layout(u.bundleBytes);
        for (const i of [at.signature, at.signature + 31, u.bundleBytes.length - 1]) {
          assert.throws(
            () => verifyBundle(flipped(u.bundleBytes, i), here(u.address)),
            BundleBadSignatureError,
            `signature byte ${i}`,
          );
        }
      });
    }

    test('a flipped body byte: identity key, signed prekey, epoch, KEM key', () => {
      const at = layout(tz1.bundleBytes);
      for (const [field, i] of [
        ['identity key', at.identityKey + 5],
        ['signed prekey', at.signedPrekey],
        ['epoch', at.epoch + 3],
        ['KEM key', at.kemLength + 2 + 600],
      ] as const) {
        assert.throws(
          () => verifyBundle(flipped(tz1.bundleBytes, i), here(tz1.address)),
          BundleBadSignatureError,
          field,
        );
      }
    });

    test('another identity key substituted, with the original signature', () => {
      const at = layout(tz1.bundleBytes);
      const forged = tz1.bundleBytes.slice();
      forged.set(mallory.keys.identity.publicKey, at.identityKey);
      assert.equal(toHex(decodeBundle(forged).identityKey), toHex(mallory.keys.identity.publicKey));
      assert.throws(() => verifyBundle(forged, here(tz1.address)), BundleBadSignatureError);
    });

    test('the KEM key removed from a signed hybrid bundle (downgrade)', () => {
      const at = layout(tz1.bundleBytes);
      const stripped = new Uint8Array(tz1.bundleBytes.length - 1184);
      stripped.set(tz1.bundleBytes.subarray(0, at.kemLength), 0);
      stripped.set(tz1.bundleBytes.subarray(at.signature), at.kemLength + 2);
      assert.equal(decodeBundle(stripped).kemPublicKey, null);
      assert.throws(() => verifyBundle(stripped, here(tz1.address)), BundleBadSignatureError);
    });

    test('made for another contract', async () => {
      const elsewhere = await makeUser('erin', testSecretKey('bundle/erin'), random, {
        contract: OTHER_CONTRACT,
      });
      assert.throws(
        () => verifyBundle(elsewhere.bundleBytes, here(elsewhere.address)),
        BundleWrongContractError,
      );
    });

    test('made for another chain', async () => {
      const elsewhere = await makeUser('frank', testSecretKey('bundle/frank'), random, {
        chainId: OTHER_CHAIN_ID,
      });
      assert.throws(
        () => verifyBundle(elsewhere.bundleBytes, here(elsewhere.address)),
        BundleWrongChainError,
      );
    });

    test('checks run in the documented order', async () => {
      const both = await makeUser('grace', testSecretKey('bundle/grace'), random, {
        contract: OTHER_CONTRACT,
        chainId: OTHER_CHAIN_ID,
      });
      // Wrong contract and wrong chain: the contract is reported.
      assert.throws(
        () => verifyBundle(both.bundleBytes, here(both.address)),
        BundleWrongContractError,
      );
      // Bad signature and wrong contract: the signature is reported.
      const at = layout(both.bundleBytes);
      assert.throws(
        () => verifyBundle(flipped(both.bundleBytes, at.signature), here(both.address)),
        BundleBadSignatureError,
      );
      // Wrong address and bad signature: the address is reported.
      assert.throws(
        () => verifyBundle(flipped(both.bundleBytes, at.signature), here(tz1.address)),
        BundleAddressMismatchError,
      );
      // Malformed and wrong address: malformed is reported.
      assert.throws(
        () => verifyBundle(both.bundleBytes.subarray(0, 50), here(tz1.address)),
        MalformedError,
      );
    });
  });

  describe('decodeBundle', () => {
    test('an unknown version byte is UnsupportedVersionError', () => {
      for (const version of [0x00, 0x02, 0x11, 0xff]) {
        const bytes = tz1.bundleBytes.slice();
        bytes[0] = version;
        assert.throws(() => decodeBundle(bytes), UnsupportedVersionError, `version ${version}`);
        assert.throws(() => verifyBundle(bytes, here(tz1.address)), UnsupportedVersionError);
      }
    });

    test('every truncation is MalformedError (hybrid and classic bundles, every curve)', () => {
      for (const u of [tz1, tz1Classic, tz2, tz3]) {
        for (let n = 0; n < u.bundleBytes.length; n++) {
          assert.throws(() => decodeBundle(u.bundleBytes.subarray(0, n)), MalformedError, `n=${n}`);
        }
      }
    });

    test('a trailing byte is MalformedError', () => {
      const longer = new Uint8Array(tz1Classic.bundleBytes.length + 1);
      longer.set(tz1Classic.bundleBytes, 0);
      assert.throws(() => decodeBundle(longer), MalformedError);
    });

    test('a KEM key that is neither empty nor 1184 bytes is MalformedError', () => {
      const b = tz1Classic.bundleBytes;
      const at = layout(b);
      const odd = new Uint8Array(b.length + 4);
      odd.set(b.subarray(0, at.kemLength), 0);
      odd.set([0x00, 0x04, 1, 2, 3, 4], at.kemLength);
      odd.set(b.subarray(at.signature), at.kemLength + 6);
      assert.throws(() => decodeBundle(odd), MalformedError);
    });

    test('an unknown account key type, or a non-KT1 contract field, is MalformedError', () => {
      const badKey = tz1Classic.bundleBytes.slice();
      badKey[2] = 0x03;
      assert.throws(() => decodeBundle(badKey), MalformedError);
      // An implicit account (0x00 ‖ tag ‖ hash) where the KT1 contract should be.
      const badContract = tz1Classic.bundleBytes.slice();
      const at = layout(badContract);
      badContract.set([0x00, 0x00], at.contract);
      assert.throws(() => decodeBundle(badContract), MalformedError);
    });

    test('input that is not bytes or is longer than any bundle is MalformedError', () => {
      assert.throws(() => decodeBundle(new Uint8Array(5000)), MalformedError);
      assert.throws(() => decodeBundle('01' as unknown as Uint8Array), MalformedError);
    });
  });

  describe('signBundle', () => {
    test('a signer whose key is not the bundle’s account key is BundleUnsupportedKeyError', async () => {
      await assert.rejects(signBundle(contentOf(tz1), mallory.signer), BundleUnsupportedKeyError);
      await assert.rejects(signBundle(contentOf(tz2), tz3.signer), BundleUnsupportedKeyError);
    });

    test('content outside the format’s domain is InvalidArgumentError', async () => {
      const good = contentOf(tz1);
      for (const bad of [
        { ...good, identityKey: new Uint8Array(31) },
        { ...good, signedPrekey: new Uint8Array(33) },
        { ...good, kemPublicKey: new Uint8Array(800) },
        { ...good, contract: tz1.address },
        { ...good, prekeyEpoch: -1 },
      ]) {
        await assert.rejects(signBundle(bad, tz1.signer), InvalidArgumentError);
      }
    });

    test('ed25519 bundles are reproducible (deterministic signatures)', async () => {
      const again = await signBundle(contentOf(tz1), tz1.signer);
      assert.equal(toHex(again), toHex(tz1.bundleBytes));
    });

    test('every failure above is a ProtocolError with a stable code', () => {
      try {
        verifyBundle(tz1.bundleBytes, here(mallory.address));
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(e instanceof ProtocolError);
        assert.equal(e.code, 'BUNDLE_ADDRESS_MISMATCH');
      }
    });
  });
});
