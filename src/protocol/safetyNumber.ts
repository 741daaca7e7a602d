/**
 * Safety numbers: what two people compare (in person, or over another
 * channel) to know that no one substituted keys between them (BRIEF §2
 * "Verification"). The construction follows the idea of Signal's numeric
 * fingerprints with Mizu's own labels:
 *
 *   h0   = SHA-512("Mizu_SafetyNumber_v1" ‖ account key ‖ identity key)
 *   hi+1 = SHA-512(hi ‖ account key ‖ identity key)        (5200 times)
 *   half = for each of the first six 5-byte chunks c of h5200:
 *            (c as a big-endian 40-bit integer) mod 100000, as 5 digits
 *
 * The safety number is both 30-digit halves sorted as strings and joined (60
 * digits, shown as 12 groups of 5), so both parties see the same number.
 * Account keys are taken in their Tezos binary encoding.
 */

import { concatBytes, expectLength } from './bytes.js';
import { sha512 } from './crypto/hash.js';
import { LABEL } from './labels.js';
import { SAFETY_NUMBER_ITERATIONS } from './limits.js';
import { publicKeyToBytes } from './tezosAccount.js';

export interface SafetyParty {
  readonly accountPublicKey: string;
  readonly identityKey: Uint8Array;
}

function half(party: SafetyParty): string {
  expectLength(party.identityKey, 32, 'identity key');
  const keys = concatBytes(publicKeyToBytes(party.accountPublicKey), party.identityKey);
  let h = sha512(concatBytes(LABEL.safetyNumber, keys));
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) h = sha512(concatBytes(h, keys));
  let digits = '';
  for (let c = 0; c < 6; c++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + h[c * 5 + j]!;
    digits += String(v % 100000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit safety number of two parties (order independent). */
export function safetyNumber(a: SafetyParty, b: SafetyParty): string {
  return [half(a), half(b)].sort().join('');
}

/** The 60 digits as 12 groups of 5, separated by spaces. */
export function formatSafetyNumber(digits: string): string {
  return digits.match(/.{1,5}/g)?.join(' ') ?? '';
}
