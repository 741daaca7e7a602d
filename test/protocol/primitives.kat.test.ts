/**
 * Known-answer tests of the primitives Mizu is built on, run through Mizu's
 * own wrappers (src/protocol/crypto/*), so that a wrapper that slices, copies
 * or parameterises a primitive the wrong way fails here and not somewhere in
 * the middle of a ratchet.
 *
 * Sources of the expected values:
 *   X25519            RFC 7748 §5.2 (scalar multiplication, iterated) and §6.1 (Diffie–Hellman)
 *   HKDF-SHA256       RFC 5869 appendix A, test cases 1–3
 *   HMAC-SHA256       RFC 4231 test cases 1, 2 and 6
 *   ChaCha20-Poly1305 RFC 8439 §2.8.2
 *   AES-256           FIPS 197 appendix C.3
 *   SHA-256/SHA-512   FIPS 180-4 examples ("abc", empty and two-block messages)
 *   ML-KEM-768        test/vectors/mlkem768-kat.json (C2SP Wycheproof, FIPS 203 final;
 *                     see its "source" field)
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fromHex, toHex, utf8 } from '../../src/protocol/bytes.js';
import { aeadOpen, aeadSeal } from '../../src/protocol/crypto/aead.js';
import { aes256Blocks } from '../../src/protocol/crypto/aesBlock.js';
import { hkdfSha256, hmacSha256, sha256, sha512 } from '../../src/protocol/crypto/hash.js';
import {
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  MLKEM768_SECRET_KEY_BYTES,
  mlKemDecapsulate,
  mlKemEncapsulate,
  mlKemKeyPair,
} from '../../src/protocol/crypto/mlkem.js';
import { x25519, x25519KeyPair, x25519PublicKey } from '../../src/protocol/crypto/x25519.js';
import { InvalidArgumentError } from '../../src/protocol/errors.js';

const h = (hex: string) => fromHex(hex.replace(/\s+/g, ''));

/** Bytes start, start+1, … (mod 256), `length` of them: the RFC 5869 input pattern. */
function counting(start: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

describe('X25519 (RFC 7748)', () => {
  // §5.2: the two single scalar multiplications. Inputs as printed in the RFC:
  // the scalars are not clamped and the second u-coordinate has its top bit
  // set, which X25519 must ignore (§5: "MUST mask the most significant bit").
  test('§5.2 scalar multiplication, vector 1', () => {
    const out = x25519(
      h('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      h('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    );
    assert.equal(toHex(out), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  });

  test('§5.2 scalar multiplication, vector 2 (u with the top bit set)', () => {
    const out = x25519(
      h('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      h('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'),
    );
    assert.equal(toHex(out), '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
  });

  test('§5.2 iterated scalar multiplication, 1 and 1000 iterations', () => {
    // k = u = 9; each round: r = X25519(k, u); u = k; k = r.
    let k = new Uint8Array(32);
    k[0] = 9;
    let u = k.slice();
    for (let i = 1; i <= 1000; i++) {
      const r = x25519(k, u);
      u = k;
      k = r.slice();
      if (i === 1) {
        assert.equal(toHex(k), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
      }
    }
    assert.equal(toHex(k), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  test('§6.1 key pairs from the private keys, and the shared secret', () => {
    const alice = x25519KeyPair(
      h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const bob = x25519KeyPair(
      h('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    assert.equal(
      toHex(alice.publicKey),
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    assert.equal(
      toHex(bob.publicKey),
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    // The key pair keeps the seed itself as the private key (X25519 clamps on use).
    assert.equal(
      toHex(alice.privateKey),
      '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    );
    assert.equal(toHex(x25519PublicKey(bob.privateKey)), toHex(bob.publicKey));
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    assert.equal(toHex(x25519(alice.privateKey, bob.publicKey)), shared);
    assert.equal(toHex(x25519(bob.privateKey, alice.publicKey)), shared);
  });

  test('x25519KeyPair copies its seed (mutating the seed later changes nothing)', () => {
    const seed = h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const pair = x25519KeyPair(seed);
    seed.fill(0);
    assert.equal(
      toHex(pair.privateKey),
      '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    );
  });

  // Points of small order (and non-canonical encodings of them): the shared
  // secret is all zero, which docs/protocol.md §1 and x25519.ts define as an
  // error, InvalidArgumentError.
  const lowOrder: Record<string, string> = {
    'zero (u = 0)': '0000000000000000000000000000000000000000000000000000000000000000',
    'u = 1': '0100000000000000000000000000000000000000000000000000000000000000',
    'order 8 point': 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    'order 8 point (other)': '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    'u = p - 1': 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'u = p (non-canonical 0)': 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'u = p + 1 (non-canonical 1)':
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  };
  test('low-order public keys are refused with InvalidArgumentError (all-zero shared secret)', () => {
    const ours = x25519KeyPair(
      h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const wrong: string[] = [];
    for (const [name, point] of Object.entries(lowOrder)) {
      try {
        x25519(ours.privateKey, h(point));
        wrong.push(`${name}: accepted`);
      } catch (e) {
        if (!(e instanceof InvalidArgumentError)) {
          wrong.push(`${name}: threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('wrong key lengths are refused with InvalidArgumentError', () => {
    const ours = x25519KeyPair(new Uint8Array(32).fill(7));
    assert.throws(() => x25519KeyPair(new Uint8Array(31)), InvalidArgumentError);
    assert.throws(() => x25519(ours.privateKey, new Uint8Array(33)), InvalidArgumentError);
    assert.throws(() => x25519(new Uint8Array(16), ours.publicKey), InvalidArgumentError);
  });
});

describe('HKDF-SHA256 (RFC 5869 appendix A)', () => {
  // HKDF-Extract is HMAC(salt, IKM), so the PRK is checked through hmacSha256.
  test('test case 1: basic', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = counting(0x00, 13);
    const info = counting(0xf0, 10);
    assert.equal(
      toHex(hmacSha256(salt, ikm)),
      '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    );
    assert.equal(
      toHex(hkdfSha256(ikm, salt, info, 42)),
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  test('test case 2: longer inputs and outputs', () => {
    const ikm = counting(0x00, 80);
    const salt = counting(0x60, 80);
    const info = counting(0xb0, 80);
    assert.equal(
      toHex(hmacSha256(salt, ikm)),
      '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    );
    assert.equal(
      toHex(hkdfSha256(ikm, salt, info, 82)),
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  test('test case 3: empty salt (= 32 zero bytes) and empty info', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const okm =
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8';
    assert.equal(
      toHex(hmacSha256(new Uint8Array(32), ikm)),
      '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    );
    assert.equal(toHex(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), 42)), okm);
    // Mizu always passes an explicit 32-byte zero salt; it must mean the same thing.
    assert.equal(toHex(hkdfSha256(ikm, new Uint8Array(32), new Uint8Array(0), 42)), okm);
  });
});

describe('HMAC-SHA256 (RFC 4231)', () => {
  test('test case 1', () => {
    assert.equal(
      toHex(hmacSha256(new Uint8Array(20).fill(0x0b), utf8('Hi There'))),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });

  test('test case 2 (data given in several parts)', () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    assert.equal(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?'))), expected);
    assert.equal(
      toHex(hmacSha256(utf8('Jefe'), utf8('what do ya '), utf8('want '), utf8('for nothing?'))),
      expected,
    );
  });

  test('test case 6: key longer than the block size', () => {
    assert.equal(
      toHex(
        hmacSha256(
          new Uint8Array(131).fill(0xaa),
          utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
        ),
      ),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });
});

describe('ChaCha20-Poly1305 (RFC 8439 §2.8.2)', () => {
  const key = counting(0x80, 32);
  const nonce = h('070000004041424344454647');
  const ad = h('50515253c0c1c2c3c4c5c6c7');
  const plaintext = utf8(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  );
  const ciphertext =
    'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6' +
    '3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
    '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
    '3ff4def08e4b7a9de576d26586cec64b6116';
  const tag = '1ae10b594f09e26a7e902ecbd0600691';

  test('seal gives ciphertext ‖ tag', () => {
    assert.equal(toHex(aeadSeal(key, nonce, plaintext, ad)), ciphertext + tag);
  });

  test('open gives the plaintext back', () => {
    const opened = aeadOpen(key, nonce, h(ciphertext + tag), ad);
    assert.ok(opened);
    assert.equal(toHex(opened), toHex(plaintext));
  });

  test('open returns null (never throws) on any tampering or bad input', () => {
    const sealed = h(ciphertext + tag);
    for (const i of [0, 57, sealed.length - 17, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[i]! ^= 0x01;
      assert.equal(aeadOpen(key, nonce, bad, ad), null, `flipped byte ${i}`);
    }
    assert.equal(aeadOpen(key, nonce, sealed, h('50515253c0c1c2c3c4c5c6c6')), null);
    assert.equal(aeadOpen(key, h('070000004041424344454646'), sealed, ad), null);
    assert.equal(aeadOpen(key, nonce, sealed.subarray(0, 15), ad), null);
    assert.equal(aeadOpen(key.subarray(0, 31), nonce, sealed, ad), null);
    assert.equal(aeadOpen(key, nonce.subarray(0, 8), sealed, ad), null);
  });

  test('empty plaintext: the output is the 16-byte tag alone, and opens to empty', () => {
    const sealed = aeadSeal(key, nonce, new Uint8Array(0), ad);
    assert.equal(sealed.length, 16);
    assert.equal(aeadOpen(key, nonce, sealed, ad)?.length, 0);
  });
});

describe('AES-256 block (FIPS 197 appendix C.3)', () => {
  const key = counting(0x00, 32);
  const block = h('00112233445566778899aabbccddeeff');
  const expected = '8ea2b7ca516745bfeafc49904b496089';

  test('one block', () => {
    assert.equal(toHex(aes256Blocks(key, block)), expected);
  });

  test('several blocks are encrypted independently (no chaining), also on a reused key', () => {
    const zero = new Uint8Array(16);
    const three = new Uint8Array(48);
    three.set(block, 0);
    three.set(zero, 16);
    three.set(block, 32);
    const out = aes256Blocks(key, three);
    assert.equal(toHex(out.subarray(0, 16)), expected);
    assert.equal(toHex(out.subarray(32, 48)), expected);
    assert.equal(toHex(out.subarray(16, 32)), toHex(aes256Blocks(key, zero)));
    // The cipher object is cached per key: a second call must not be affected by the first.
    assert.equal(toHex(aes256Blocks(key, block)), expected);
  });

  test('input that is not whole blocks, or a wrong key length, is refused', () => {
    assert.throws(() => aes256Blocks(key, new Uint8Array(15)), InvalidArgumentError);
    assert.throws(() => aes256Blocks(new Uint8Array(16), block), InvalidArgumentError);
  });
});

describe('SHA-2 (FIPS 180-4)', () => {
  test('SHA-512("abc")', () => {
    assert.equal(
      toHex(sha512(utf8('abc'))),
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  test('SHA-512 of the empty string', () => {
    assert.equal(
      toHex(sha512(new Uint8Array(0))),
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce' +
        '47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
  });

  test('SHA-256("abc") and the two-block message, also fed in parts', () => {
    assert.equal(
      toHex(sha256(utf8('abc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const expected = '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1';
    const message = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    assert.equal(toHex(sha256(utf8(message))), expected);
    assert.equal(toHex(sha256(utf8(message.slice(0, 20)), utf8(message.slice(20)))), expected);
  });
});

describe('ML-KEM-768 (FIPS 203)', () => {
  interface MlKemKat {
    seed: string;
    publicKey: string;
    secretKey: string;
    encapsRandom: string;
    ciphertext: string;
    sharedSecret: string;
  }
  const kat = JSON.parse(
    readFileSync(new URL('../vectors/mlkem768-kat.json', import.meta.url), 'utf8'),
  ) as MlKemKat;

  test('deterministic round trip from fixed seeds, with the FIPS 203 sizes', () => {
    const seed = counting(0x00, 64);
    const random = counting(0x40, 32);
    const a = mlKemKeyPair(seed);
    const b = mlKemKeyPair(seed);
    assert.equal(a.publicKey.length, MLKEM768_PUBLIC_KEY_BYTES);
    assert.equal(a.publicKey.length, 1184);
    assert.equal(a.secretKey.length, MLKEM768_SECRET_KEY_BYTES);
    assert.equal(a.secretKey.length, 2400);
    assert.equal(toHex(a.publicKey), toHex(b.publicKey));
    assert.equal(toHex(a.secretKey), toHex(b.secretKey));
    const e1 = mlKemEncapsulate(a.publicKey, random);
    const e2 = mlKemEncapsulate(a.publicKey, random);
    assert.equal(e1.ciphertext.length, MLKEM768_CIPHERTEXT_BYTES);
    assert.equal(e1.ciphertext.length, 1088);
    assert.equal(e1.sharedSecret.length, 32);
    assert.equal(toHex(e1.ciphertext), toHex(e2.ciphertext));
    assert.equal(toHex(e1.sharedSecret), toHex(e2.sharedSecret));
    assert.equal(toHex(mlKemDecapsulate(e1.ciphertext, a.secretKey)), toHex(e1.sharedSecret));
  });

  test('known answer: key generation from the 64-byte seed (d ‖ z)', () => {
    const pair = mlKemKeyPair(fromHex(kat.seed));
    assert.equal(toHex(pair.publicKey), kat.publicKey);
    assert.equal(toHex(pair.secretKey), kat.secretKey);
  });

  test('known answer: encapsulation with fixed randomness m', () => {
    const out = mlKemEncapsulate(fromHex(kat.publicKey), fromHex(kat.encapsRandom));
    assert.equal(toHex(out.ciphertext), kat.ciphertext);
    assert.equal(toHex(out.sharedSecret), kat.sharedSecret);
  });

  test('known answer: decapsulation', () => {
    assert.equal(
      toHex(mlKemDecapsulate(fromHex(kat.ciphertext), fromHex(kat.secretKey))),
      kat.sharedSecret,
    );
  });

  test('implicit rejection: a modified ciphertext gives another secret, never an error', () => {
    const ct = fromHex(kat.ciphertext);
    ct[100]! ^= 0x01;
    const ss = mlKemDecapsulate(ct, fromHex(kat.secretKey));
    assert.equal(ss.length, 32);
    assert.notEqual(toHex(ss), kat.sharedSecret);
  });

  test('wrong input lengths are refused with InvalidArgumentError', () => {
    assert.throws(() => mlKemKeyPair(new Uint8Array(32)), InvalidArgumentError);
    assert.throws(
      () => mlKemEncapsulate(fromHex(kat.publicKey), new Uint8Array(64)),
      InvalidArgumentError,
    );
    assert.throws(
      () => mlKemEncapsulate(new Uint8Array(800), new Uint8Array(32)),
      InvalidArgumentError,
    );
    assert.throws(
      () => mlKemDecapsulate(new Uint8Array(768), fromHex(kat.secretKey)),
      InvalidArgumentError,
    );
  });
});
