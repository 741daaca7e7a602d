/**
 * ChaCha20-Poly1305 (RFC 8439) on Node's native implementation.
 *
 * Output is ciphertext ‖ 16-byte tag. `open` returns null on any failure and
 * never throws for bad input, so callers keep one generic failure path.
 * Security notes: every key this module is given is single-use in Mizu
 * (message keys, discovery-request keys), which is why a fixed nonce is
 * allowed by the callers; see docs/protocol.md.
 */

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { expectLength } from '../bytes.js';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

export function aeadSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
): Uint8Array {
  expectLength(key, AEAD_KEY_BYTES, 'AEAD key');
  expectLength(nonce, AEAD_NONCE_BYTES, 'AEAD nonce');
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  c.setAAD(ad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  c.final();
  const tag = c.getAuthTag();
  const out = new Uint8Array(body.length + AEAD_TAG_BYTES);
  out.set(body, 0);
  out.set(tag, body.length);
  return out;
}

export function aeadOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  ad: Uint8Array,
): Uint8Array | null {
  if (
    key.length !== AEAD_KEY_BYTES ||
    nonce.length !== AEAD_NONCE_BYTES ||
    sealed.length < AEAD_TAG_BYTES
  ) {
    return null;
  }
  const bodyLength = sealed.length - AEAD_TAG_BYTES;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
    d.setAAD(ad, { plaintextLength: bodyLength });
    d.setAuthTag(sealed.subarray(bodyLength));
    const body = d.update(sealed.subarray(0, bodyLength));
    d.final();
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } catch {
    return null;
  }
}
