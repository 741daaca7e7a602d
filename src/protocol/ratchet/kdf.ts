/**
 * The two KDF chains of the Double Ratchet with header encryption
 * (Double Ratchet spec §5.2 and §4.2):
 *
 *   KDF_RK_HE(rk, dh_out) = HKDF-SHA256(salt = rk, ikm = dh_out,
 *                                       info = "Mizu_Ratchet_Root_v1", 96 bytes)
 *                           → new root key ‖ chain key ‖ next header key
 *   KDF_CK(ck)            = HMAC-SHA256(ck, 0x01) → message key,
 *                           HMAC-SHA256(ck, 0x02) → next chain key
 */

import { hkdfSha256, hmacSha256 } from '../crypto/hash.js';
import { CHAIN_KDF, LABEL } from '../labels.js';

export interface RootStep {
  readonly rootKey: Uint8Array;
  readonly chainKey: Uint8Array;
  readonly nextHeaderKey: Uint8Array;
}

export function kdfRoot(rootKey: Uint8Array, dhOutput: Uint8Array): RootStep {
  const out = hkdfSha256(dhOutput, rootKey, LABEL.rootKdf, 96);
  return {
    rootKey: out.slice(0, 32),
    chainKey: out.slice(32, 64),
    nextHeaderKey: out.slice(64, 96),
  };
}

export function kdfChain(chainKey: Uint8Array): { chainKey: Uint8Array; messageKey: Uint8Array } {
  return {
    messageKey: hmacSha256(chainKey, CHAIN_KDF.messageKey),
    chainKey: hmacSha256(chainKey, CHAIN_KDF.chainKey),
  };
}
