/**
 * X25519 (RFC 7748) through libsodium (sodium-native: crypto_scalarmult and
 * crypto_scalarmult_base on raw 32-byte keys).
 *
 * Why not node:crypto: on Node 20 a raw X25519 key can only enter OpenSSL
 * through a key import (JWK or DER), and importing a private key already
 * costs a scalar multiplication; a ratchet step (one new key pair, two DH)
 * then spends ~120 µs in X25519 against ~75 µs with libsodium's raw API,
 * which decides whether Mizu's ping-pong ratchet beats libsignal's by 2×
 * (bench/crypto.ts).
 *
 * Key pairs are derived from 32 bytes of randomness supplied by the caller, so
 * this module never draws randomness itself.
 *
 * Security notes: a low-order peer key (all-zero shared secret, RFC 7748
 * §6.1) is refused by libsodium and reported as InvalidArgumentError. Private
 * keys never appear in errors.
 */

import { expectLength } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { sodium } from './sodium.js';

export const X25519_KEY_BYTES = 32;

export interface X25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

/** Derives the key pair whose private scalar is `seed` (clamped by X25519 itself). */
export function x25519KeyPair(seed: Uint8Array): X25519KeyPair {
  const privateKey = Uint8Array.from(expectLength(seed, X25519_KEY_BYTES, 'X25519 seed'));
  return { publicKey: x25519PublicKey(privateKey), privateKey };
}

/** The public key of a private key. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  expectLength(privateKey, X25519_KEY_BYTES, 'X25519 private key');
  const publicKey = new Uint8Array(X25519_KEY_BYTES);
  sodium.crypto_scalarmult_base(publicKey, privateKey);
  return publicKey;
}

/**
 * DH(privateKey, publicKey): 32 shared bytes. A low-order public key (all-zero
 * result) is refused with InvalidArgumentError.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  expectLength(privateKey, X25519_KEY_BYTES, 'X25519 private key');
  expectLength(publicKey, X25519_KEY_BYTES, 'X25519 public key');
  const out = new Uint8Array(X25519_KEY_BYTES);
  try {
    sodium.crypto_scalarmult(out, privateKey, publicKey);
  } catch {
    throw new InvalidArgumentError('X25519 public key', 'it is a low-order point');
  }
  return out;
}

/** 2^255 − 19, the field prime. */
const P = (1n << 255n) - 19n;

/**
 * True when `publicKey` is the canonical encoding of its u-coordinate: bit 255
 * clear and the value below 2^255 − 19. X25519 ignores bit 255 and reduces
 * larger values (RFC 7748 §5), so a non-canonical key is a second spelling of
 * some canonical key; refusing it keeps "same key" equal to "same bytes".
 */
export function isCanonicalX25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== X25519_KEY_BYTES || (publicKey[31]! & 0x80) !== 0) return false;
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(publicKey[i]!);
  return value < P;
}

const PROBE_PRIVATE_KEY = new Uint8Array(32).fill(0x5a);

/** True when `publicKey` is 32 bytes and not a low-order point (a DH with it succeeds). */
export function isUsableX25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== X25519_KEY_BYTES) return false;
  try {
    x25519(PROBE_PRIVATE_KEY, publicKey);
    return true;
  } catch {
    return false;
  }
}
