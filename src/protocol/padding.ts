/**
 * Plaintext padding, to hide message lengths from everyone who reads a
 * postal box (BRIEF §2 "Padding").
 *
 * Framing: padded = plaintext ‖ 0x80 ‖ 0x00 … 0x00 (ISO/IEC 7816-4), so the
 * marker byte is always present and unpadding is unambiguous. The total length
 * is chosen by the policy:
 *
 * - `padme` (default): Padmé (Nikitin et al., "Reducing Metadata Leakage from
 *   Encrypted Files and Communication with PURBs", PETS 2019, §4): for a
 *   length L, keep the top ⌊log2 ⌊log2 L⌋⌋ + 1 bits and round the rest up;
 *   at most 12 % overhead and O(log log L) bits of length information leak.
 *   Lengths below `minimum` (default 32) are first raised to it.
 * - `none`: only the marker byte (length + 1).
 * - `fixed`: always `length` bytes (discovery requests, so that every request
 *   has the same size whatever its note).
 */

import { InvalidArgumentError, MalformedError } from './errors.js';

export type PaddingPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'padme'; readonly minimum?: number }
  | { readonly kind: 'fixed'; readonly length: number };

export const DEFAULT_PADDING: PaddingPolicy = { kind: 'padme', minimum: 32 };

/** Padmé's padded length for a length `length` ≥ 1. */
export function padmeLength(length: number): number {
  if (!Number.isInteger(length) || length < 1)
    throw new InvalidArgumentError('length', 'expected an integer ≥ 1');
  if (length < 2) return length;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const lastBits = e - s;
  const mask = 2 ** lastBits - 1;
  return Math.ceil(length / (mask + 1)) * (mask + 1);
}

/** The framed length a plaintext of `length` bytes will have under `policy`. */
export function paddedLength(length: number, policy: PaddingPolicy): number {
  const framed = length + 1;
  if (policy.kind === 'none') return framed;
  if (policy.kind === 'fixed') {
    if (framed > policy.length) {
      throw new InvalidArgumentError(
        'plaintext',
        `needs ${framed} bytes, more than the fixed ${policy.length}`,
      );
    }
    return policy.length;
  }
  return padmeLength(Math.max(framed, policy.minimum ?? 32));
}

export function pad(plaintext: Uint8Array, policy: PaddingPolicy = DEFAULT_PADDING): Uint8Array {
  const out = new Uint8Array(paddedLength(plaintext.length, policy));
  out.set(plaintext, 0);
  out[plaintext.length] = 0x80;
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
  let i = padded.length - 1;
  while (i >= 0 && padded[i] === 0) i--;
  if (i < 0 || padded[i] !== 0x80)
    throw new MalformedError('padded plaintext', 'no padding marker');
  return padded.subarray(0, i);
}
