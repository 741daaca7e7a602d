/**
 * Passphrase → 32-byte key with Argon2id (libsodium crypto_pwhash,
 * ALG_ARGON2ID13). Used for the database key (salt in profile.json) and for
 * backup keys (salt in the backup header).
 *
 * Security notes: the passphrase is copied into a buffer that is zeroed right
 * after hashing; the caller zeroes the key with `wipe` when done. Keys come
 * back in ordinary buffers: libsodium's guarded allocations cost several
 * memory mappings each until the garbage collector frees them, and a few
 * thousand derivations in a row (a tampering test) exhausted the process's
 * mapping limit. The one long-lived key, an open store's, is kept in a
 * guarded allocation (store.ts). Parameters read from files are bounded by `checkKdfParams` so that a
 * crafted profile.json or backup header cannot ask for absurd work.
 */

import { sodium } from './sodium.js';

/** Argon2id cost: passes (opslimit) and memory in bytes (memlimit). */
export interface KdfParams {
  readonly opslimit: number;
  readonly memlimit: number;
}

/** RFC 9106's second recommended setting: 3 passes over 64 MiB. */
export const DEFAULT_KDF: KdfParams = { opslimit: 3, memlimit: 64 * 1024 * 1024 };

/** The minimum libsodium allows (1 pass, 8 KiB). Tests only: callers pass it explicitly. */
export const TEST_KDF: KdfParams = {
  opslimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
  memlimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
};

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/** Upper bounds accepted from files: 64 passes, 4 GiB − 1 KiB (libsodium's own memory maximum). */
const MAX_OPSLIMIT = 64;
const MAX_MEMLIMIT = Math.min(sodium.crypto_pwhash_MEMLIMIT_MAX, 4 * 1024 * 1024 * 1024 - 1024);

/** True when `p` is within libsodium's bounds and Mizu's upper bounds. */
export function validKdfParams(p: KdfParams): boolean {
  return (
    Number.isSafeInteger(p.opslimit) &&
    Number.isSafeInteger(p.memlimit) &&
    p.opslimit >= sodium.crypto_pwhash_OPSLIMIT_MIN &&
    p.opslimit <= MAX_OPSLIMIT &&
    p.memlimit >= sodium.crypto_pwhash_MEMLIMIT_MIN &&
    p.memlimit <= MAX_MEMLIMIT
  );
}

/** Throws a programming error for parameters a caller passed in code. */
export function requireKdfParams(p: KdfParams): void {
  if (!validKdfParams(p)) {
    throw new RangeError(
      `Argon2id parameters out of range: opslimit ${p.opslimit}, memlimit ${p.memlimit}`,
    );
  }
}

/** A fresh random salt. */
export function randomSalt(): Buffer {
  const salt = Buffer.alloc(SALT_BYTES);
  sodium.randombytes_buf(salt);
  return salt;
}

/** Argon2id(NFC(passphrase) as UTF-8, salt, params) → a 32-byte key; `wipe` it after use. */
export function deriveKey(passphrase: string, salt: Uint8Array, params: KdfParams): Buffer {
  requireKdfParams(params);
  if (salt.length !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes`);
  // NFC, so that the same passphrase typed on systems that compose accents differently matches.
  const passwd = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  const key = Buffer.alloc(KEY_BYTES);
  try {
    sodium.crypto_pwhash(
      key,
      passwd,
      salt,
      params.opslimit,
      params.memlimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
  } catch {
    wipe(key);
    throw new Error('Argon2id key derivation failed (not enough memory for its parameters?)');
  } finally {
    wipe(passwd);
  }
  return key;
}

/** Overwrites a secret buffer with zeros. */
export function wipe(buffer: Uint8Array): void {
  sodium.sodium_memzero(buffer);
}
