/**
 * Header encryption (Double Ratchet spec §4, HENCRYPT / HDECRYPT).
 *
 * A header key stays the same for a whole sending chain, so the scheme must
 * stay safe when one key encrypts many headers. Mizu uses a deterministic,
 * synthetic-IV construction whose IV is the body's authentication tag:
 *
 *   T  = the 16-byte Poly1305 tag of the message body (unique per message,
 *        because every message key is used once; the body's associated data
 *        includes the header plaintext)
 *   Bi = T[0..15) ‖ i                      (16-byte AES blocks, i = 0..3)
 *   O  = AES-256(HK, B0) ‖ … ‖ AES-256(HK, B3)
 *   detection tag        = O[0..8)
 *   header ciphertext    = header ⊕ O[16..56)
 *
 * A reader decides whether an entry belongs to a chain with one AES call of
 * four blocks and an 8-byte constant-time comparison: symmetric work only.
 * Integrity of the header comes from the body AEAD (the header plaintext is
 * part of its associated data); the detection tag only routes, so a 64-bit
 * tag costs at worst a failed body decryption per 2^64 foreign entries.
 * Confidentiality: the keystream is a PRF of a unique IV, so reused header
 * keys never reuse keystream; headers of one chain cannot be linked by an
 * observer without HK.
 */

import { equalBytes } from '../bytes.js';
import { aes256Blocks } from '../crypto/aesBlock.js';
import { HEADER_BLOCK } from '../labels.js';

export const HEADER_BYTES = 40;
export const DETECTION_TAG_BYTES = 8;
export const BODY_TAG_BYTES = 16;

/**
 * The four AES input blocks B0..B3 of an entry. They depend only on the body
 * tag, so a reader builds them once per entry and tries every header key on
 * them.
 */
export function headerBlocks(bodyTag: Uint8Array): Uint8Array {
  const blocks = new Uint8Array(64);
  const iv = bodyTag.subarray(0, 15);
  for (let i = 0; i < 4; i++) {
    blocks.set(iv, i * 16);
    blocks[i * 16 + 15] = i === 0 ? HEADER_BLOCK.detection : HEADER_BLOCK.keystream + (i - 1);
  }
  return blocks;
}

function xorKeystream(input: Uint8Array, out: Uint8Array): Uint8Array {
  const result = new Uint8Array(HEADER_BYTES);
  for (let i = 0; i < HEADER_BYTES; i++) result[i] = input[i]! ^ out[16 + i]!;
  return result;
}

export function sealHeader(
  hk: Uint8Array,
  header: Uint8Array,
  bodyTag: Uint8Array,
): { detectionTag: Uint8Array; ciphertext: Uint8Array } {
  const out = aes256Blocks(hk, headerBlocks(bodyTag));
  return { detectionTag: out.slice(0, DETECTION_TAG_BYTES), ciphertext: xorKeystream(header, out) };
}

/**
 * The header plaintext if `detectionTag` matches under `hk`, else null.
 * `blocks` = headerBlocks(body tag of the entry).
 */
export function openHeader(
  hk: Uint8Array,
  blocks: Uint8Array,
  detectionTag: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array | null {
  const out = aes256Blocks(hk, blocks);
  if (!equalBytes(out.subarray(0, DETECTION_TAG_BYTES), detectionTag)) return null;
  return xorKeystream(ciphertext, out);
}
