/**
 * One session: the X3DH start and the Double Ratchet that follows it.
 *
 * The initiator turns a verified bundle into an initial message (X3DH, the
 * optional ML-KEM encapsulation, and a first ratchet message). The responder
 * recognises an initial message with symmetric work only, through the
 * 8-byte initial tag:
 *
 *   K_det = HKDF-SHA256(salt = 0x00×32, ikm = DH(IK_A, IK_B),
 *                       info = "Mizu_InitialDetection_v1" ‖ SPK_B, 32 bytes)
 *   initial tag = AES-256(K_det, EK_A[0..16))[0..8)
 *
 * K_det depends only on long-term keys and the prekey, so a reader derives it
 * once per (contact, prekey) and caches it; binding SPK_B tells the responder
 * which of its prekeys (current or in grace) the initiator used.
 */

import type { Random } from '../ports/random.js';
import type { VerifiedBundle } from './bundle.js';
import { concatBytes, equalBytes } from './bytes.js';
import { aes256Blocks } from './crypto/aesBlock.js';
import { hkdfSha256 } from './crypto/hash.js';
import { isCanonicalX25519PublicKey, type X25519KeyPair, x25519 } from './crypto/x25519.js';
import { DecryptionFailedError } from './errors.js';
import type { IdentityKeys, PrekeySet } from './identityKeys.js';
import { LABEL } from './labels.js';
import {
  initAsInitiator,
  initAsResponder,
  type RatchetDecryptResult,
  ratchetDecrypt,
  ratchetEncrypt,
} from './ratchet/doubleRatchet.js';
import type { RatchetState } from './ratchet/state.js';
import { type Entry, INITIAL_TAG_BYTES } from './wire/entry.js';
import { type SessionContext, x3dhInitiate, x3dhRespond } from './x3dh.js';

export interface Session {
  /** The initiator's X3DH ephemeral key: public, unique, names the session on both sides. */
  readonly id: Uint8Array;
  readonly initiatedByUs: boolean;
  /** True once a message from the peer has been received on this session. */
  readonly confirmed: boolean;
  readonly associatedData: Uint8Array;
  readonly ratchet: RatchetState;
}

const ZERO_SALT = new Uint8Array(32);
type KeyCache<V> = WeakMap<Uint8Array, V>;
const detectionKeys: KeyCache<KeyCache<KeyCache<Uint8Array>>> = new WeakMap();

function cached<V>(cache: KeyCache<V>, key: Uint8Array, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/**
 * K_det for initial messages between the holder of `ourIdentityPrivate` and
 * the owner of `theirIdentityPublic`, made for `responderPrekey`. Memoised
 * per key object, all three inputs included (a pure function's cache).
 */
export function initialDetectionKey(
  ourIdentityPrivate: Uint8Array,
  theirIdentityPublic: Uint8Array,
  responderPrekey: Uint8Array,
): Uint8Array {
  const byTheirs = cached(detectionKeys, ourIdentityPrivate, () => new WeakMap());
  const byPrekey: KeyCache<Uint8Array> = cached(byTheirs, theirIdentityPublic, () => new WeakMap());
  let key = byPrekey.get(responderPrekey);
  if (!key) {
    const staticDh = x25519(ourIdentityPrivate, theirIdentityPublic);
    key = hkdfSha256(staticDh, ZERO_SALT, concatBytes(LABEL.initialDetection, responderPrekey), 32);
    byPrekey.set(responderPrekey, key);
  }
  return key;
}

function initialTag(detectionKey: Uint8Array, ephemeralPublic: Uint8Array): Uint8Array {
  return aes256Blocks(detectionKey, ephemeralPublic.subarray(0, 16)).slice(0, INITIAL_TAG_BYTES);
}

/** Starts a session with the owner of `bundle`; returns it and the initial entry carrying `plaintext`. */
export function startSession(params: {
  readonly ourIdentity: X25519KeyPair;
  readonly ourAddress: string;
  readonly bundle: VerifiedBundle;
  readonly postQuantum: boolean;
  readonly plaintext: Uint8Array;
  readonly random: Random;
}): { session: Session; entry: Entry } {
  const x = x3dhInitiate(params);
  const ratchet = initAsInitiator({
    sharedSecret: x.sharedSecret,
    theirRatchetKey: params.bundle.signedPrekey,
    sharedHeaderKey: x.headerKeyA,
    sharedNextHeaderKey: x.nextHeaderKeyB,
    random: params.random,
  });
  const sent = ratchetEncrypt(ratchet, params.plaintext, x.associatedData);
  const kDet = initialDetectionKey(
    params.ourIdentity.privateKey,
    params.bundle.identityKey,
    params.bundle.signedPrekey,
  );
  return {
    session: {
      id: x.ephemeralPublic,
      initiatedByUs: true,
      confirmed: false,
      associatedData: x.associatedData,
      ratchet: sent.state,
    },
    entry: {
      kind: 'initial',
      initialTag: initialTag(kDet, x.ephemeralPublic),
      ephemeralPublic: x.ephemeralPublic,
      kemCiphertext: x.kemCiphertext,
      message: sent.message,
    },
  };
}

/** The prekey an initial message was made for, found by its tag; undefined if it is not for us. */
export function matchInitial(
  entry: Extract<Entry, { kind: 'initial' }>,
  ours: IdentityKeys,
  theirIdentityKey: Uint8Array,
): PrekeySet | undefined {
  for (const p of ours.prekeys) {
    if (entry.kemCiphertext !== null && p.kem === null) continue;
    const kDet = initialDetectionKey(
      ours.identity.privateKey,
      theirIdentityKey,
      p.prekey.publicKey,
    );
    if (equalBytes(initialTag(kDet, entry.ephemeralPublic), entry.initialTag)) return p;
  }
  return undefined;
}

/**
 * The responder's side: runs X3DH for an initial message already matched to
 * `prekey`, and opens its first ratchet message. Returns the new session and
 * the plaintext; throws DecryptionFailedError if the message does not
 * authenticate (its tag matched, so it claims to be for us).
 */
export function acceptSession(params: {
  readonly entry: Extract<Entry, { kind: 'initial' }>;
  readonly ours: IdentityKeys;
  readonly prekey: PrekeySet;
  readonly theirIdentityKey: Uint8Array;
  readonly context: SessionContext;
  readonly random: Random;
}): { session: Session; plaintext: Uint8Array } {
  const { entry, prekey } = params;
  // A second spelling of an accepted EK_A would dodge the duplicate check.
  if (!isCanonicalX25519PublicKey(entry.ephemeralPublic)) throw new DecryptionFailedError();
  const secrets = x3dhRespond({
    ourIdentity: params.ours.identity,
    ourPrekey: prekey.prekey,
    ourKemSecretKey: prekey.kem?.secretKey ?? null,
    theirIdentityKey: params.theirIdentityKey,
    ephemeralPublic: entry.ephemeralPublic,
    kemCiphertext: entry.kemCiphertext,
    context: params.context,
  });
  const ratchet = initAsResponder({
    sharedSecret: secrets.sharedSecret,
    ourRatchet: prekey.prekey,
    sharedHeaderKey: secrets.headerKeyA,
    sharedNextHeaderKey: secrets.nextHeaderKeyB,
  });
  const result = ratchetDecrypt(ratchet, entry.message, secrets.associatedData, params.random);
  if (result.status !== 'ok') throw new DecryptionFailedError();
  return {
    plaintext: result.plaintext,
    session: {
      id: entry.ephemeralPublic,
      initiatedByUs: false,
      confirmed: true,
      associatedData: secrets.associatedData,
      ratchet: result.state,
    },
  };
}

/** Encrypts a steady-state message on an established session. */
export function sessionEncrypt(
  session: Session,
  plaintext: Uint8Array,
): { session: Session; entry: Entry } {
  const sent = ratchetEncrypt(session.ratchet, plaintext, session.associatedData);
  return {
    session: { ...session, ratchet: sent.state },
    entry: { kind: 'message', message: sent.message },
  };
}

/** Tries a steady-state message on a session. */
export function sessionDecrypt(
  session: Session,
  entry: Extract<Entry, { kind: 'message' }>,
  random: Random,
): { session: Session; plaintext: Uint8Array } | null {
  const result: RatchetDecryptResult = ratchetDecrypt(
    session.ratchet,
    entry.message,
    session.associatedData,
    random,
  );
  if (result.status !== 'ok') return null;
  return {
    session: { ...session, confirmed: true, ratchet: result.state },
    plaintext: result.plaintext,
  };
}
