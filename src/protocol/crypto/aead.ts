/**
 * ChaCha20-Poly1305 (RFC 8439, the IETF variant with a 96-bit nonce) through
 * libsodium (sodium-native: crypto_aead_chacha20poly1305_ietf_*).
 *
 * Why libsodium rather than node:crypto: the same primitive, but a Node
 * cipher object costs ~3.8 µs to set up per message against ~0.6 µs for
 * libsodium's one-shot call; every message pays it twice (bench/crypto.ts).
 *
 * Output is ciphertext ‖ 16-byte tag. `open` returns null on any failure and
 * never throws for bad input, so callers keep one generic failure path.
 * Security notes: every key this module is given is single-use in Mizu
 * (message keys, discovery-request keys), which is why a fixed nonce is
 * allowed by the callers; see docs/protocol.md.
 */

import { expectLength } from '../bytes.js';
import { sodium } from './sodium.js';

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
  const out = new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
  sodium.crypto_aead_chacha20poly1305_ietf_encrypt(out, plaintext, ad, null, nonce, key);
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
  const out = new Uint8Array(sealed.length - AEAD_TAG_BYTES);
  try {
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt(out, null, sealed, ad, nonce, key);
    return out;
  } catch {
    return null;
  }
}
