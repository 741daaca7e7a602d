/**
 * SHA-256, SHA-512 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and HKDF-SHA256
 * (RFC 5869) on Node's native implementations. Deterministic functions only.
 */

import { createHash, createHmac, hkdfSync } from 'node:crypto';

function view(b: Buffer | ArrayBuffer): Uint8Array {
  return b instanceof ArrayBuffer
    ? new Uint8Array(b)
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return view(h.digest());
}

export function sha512(data: Uint8Array): Uint8Array {
  return view(createHash('sha512').update(data).digest());
}

export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return view(h.digest());
}

/** HKDF-SHA256: extract with `salt` (empty = 32 zero bytes, RFC 5869 §2.2), expand to `length` bytes. */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return view(hkdfSync('sha256', ikm, salt, info, length));
}
