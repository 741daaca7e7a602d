/**
 * X3DH without one-time prekeys (X3DH spec §3, BRIEF §2), optionally hybrid
 * with ML-KEM-768 as Signal's PQXDH does (PQXDH spec §3.3).
 *
 *   DH1 = DH(IK_A, SPK_B)   DH2 = DH(EK_A, IK_B)   DH3 = DH(EK_A, SPK_B)
 *   SS  = ML-KEM-768 shared secret (hybrid start only)
 *   KM  = 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ SS]
 *   SK ‖ HKa ‖ NHKb = HKDF-SHA256(salt = 0x00×32, ikm = KM,
 *                       info = "Mizu_X3DH_X25519_SHA256_v1"
 *                           or "Mizu_PQXDH_X25519_MLKEM768_SHA256_v1", 96 bytes)
 *   AD  = SHA-256("Mizu_AssociatedData_v1" ‖ IK_A ‖ IK_B ‖ addr_A ‖ addr_B
 *                 ‖ contract ‖ chain id)      (addresses in 22-byte binary form)
 *
 * A is the initiator, B the responder. SK seeds the Double Ratchet, HKa is
 * the initiator's first sending header key, NHKb the responder's first next
 * sending header key (Double Ratchet spec §4.3 shared_hka / shared_nhkb).
 *
 * Security notes: the responder's bundle must be a VerifiedBundle (its
 * account signature was checked); with no one-time prekey, a replayed initial
 * message yields the same keys, so duplicates are caught by the conversation
 * layer, which remembers the ephemeral keys it has accepted.
 */

import type { Random } from '../ports/random.js';
import type { VerifiedBundle } from './bundle.js';
import { concatBytes } from './bytes.js';
import { hkdfSha256, sha256 } from './crypto/hash.js';
import { mlKemDecapsulate, mlKemEncapsulate } from './crypto/mlkem.js';
import { type X25519KeyPair, x25519, x25519KeyPair } from './crypto/x25519.js';
import { InvalidArgumentError } from './errors.js';
import { LABEL, X3DH_F } from './labels.js';
import { addressToBytes, chainIdToBytes } from './tezosAccount.js';

const ZERO_SALT = new Uint8Array(32);

export interface SessionSecrets {
  readonly sharedSecret: Uint8Array;
  readonly headerKeyA: Uint8Array;
  readonly nextHeaderKeyB: Uint8Array;
  readonly associatedData: Uint8Array;
}

export interface SessionContext {
  readonly initiatorAddress: string;
  readonly responderAddress: string;
  readonly contract: string;
  readonly chainId: string;
}

export function associatedData(
  initiatorIdentity: Uint8Array,
  responderIdentity: Uint8Array,
  ctx: SessionContext,
): Uint8Array {
  return sha256(
    LABEL.associatedData,
    initiatorIdentity,
    responderIdentity,
    addressToBytes(ctx.initiatorAddress),
    addressToBytes(ctx.responderAddress),
    addressToBytes(ctx.contract),
    chainIdToBytes(ctx.chainId),
  );
}

function deriveSecrets(km: Uint8Array, pq: boolean, ad: Uint8Array): SessionSecrets {
  const out = hkdfSha256(km, ZERO_SALT, pq ? LABEL.pqxdh : LABEL.x3dh, 96);
  return {
    sharedSecret: out.slice(0, 32),
    headerKeyA: out.slice(32, 64),
    nextHeaderKeyB: out.slice(64, 96),
    associatedData: ad,
  };
}

export interface InitiatorResult extends SessionSecrets {
  readonly ephemeralPublic: Uint8Array;
  readonly kemCiphertext: Uint8Array | null;
}

/** The initiator's side: A starts a session with the owner of `bundle`. */
export function x3dhInitiate(params: {
  readonly ourIdentity: X25519KeyPair;
  readonly ourAddress: string;
  readonly bundle: VerifiedBundle;
  readonly postQuantum: boolean;
  readonly random: Random;
}): InitiatorResult {
  const { ourIdentity, bundle, random } = params;
  const ephemeral = x25519KeyPair(random(32));
  const dh1 = x25519(ourIdentity.privateKey, bundle.signedPrekey);
  const dh2 = x25519(ephemeral.privateKey, bundle.identityKey);
  const dh3 = x25519(ephemeral.privateKey, bundle.signedPrekey);
  const pq = params.postQuantum && bundle.kemPublicKey !== null;
  let kemCiphertext: Uint8Array | null = null;
  let km = concatBytes(X3DH_F, dh1, dh2, dh3);
  if (pq) {
    const kem = mlKemEncapsulate(bundle.kemPublicKey!, random(32));
    kemCiphertext = kem.ciphertext;
    km = concatBytes(km, kem.sharedSecret);
  }
  const ad = associatedData(ourIdentity.publicKey, bundle.identityKey, {
    initiatorAddress: params.ourAddress,
    responderAddress: bundle.address,
    contract: bundle.contract,
    chainId: bundle.chainId,
  });
  return { ...deriveSecrets(km, pq, ad), ephemeralPublic: ephemeral.publicKey, kemCiphertext };
}

/** The responder's side: B recomputes the secrets from A's initial message. */
export function x3dhRespond(params: {
  readonly ourIdentity: X25519KeyPair;
  readonly ourPrekey: X25519KeyPair;
  readonly ourKemSecretKey: Uint8Array | null;
  readonly theirIdentityKey: Uint8Array;
  readonly ephemeralPublic: Uint8Array;
  readonly kemCiphertext: Uint8Array | null;
  readonly context: SessionContext;
}): SessionSecrets {
  const dh1 = x25519(params.ourPrekey.privateKey, params.theirIdentityKey);
  const dh2 = x25519(params.ourIdentity.privateKey, params.ephemeralPublic);
  const dh3 = x25519(params.ourPrekey.privateKey, params.ephemeralPublic);
  let km = concatBytes(X3DH_F, dh1, dh2, dh3);
  const pq = params.kemCiphertext !== null;
  if (pq) {
    if (!params.ourKemSecretKey)
      throw new InvalidArgumentError(
        'initial message',
        'it carries a KEM ciphertext but this prekey has no KEM key',
      );
    km = concatBytes(km, mlKemDecapsulate(params.kemCiphertext!, params.ourKemSecretKey));
  }
  const ad = associatedData(params.theirIdentityKey, params.ourIdentity.publicKey, params.context);
  return deriveSecrets(km, pq, ad);
}
