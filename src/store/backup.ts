/**
 * Encrypted backup of a whole profile, and its import into a new profile.
 *
 * Export: a consistent snapshot of the database (VACUUM INTO a temporary file
 * in the profile directory, which SQLite3MultipleCiphers encrypts under the
 * profile's own key), sealed with XChaCha20-Poly1305 under an Argon2id key
 * from the backup passphrase, together with that database key (format in
 * backupFormat.ts and docs/store.md).
 * Import: open the seal, write the snapshot as the new mizu.db (still
 * ciphertext), re-encrypt it under a key from the new profile's passphrase
 * and a fresh salt, then open it as usual (migrations included).
 *
 * Security notes: no plaintext page is ever written to disk (the snapshot
 * and the imported file are SQLCipher ciphertext throughout). The buffers
 * holding the database key are zeroed after use. A wrong backup passphrase
 * and a modified or truncated file give the same 'bad-backup' error.
 */

import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BACKUP_NONCE_BYTES,
  BACKUP_TAG_BYTES,
  decodeBackupHeader,
  decodePayload,
  encodeBackupHeader,
  encodePayload,
  MAX_BACKUP_BYTES,
} from './backupFormat.js';
import { openEncryptedPlainJournal, rekey } from './connection.js';
import { StoreError } from './errors.js';
import { createEmptyPrivateFile, randomSuffix, replaceFile, writeNewFile } from './files.js';
import { databasePath, profileExists } from './home.js';
import {
  DEFAULT_KDF,
  deriveKey,
  type KdfParams,
  randomSalt,
  requireKdfParams,
  wipe,
} from './kdf.js';
import { checkMigrations, type Migration } from './migrations.js';
import { sodium } from './sodium.js';
import {
  openKeyed,
  removeProfileFiles,
  type Store,
  startProfile,
  storeInternals,
} from './store.js';

/**
 * Writes an encrypted backup of the whole profile to `file` (replaced
 * atomically, mode 0600). Not inside a transaction. `opts.kdf`: the backup
 * key's Argon2id cost (DEFAULT_KDF unless given).
 */
export function exportBackup(
  store: Store,
  file: string,
  backupPassphrase: string,
  opts: { kdf?: KdfParams } = {},
): void {
  const kdf = opts.kdf ?? DEFAULT_KDF;
  requireKdfParams(kdf);
  if (backupPassphrase.length === 0) {
    throw new StoreError('empty-passphrase', 'The backup passphrase must not be empty');
  }
  const { key } = storeInternals(store);
  const database = snapshot(store);
  const payload = encodePayload({ databaseKey: key, database });
  const salt = randomSalt();
  const nonce = Buffer.alloc(BACKUP_NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  const ciphertextLength = payload.length + BACKUP_TAG_BYTES;
  const header = encodeBackupHeader({ kdf, salt, nonce, ciphertextLength });
  const out = Buffer.alloc(header.length + ciphertextLength);
  header.copy(out, 0);
  const backupKey = deriveKey(backupPassphrase, salt, kdf);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.subarray(header.length),
      payload,
      header,
      null,
      nonce,
      backupKey,
    );
  } finally {
    wipe(backupKey);
    wipe(payload);
  }
  replaceFile(file, out);
}

/**
 * Creates a new profile in `home` from a backup, under `passphrase`;
 * 'bad-backup' for a wrong backup passphrase or a damaged file, 'exists' if
 * `home` already holds a profile.
 */
export function importBackup(opts: {
  file: string;
  backupPassphrase: string;
  home: string;
  passphrase: string;
  migrations: readonly Migration[];
  kdf?: KdfParams;
}): Store {
  const { file, backupPassphrase, home, passphrase, migrations } = opts;
  const kdf = opts.kdf ?? DEFAULT_KDF;
  requireKdfParams(kdf);
  checkMigrations(migrations);
  if (passphrase.length === 0) {
    throw new StoreError('empty-passphrase', 'The passphrase must not be empty');
  }
  if (profileExists(home)) throw new StoreError('exists', `A profile already exists in ${home}`);
  const payload = openBackup(file, backupPassphrase);
  try {
    const { databaseKey, database } = decodePayload(payload);
    return installProfile(home, databaseKey, database, passphrase, kdf, migrations);
  } finally {
    wipe(payload);
  }
}

/** Reads, checks and decrypts a backup file; returns the payload (wipe it after use). */
function openBackup(file: string, backupPassphrase: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new StoreError('bad-backup', `Cannot read the backup file ${file}`);
  }
  if (size > MAX_BACKUP_BYTES) throw new StoreError('bad-backup', `${file} is too large`);
  const bytes = readFileSync(file);
  const header = decodeBackupHeader(bytes);
  const headerBytes = bytes.subarray(0, bytes.length - header.ciphertextLength);
  const ciphertext = bytes.subarray(headerBytes.length);
  const payload = Buffer.alloc(header.ciphertextLength - BACKUP_TAG_BYTES);
  const backupKey = deriveKey(backupPassphrase, header.salt, header.kdf);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      payload,
      null,
      ciphertext,
      headerBytes,
      header.nonce,
      backupKey,
    );
  } catch {
    throw new StoreError(
      'bad-backup',
      `Cannot open the backup ${file}: wrong backup passphrase, or the file was modified`,
    );
  } finally {
    wipe(backupKey);
  }
  return payload;
}

/** Writes profile.json and the snapshot into `home`, re-encrypts it under the new passphrase, opens it. */
function installProfile(
  home: string,
  oldKey: Uint8Array,
  database: Uint8Array,
  passphrase: string,
  kdf: KdfParams,
  migrations: readonly Migration[],
): Store {
  const profile = startProfile(home, kdf);
  let newKey: Buffer | undefined;
  let wroteDatabase = false;
  try {
    writeNewFile(databasePath(home), database);
    wroteDatabase = true;
    newKey = deriveKey(passphrase, profile.salt, kdf);
    let db: ReturnType<typeof openEncryptedPlainJournal>;
    try {
      db = openEncryptedPlainJournal(databasePath(home), oldKey, home);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'wrong-passphrase') {
        throw new StoreError('bad-backup', 'The database inside the backup does not open');
      }
      throw e;
    }
    try {
      rekey(db, newKey);
    } finally {
      db.close();
    }
    const store = openKeyed(home, newKey, profile, migrations, true);
    newKey = undefined; // owned by the store now
    return store;
  } catch (e) {
    if (newKey) wipe(newKey);
    removeProfileFiles(home, wroteDatabase);
    throw e;
  }
}

/** A consistent copy of the database file, encrypted under the profile's key. */
function snapshot(store: Store): Buffer {
  const tmp = join(store.home, `.snapshot-${randomSuffix()}.db`);
  createEmptyPrivateFile(tmp);
  try {
    store.db.prepare('VACUUM INTO ?').run(tmp);
    return readFileSync(tmp);
  } finally {
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`]) rmSync(f, { force: true });
  }
}
