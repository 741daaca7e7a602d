/**
 * Opening one encrypted SQLite connection (better-sqlite3-multiple-ciphers,
 * SQLite3MultipleCiphers' "sqlcipher" cipher with legacy=4, i.e. SQLCipher 4:
 * AES-256-CBC per 4096-byte page, HMAC-SHA512 per page, random per-file salt
 * in the first 16 bytes) under a raw 32-byte key, then configuring it.
 *
 * Order matters: the cipher pragmas come first, then the key, then
 * locking_mode=EXCLUSIVE before the first read (so that in WAL mode SQLite
 * never creates a shared-memory index and takes an exclusive file lock when
 * it opens the WAL), then the first read, which is where a wrong key shows
 * ("file is not a database") and where a profile held by another process
 * shows (SQLITE_BUSY).
 *
 * Security notes: the key reaches SQLite as the bytes of the literal
 * x'<64 hex digits>' built in a Buffer (never a JS string) and zeroed right
 * after. temp_store=MEMORY keeps temporary tables and indices off disk;
 * secure_delete=ON zeroes deleted content inside the (encrypted) pages.
 */

import Database from 'better-sqlite3-multiple-ciphers';
import { StoreError, sqliteCode } from './errors.js';
import { KEY_BYTES, wipe } from './kdf.js';
import { PROFILE_CIPHER, PROFILE_CIPHER_LEGACY } from './profileFile.js';

/**
 * Opens `file` with `key`, configured for the store (WAL, synchronous=FULL,
 * foreign_keys=ON, exclusive lock held until close). `where` names the
 * profile in error messages. Throws StoreError 'wrong-passphrase' or 'locked'.
 */
export function openEncrypted(
  file: string,
  key: Uint8Array,
  where: string,
  opts: { mustExist: boolean },
): Database.Database {
  const db = new Database(file, { timeout: 0, fileMustExist: opts.mustExist });
  try {
    applyKey(db, key);
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch to WAL (got ${String(mode)})`);
    configure(db);
    // Take the write lock now and keep it: nobody else opens this profile until close.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    return db;
  } catch (e) {
    db.close();
    throw translateOpenError(e, where);
  }
}

/** Opens `file` with `key` in rollback-journal mode, for one-off work (snapshots, rekeying). */
export function openEncryptedPlainJournal(
  file: string,
  key: Uint8Array,
  where: string,
): Database.Database {
  const db = new Database(file, { timeout: 0, fileMustExist: true });
  try {
    applyKey(db, key);
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    configure(db);
    return db;
  } catch (e) {
    db.close();
    throw translateOpenError(e, where);
  }
}

/**
 * Re-encrypts the whole database under `newKey` (SQLite3MultipleCiphers
 * cannot rekey in WAL mode, so the journal goes to DELETE and back). Atomic:
 * SQLite's rollback journal covers the rewrite.
 */
export function rekey(db: Database.Database, newKey: Uint8Array): void {
  const wasWal = db.pragma('journal_mode', { simple: true }) === 'wal';
  if (wasWal) db.pragma('journal_mode = DELETE');
  const literal = rawKeyLiteral(newKey);
  try {
    db.rekey(literal);
  } finally {
    wipe(literal);
    if (wasWal) db.pragma('journal_mode = WAL');
  }
}

function applyKey(db: Database.Database, key: Uint8Array): void {
  db.pragma(`cipher = '${PROFILE_CIPHER}'`);
  db.pragma(`legacy = ${PROFILE_CIPHER_LEGACY}`);
  const literal = rawKeyLiteral(key);
  try {
    db.key(literal);
  } finally {
    wipe(literal);
  }
}

function configure(db: Database.Database): void {
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('secure_delete = ON');
}

/** The bytes of x'<hex>' for a 32-byte key, which SQLite3MultipleCiphers takes as a raw key (no KDF). */
export function rawKeyLiteral(key: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError(`a database key is ${KEY_BYTES} bytes`);
  const hex = '0123456789abcdef';
  const out = Buffer.alloc(3 + 2 * KEY_BYTES);
  out[0] = 0x78; // x
  out[1] = 0x27; // '
  for (let i = 0; i < KEY_BYTES; i++) {
    out[2 + 2 * i] = hex.charCodeAt(key[i]! >> 4);
    out[3 + 2 * i] = hex.charCodeAt(key[i]! & 15);
  }
  out[out.length - 1] = 0x27;
  return out;
}

/** A StoreError for the SQLite errors that have a meaning here; anything else unchanged. */
export function translateOpenError(e: unknown, where: string): unknown {
  if (e instanceof StoreError) return e;
  switch (sqliteCode(e)) {
    case 'SQLITE_NOTADB':
      return new StoreError(
        'wrong-passphrase',
        `Wrong passphrase for the profile in ${where} (or its database file is damaged)`,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError(
        'locked',
        `The profile in ${where} is open in another Mizu process; close it first`,
      );
    case 'SQLITE_CORRUPT':
      return new StoreError('corrupt', `The database of the profile in ${where} is damaged`);
    default:
      return e;
  }
}
