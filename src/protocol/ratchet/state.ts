/**
 * The Double Ratchet state with header encryption (Double Ratchet spec §4.3),
 * as a plain immutable record: functions that advance it return a new record
 * and never modify the one they were given, so a failed decryption leaves the
 * caller's state exactly as it was.
 *
 * Names follow the spec: DHs = ourRatchet, DHr = receiving.ratchetKey,
 * RK = rootKey, CKs/CKr = sending/receiving.chainKey, HKs/HKr =
 * sending/receiving.headerKey, NHKs/NHKr = next…HeaderKey, Ns/Nr =
 * sending/receiving.index, PN = previousSendingLength, MKSKIPPED = skipped.
 */

import type { X25519KeyPair } from '../crypto/x25519.js';

export interface SendingChain {
  readonly chainKey: Uint8Array;
  readonly headerKey: Uint8Array;
  /** Number of the next message to send in this chain (Ns). */
  readonly index: number;
}

export interface ReceivingChain {
  /** The peer's ratchet public key that opened this chain (DHr). */
  readonly ratchetKey: Uint8Array;
  readonly chainKey: Uint8Array;
  readonly headerKey: Uint8Array;
  /** Number of the next message expected in this chain (Nr). */
  readonly index: number;
}

export interface SkippedKey {
  readonly index: number;
  readonly messageKey: Uint8Array;
}

/** Message keys kept for messages not yet received, grouped by the header key of their chain. */
export interface SkippedChain {
  readonly headerKey: Uint8Array;
  readonly keys: readonly SkippedKey[];
}

export interface RatchetState {
  readonly rootKey: Uint8Array;
  readonly ourRatchet: X25519KeyPair;
  /** Null until this side can send (a responder before its first received message). */
  readonly sending: SendingChain | null;
  /** Null until the first message of the peer's current ratchet key arrives. */
  readonly receiving: ReceivingChain | null;
  readonly previousSendingLength: number;
  readonly nextSendingHeaderKey: Uint8Array;
  readonly nextReceivingHeaderKey: Uint8Array;
  /** Oldest chain first. */
  readonly skipped: readonly SkippedChain[];
}

export function countSkipped(skipped: readonly SkippedChain[]): number {
  let n = 0;
  for (const c of skipped) n += c.keys.length;
  return n;
}
