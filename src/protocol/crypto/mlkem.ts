/**
 * ML-KEM-768 (FIPS 203) through @noble/post-quantum, with the randomness
 * supplied by the caller (64 bytes for key generation, 32 for encapsulation).
 */

import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { expectLength } from '../bytes.js';

export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SECRET_KEY_BYTES = 2400;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;
export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_ENCAPS_RANDOM_BYTES = 32;

export interface MlKemKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function mlKemKeyPair(seed: Uint8Array): MlKemKeyPair {
  expectLength(seed, MLKEM768_SEED_BYTES, 'ML-KEM seed');
  const k = ml_kem768.keygen(seed);
  return { publicKey: k.publicKey, secretKey: k.secretKey };
}

export function mlKemEncapsulate(
  publicKey: Uint8Array,
  random: Uint8Array,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  expectLength(publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'ML-KEM public key');
  expectLength(random, MLKEM768_ENCAPS_RANDOM_BYTES, 'ML-KEM encapsulation randomness');
  const r = ml_kem768.encapsulate(publicKey, random);
  return { ciphertext: r.cipherText, sharedSecret: r.sharedSecret };
}

/** Implicit rejection (FIPS 203): a bad ciphertext yields an unrelated secret, never an error. */
export function mlKemDecapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
  expectLength(ciphertext, MLKEM768_CIPHERTEXT_BYTES, 'ML-KEM ciphertext');
  expectLength(secretKey, MLKEM768_SECRET_KEY_BYTES, 'ML-KEM secret key');
  return ml_kem768.decapsulate(ciphertext, secretKey);
}
