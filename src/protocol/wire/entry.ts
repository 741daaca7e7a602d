/**
 * Codec of postal-box entries: steady-state messages and initial messages.
 *
 * Steady-state message (kind 0x11), overhead 65 bytes:
 *
 *   0      1          9                       49            n-16        n
 *   +------+----------+-----------------------+-------------+-----------+
 *   | 0x11 | det (8)  | header ciphertext (40)| body (n-65) | tag (16)  |
 *   +------+----------+-----------------------+-------------+-----------+
 *
 * Initial message (kind 0x12; 0x13 adds the ML-KEM-768 ciphertext), overhead
 * 105 bytes (1193 with the KEM ciphertext):
 *
 *   0      1               9          41               41+C
 *   +------+---------------+----------+----------------+-------------------------+
 *   | kind | initial tag(8)| EK_A (32)| KEM ct (C=0 or | det ‖ header ct ‖ body ‖ |
 *   |      |               |          |   1088)        | tag  (as in a 0x11 msg)  |
 *   +------+---------------+----------+----------------+-------------------------+
 *
 * The high nibble of the kind byte is the format version (1).
 */

import { concatBytes } from '../bytes.js';
import { AEAD_TAG_BYTES } from '../crypto/aead.js';
import { MLKEM768_CIPHERTEXT_BYTES } from '../crypto/mlkem.js';
import { MalformedError, UnsupportedVersionError } from '../errors.js';
import { WIRE } from '../labels.js';
import { MAX_ENTRY_BYTES } from '../limits.js';
import type { SealedMessage } from '../ratchet/doubleRatchet.js';
import { DETECTION_TAG_BYTES, HEADER_BYTES } from '../ratchet/headerCipher.js';

export const INITIAL_TAG_BYTES = 8;
export const STEADY_OVERHEAD = 1 + DETECTION_TAG_BYTES + HEADER_BYTES + AEAD_TAG_BYTES;

export type Entry =
  | { readonly kind: 'message'; readonly message: SealedMessage }
  | {
      readonly kind: 'initial';
      readonly initialTag: Uint8Array;
      readonly ephemeralPublic: Uint8Array;
      readonly kemCiphertext: Uint8Array | null;
      readonly message: SealedMessage;
    };

const WHAT = 'postal-box entry';

function sealedParts(m: SealedMessage): Uint8Array[] {
  return [m.detectionTag, m.headerCiphertext, m.body];
}

export function encodeEntry(entry: Entry): Uint8Array {
  if (entry.kind === 'message')
    return concatBytes(Uint8Array.of(WIRE.message), ...sealedParts(entry.message));
  const kind = entry.kemCiphertext ? WIRE.initialPq : WIRE.initial;
  return concatBytes(
    Uint8Array.of(kind),
    entry.initialTag,
    entry.ephemeralPublic,
    entry.kemCiphertext ?? new Uint8Array(0),
    ...sealedParts(entry.message),
  );
}

function parseSealed(bytes: Uint8Array, offset: number): SealedMessage {
  if (bytes.length - offset < DETECTION_TAG_BYTES + HEADER_BYTES + AEAD_TAG_BYTES) {
    throw new MalformedError(WHAT, 'too short for a ratchet message');
  }
  const headerStart = offset + DETECTION_TAG_BYTES;
  const bodyStart = headerStart + HEADER_BYTES;
  return {
    detectionTag: bytes.subarray(offset, headerStart),
    headerCiphertext: bytes.subarray(headerStart, bodyStart),
    body: bytes.subarray(bodyStart),
  };
}

/** Parses an entry; throws MalformedError or UnsupportedVersionError, never anything else. */
export function decodeEntry(bytes: Uint8Array): Entry {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new MalformedError(WHAT, 'empty');
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new MalformedError(WHAT, `longer than ${MAX_ENTRY_BYTES} bytes`);
  const kind = bytes[0]!;
  if (kind === WIRE.message) return { kind: 'message', message: parseSealed(bytes, 1) };
  if (kind === WIRE.initial || kind === WIRE.initialPq) {
    const kemLength = kind === WIRE.initialPq ? MLKEM768_CIPHERTEXT_BYTES : 0;
    const prefix = 1 + INITIAL_TAG_BYTES + 32 + kemLength;
    if (bytes.length < prefix) throw new MalformedError(WHAT, 'too short for an initial message');
    return {
      kind: 'initial',
      initialTag: bytes.subarray(1, 1 + INITIAL_TAG_BYTES),
      ephemeralPublic: bytes.slice(1 + INITIAL_TAG_BYTES, 41),
      kemCiphertext: kemLength ? bytes.subarray(41, prefix) : null,
      message: parseSealed(bytes, prefix),
    };
  }
  if (kind >> 4 !== 1) throw new UnsupportedVersionError(WHAT, kind);
  if (kind === WIRE.request)
    throw new MalformedError(WHAT, 'a discovery request does not belong in a postal box');
  throw new MalformedError(WHAT, `unknown kind byte 0x${kind.toString(16).padStart(2, '0')}`);
}
