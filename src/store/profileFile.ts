/**
 * profile.json: the plaintext, non-secret description of a profile that is
 * needed before the database can be unlocked — format version, cipher, and
 * the Argon2id salt and cost. Nothing else goes in it.
 *
 * Security notes: this file is public to anyone who can read the directory;
 * the salt only stops precomputed guessing across profiles. Parsing checks
 * every field (types, salt length, bounded KDF cost) and reports 'corrupt'.
 */

import { StoreError } from './errors.js';
import { type KdfParams, SALT_BYTES, validKdfParams } from './kdf.js';

export const PROFILE_FORMAT = 'mizu-profile';
export const PROFILE_VERSION = 1;
/** The cipher of mizu.db, as SQLite3MultipleCiphers names it; legacy=4 means SQLCipher 4's settings. */
export const PROFILE_CIPHER = 'sqlcipher';
export const PROFILE_CIPHER_LEGACY = 4;

export interface ProfileFile {
  readonly salt: Buffer;
  readonly kdf: KdfParams;
}

/** profile.json's text for `p` (stable key order, trailing newline). */
export function encodeProfileFile(p: ProfileFile): string {
  const doc = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    cipher: { name: PROFILE_CIPHER, legacy: PROFILE_CIPHER_LEGACY },
    kdf: {
      algorithm: 'argon2id13',
      opslimit: p.kdf.opslimit,
      memlimit: p.kdf.memlimit,
      salt: p.salt.toString('hex'),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parses profile.json's text; 'corrupt' (naming `where`) on anything unexpected. */
export function decodeProfileFile(text: string, where: string): ProfileFile {
  const fail = (why: string): never => {
    throw new StoreError('corrupt', `${where} is not a valid Mizu profile file: ${why}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (!isRecord(doc) || doc.format !== PROFILE_FORMAT) return fail('unknown format');
  if (doc.version !== PROFILE_VERSION) {
    if (typeof doc.version === 'number' && doc.version > PROFILE_VERSION) {
      throw new StoreError(
        'too-new',
        `${where} has format version ${doc.version}; this Mizu knows up to ${PROFILE_VERSION}`,
      );
    }
    return fail('unknown version');
  }
  const cipher = doc.cipher;
  if (
    !isRecord(cipher) ||
    cipher.name !== PROFILE_CIPHER ||
    cipher.legacy !== PROFILE_CIPHER_LEGACY
  ) {
    return fail('unknown cipher');
  }
  const kdf = doc.kdf;
  if (!isRecord(kdf) || kdf.algorithm !== 'argon2id13') return fail('unknown key derivation');
  const { opslimit, memlimit, salt } = kdf;
  if (typeof opslimit !== 'number' || typeof memlimit !== 'number') return fail('bad KDF cost');
  const params = { opslimit, memlimit };
  if (!validKdfParams(params)) return fail('KDF cost out of range');
  if (typeof salt !== 'string' || !new RegExp(`^[0-9a-f]{${SALT_BYTES * 2}}$`).test(salt)) {
    return fail('bad salt');
  }
  return { salt: Buffer.from(salt, 'hex'), kdf: params };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
