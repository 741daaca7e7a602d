/**
 * Public keys and signatures: validity checks, HASH_KEY and CHECK_SIGNATURE.
 *
 * Tezos signs the Blake2b-256 digest of the message for ed25519, secp256k1
 * and P-256 (lib_crypto `Signature.check`), and the raw message for BLS
 * (min-pk, proof-of-possession ciphersuite
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`). Key hashes are the
 * Blake2b-160 digest of the key bytes without the scheme tag.
 *
 * Validity: secp256k1, P-256 and BLS keys must be points on their curve; a
 * 96-byte (BLS) signature must be a point of G2; a secp256k1 signature's r
 * and s must be below the group order (libsecp256k1 refuses to parse others). Ed25519 keys are any 32
 * bytes and are checked at verification (ZIP-215 rules, as the protocol's
 * verification accepts the encodings ZIP-215 accepts).
 */

import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SignatureScheme } from './encoding.js';

const BLS_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

/** `bytes` = scheme tag ‖ key. */
export function checkKey(bytes: Uint8Array): boolean {
  const body = bytes.subarray(1);
  try {
    switch (bytes[0]) {
      case 0:
        return body.length === 32;
      case 1:
        secp256k1.Point.fromBytes(body);
        return true;
      case 2:
        p256.Point.fromBytes(body);
        return true;
      case 3:
        bls12_381.G1.Point.fromBytes(body);
        return true;
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Order of the secp256k1 group: a compact signature's r and s must be below it. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function checkSignature(bytes: Uint8Array, scheme: SignatureScheme): boolean {
  if (bytes.length === 64) {
    if (scheme !== 'secp256k1') return true;
    const r = BigInt(`0x${bytesToHex(bytes.subarray(0, 32))}`);
    const s = BigInt(`0x${bytesToHex(bytes.subarray(32))}`);
    return r < SECP256K1_N && s < SECP256K1_N;
  }
  if (bytes.length !== 96) return false;
  try {
    bls12_381.G2.Point.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

/** HASH_KEY: tag ‖ Blake2b-160(key). */
export function hashKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(21);
  out[0] = key[0] as number;
  out.set(blake2b(key.subarray(1), { dkLen: 20 }), 1);
  return out;
}

/** CHECK_SIGNATURE. A signature of the wrong length for the key's scheme is false. */
export function verifySignature(key: Uint8Array, sig: Uint8Array, msg: Uint8Array): boolean {
  const pk = key.subarray(1);
  try {
    switch (key[0]) {
      case 0:
        return (
          sig.length === 64 &&
          ed25519.verify(sig, blake2b(msg, { dkLen: 32 }), pk, { zip215: true })
        );
      case 1:
        return (
          sig.length === 64 &&
          secp256k1.verify(sig, blake2b(msg, { dkLen: 32 }), pk, { prehash: false, lowS: false })
        );
      case 2:
        return (
          sig.length === 64 &&
          p256.verify(sig, blake2b(msg, { dkLen: 32 }), pk, { prehash: false, lowS: false })
        );
      case 3: {
        if (sig.length !== 96) return false;
        const bls = bls12_381.longSignatures;
        return bls.verify(sig, bls.hash(msg, BLS_DST), pk);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}
