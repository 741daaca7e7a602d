/**
 * Every KDF label, domain-separation string and constant byte of the wire
 * formats, in one place. docs/protocol.md lists the same values; a change here
 * is a protocol change and must bump the version byte of the affected format.
 */

import { utf8 } from './bytes.js';

/**
 * Leading byte of every postal-box entry and discovery request: the high
 * nibble is the format version (1), the low nibble the kind.
 */
export const WIRE = {
  /** Steady-state Double Ratchet message. */
  message: 0x11,
  /** Initial message (X3DH, no post-quantum part). */
  initial: 0x12,
  /** Initial message with an ML-KEM-768 encapsulation (PQXDH-style hybrid). */
  initialPq: 0x13,
  /** Sealed discovery request (request boxes only). */
  request: 0x14,
} as const;

/** Version byte of the key bundle body. */
export const BUNDLE_VERSION = 0x01;
/** Version byte of serialized session and conversation state. */
export const STATE_VERSION = 0x01;

export const LABEL = {
  /** Prefix of the bytes the Tezos account signs for a bundle (0x4d 'M' is no Tezos watermark). */
  bundleSignature: utf8('Mizu key bundle v1\n'),
  /** HKDF info for the session secret of X3DH without the KEM part. */
  x3dh: utf8('Mizu_X3DH_X25519_SHA256_v1'),
  /** HKDF info for the session secret of the hybrid start (X3DH + ML-KEM-768). */
  pqxdh: utf8('Mizu_PQXDH_X25519_MLKEM768_SHA256_v1'),
  /** Hash prefix of the associated data bound into every message of a session. */
  associatedData: utf8('Mizu_AssociatedData_v1'),
  /** HKDF info of the root-key KDF (KDF_RK_HE). */
  rootKdf: utf8('Mizu_Ratchet_Root_v1'),
  /** HKDF info that turns the identity-key DH into the initial-message detection key. */
  initialDetection: utf8('Mizu_InitialDetection_v1'),
  /** HKDF info that turns the identity-key DH into the discovery-request proof key. */
  requestProofKey: utf8('Mizu_RequestProofKey_v1'),
  /** HMAC message prefix of the discovery-request proof. */
  requestProof: utf8('Mizu_RequestProof_v1'),
  /** HKDF info of the discovery-request sealing key. */
  requestSeal: utf8('Mizu_RequestSeal_v1'),
  /** Hash prefix of each party's half of a safety number. */
  safetyNumber: utf8('Mizu_SafetyNumber_v1'),
} as const;

/** KDF_CK inputs (the constants of the Double Ratchet spec, section 5.2). */
export const CHAIN_KDF = {
  messageKey: Uint8Array.of(0x01),
  chainKey: Uint8Array.of(0x02),
} as const;

/** X3DH's F: 32 bytes of 0xFF prepended to the DH outputs (X3DH spec, section 2.2). */
export const X3DH_F = new Uint8Array(32).fill(0xff);

/** Domain bytes of the AES-256 blocks used by header encryption (see headerCipher.ts). */
export const HEADER_BLOCK = { detection: 0x00, keystream: 0x01 } as const;
