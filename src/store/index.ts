/**
 * The encrypted profile store: one directory per profile, one SQLCipher
 * database in it keyed from the passphrase with Argon2id, versioned
 * migrations supplied by the engine, one process at a time, encrypted
 * backups. docs/store.md describes the files and formats.
 */

export { exportBackup, importBackup } from './backup.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export { profileExists, resolveHome } from './home.js';
export { DEFAULT_KDF, type KdfParams, TEST_KDF } from './kdf.js';
export type { Migration } from './migrations.js';
export { type PassphraseSource, readPassphrase } from './passphrase.js';
export { changePassphrase, createProfile, openProfile, type Store } from './store.js';
