/**
 * AES-256 (FIPS 197) as a pseudorandom function on independent 16-byte blocks.
 *
 * Header encryption tries a header key on every foreign postal-box entry, so
 * this is the hot path of a sync. Node's per-call overhead dominates for tiny
 * inputs; one ECB cipher object is kept per key and reused, which costs well
 * under a microsecond per call. ECB here only means "apply the block cipher to
 * each block independently": callers always feed distinct, domain-separated
 * input blocks (see headerCipher.ts), never structured plaintext.
 */

import { type Cipher, createCipheriv } from 'node:crypto';
import { expectLength } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';

const ciphers = new WeakMap<Uint8Array, Cipher>();

/** Encrypts each 16-byte block of `blocks` under `key` (32 bytes). */
export function aes256Blocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  if (blocks.length % 16 !== 0)
    throw new InvalidArgumentError('AES input', 'must be whole 16-byte blocks');
  let c = ciphers.get(key);
  if (!c) {
    expectLength(key, 32, 'AES-256 key');
    c = createCipheriv('aes-256-ecb', key, null);
    c.setAutoPadding(false);
    ciphers.set(key, c);
  }
  const out = c.update(blocks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
