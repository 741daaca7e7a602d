/**
 * X25519 (RFC 7748) on Node's native implementation.
 *
 * Key pairs are derived from 32 bytes of randomness supplied by the caller, so
 * this module never draws randomness itself. Importing raw keys goes through
 * JWK, which on Node 20 is several times faster than DER; imported key objects
 * are memoised per Uint8Array (keys are never mutated, so identity is a safe
 * cache key and a garbage-collected key drops its entry).
 *
 * Security notes: the shared secret is checked against all-zero (a low-order
 * peer key, RFC 7748 section 6.1) and refused. Private keys never appear in
 * errors.
 */

import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { expectLength } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';

export const X25519_KEY_BYTES = 32;

export interface X25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

const privateObjects = new WeakMap<Uint8Array, KeyObject>();
const publicObjects = new WeakMap<Uint8Array, KeyObject>();

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function privateObject(privateKey: Uint8Array): KeyObject {
  let key = privateObjects.get(privateKey);
  if (!key) {
    expectLength(privateKey, X25519_KEY_BYTES, 'X25519 private key');
    // Node requires an `x` member but derives the public key from `d` itself.
    key = createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: b64url(privateKey), x: '' },
      format: 'jwk',
    });
    privateObjects.set(privateKey, key);
  }
  return key;
}

function publicObject(publicKey: Uint8Array): KeyObject {
  let key = publicObjects.get(publicKey);
  if (!key) {
    expectLength(publicKey, X25519_KEY_BYTES, 'X25519 public key');
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: b64url(publicKey) },
      format: 'jwk',
    });
    publicObjects.set(publicKey, key);
  }
  return key;
}

/** Derives the key pair whose private scalar is `seed` (clamped by X25519 itself). */
export function x25519KeyPair(seed: Uint8Array): X25519KeyPair {
  const privateKey = Uint8Array.from(expectLength(seed, X25519_KEY_BYTES, 'X25519 seed'));
  const priv = privateObject(privateKey);
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  const publicKey = new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
  publicObjects.set(publicKey, createPublicKey(priv));
  return { publicKey, privateKey };
}

/** The public key of a private key. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateObject(privateKey)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

/**
 * DH(privateKey, publicKey): 32 shared bytes. A low-order public key (all-zero
 * result) is refused with InvalidArgumentError; OpenSSL already refuses it
 * itself, with an untyped error that is translated here.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const priv = privateObject(privateKey);
  const pub = publicObject(publicKey);
  let out: Buffer;
  try {
    out = diffieHellman({ privateKey: priv, publicKey: pub });
  } catch {
    throw new InvalidArgumentError('X25519 public key', 'it is a low-order point');
  }
  let acc = 0;
  for (let i = 0; i < out.length; i++) acc |= out[i]!;
  if (acc === 0) throw new InvalidArgumentError('X25519 public key', 'it is a low-order point');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
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
