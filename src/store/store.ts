/**
 * A profile: one directory with profile.json and mizu.db (encrypted with a
 * key derived from the passphrase). Creating, opening (with migrations),
 * changing the passphrase, closing.
 *
 * Security notes: the passphrase is used once, to derive the key, and not
 * kept. The derived key stays in a libsodium guarded allocation (locked in
 * RAM where the OS allows) while the store is open — the backup needs it, and
 * SQLite holds its own copy anyway — and is zeroed on close. One process per profile: the connection holds SQLite's exclusive
 * lock until close, and the OS drops it when the process dies.
 */

import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { openEncrypted, rekey } from './connection.js';
import { StoreError } from './errors.js';
import { createEmptyPrivateFile, makePrivateDir, writeNewFile } from './files.js';
import { databasePath, profileExists, profilePath } from './home.js';
import {
  DEFAULT_KDF,
  deriveKey,
  type KdfParams,
  randomSalt,
  requireKdfParams,
  wipe,
} from './kdf.js';
import { checkMigrations, type Migration, runMigrations } from './migrations.js';
import { decodeProfileFile, encodeProfileFile, type ProfileFile } from './profileFile.js';
import { sodium } from './sodium.js';

export interface Store {
  readonly home: string;
  /** The open, keyed, migrated connection (WAL, synchronous=FULL, foreign_keys=ON). */
  readonly db: Database.Database;
  /** Runs `fn` in one SQLite transaction (better-sqlite3's db.transaction(fn)()). */
  transaction<T>(fn: () => T): T;
  /** Closes the database and releases the lock; idempotent. */
  close(): void;
}

interface StoreInternals {
  readonly key: Buffer;
  readonly profile: ProfileFile;
}

const internals = new WeakMap<Store, StoreInternals>();

/** The key and profile description of an open store (for backup and rekeying). */
export function storeInternals(store: Store): StoreInternals {
  const found = internals.get(store);
  if (!found) throw new TypeError('not a store opened by src/store');
  if (!store.db.open) throw new TypeError('the store is closed');
  return found;
}

/** Wraps an open, configured connection as a Store; `derivedKey` is moved into guarded memory and wiped. */
export function makeStore(
  home: string,
  db: Database.Database,
  derivedKey: Buffer,
  profile: ProfileFile,
): Store {
  const key = sodium.sodium_malloc(derivedKey.length);
  key.set(derivedKey);
  wipe(derivedKey);
  let closed = false;
  const store: Store = {
    home,
    db,
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (closed) return;
      closed = true;
      try {
        db.close();
      } finally {
        wipe(key);
      }
    },
  };
  internals.set(store, { key, profile });
  return store;
}

/**
 * Makes the profile directory and writes a new profile.json with a fresh
 * salt; 'exists' if another profile got there first.
 */
export function startProfile(home: string, kdf: KdfParams): ProfileFile {
  makePrivateDir(home);
  const profile: ProfileFile = { salt: randomSalt(), kdf };
  try {
    writeNewFile(profilePath(home), encodeProfileFile(profile));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new StoreError('exists', `A profile already exists in ${home}`);
    }
    throw e;
  }
  return profile;
}

/** Creates a new profile in `home` (made 0700) and opens it; 'exists' if one is there. */
export function createProfile(opts: {
  home: string;
  passphrase: string;
  migrations: readonly Migration[];
  kdf?: KdfParams;
}): Store {
  const { home, passphrase, migrations } = opts;
  const kdf = opts.kdf ?? DEFAULT_KDF;
  requireKdfParams(kdf);
  checkMigrations(migrations);
  requirePassphrase(passphrase);
  if (profileExists(home)) {
    throw new StoreError('exists', `A profile already exists in ${home}`);
  }
  const profile = startProfile(home, kdf);
  let key: Buffer | undefined;
  let createdDatabase = false;
  try {
    createEmptyPrivateFile(databasePath(home));
    createdDatabase = true;
    key = deriveKey(passphrase, profile.salt, kdf);
    const store = openKeyed(home, key, profile, migrations, false);
    key = undefined; // owned by the store now
    return store;
  } catch (e) {
    if (key) wipe(key);
    removeProfileFiles(home, createdDatabase);
    throw e;
  }
}

/** Opens the profile in `home` and runs pending migrations. */
export function openProfile(opts: {
  home: string;
  passphrase: string;
  migrations: readonly Migration[];
}): Store {
  const { home, passphrase, migrations } = opts;
  checkMigrations(migrations);
  const profile = readProfile(home);
  const key = deriveKey(passphrase, profile.salt, profile.kdf);
  try {
    return openKeyed(home, key, profile, migrations, true);
  } catch (e) {
    wipe(key);
    throw e;
  }
}

/**
 * Re-encrypts the database under a key from `newPassphrase` (same salt and
 * cost, so profile.json does not change and the switch is one atomic SQLite
 * transaction: after a crash, the old or the new passphrase works).
 */
export function changePassphrase(store: Store, newPassphrase: string): void {
  requirePassphrase(newPassphrase);
  const { key, profile } = storeInternals(store);
  const newKey = deriveKey(newPassphrase, profile.salt, profile.kdf);
  try {
    rekey(store.db, newKey);
    key.set(newKey);
  } finally {
    wipe(newKey);
  }
}

/** Reads and checks profile.json; 'no-profile' if there is none. */
export function readProfile(home: string): ProfileFile {
  const file = profilePath(home);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (existsSync(databasePath(home))) {
      throw new StoreError(
        'corrupt',
        `${file} is missing: the database in ${home} cannot be unlocked without it`,
      );
    }
    throw new StoreError('no-profile', `No Mizu profile in ${home}`);
  }
  return decodeProfileFile(text, file);
}

/** Opens mizu.db in `home` with `key` and migrates it; on failure the caller still owns `key`. */
export function openKeyed(
  home: string,
  key: Buffer,
  profile: ProfileFile,
  migrations: readonly Migration[],
  mustExist: boolean,
): Store {
  const file = databasePath(home);
  if (mustExist) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new StoreError('corrupt', `The profile in ${home} has no database file (${file})`);
    }
    if (size === 0) throw new StoreError('corrupt', `The database file ${file} is empty`);
  }
  const db = openEncrypted(file, key, home, { mustExist });
  try {
    runMigrations(db, migrations, home);
  } catch (e) {
    db.close();
    throw e;
  }
  return makeStore(home, db, key, profile);
}

function requirePassphrase(passphrase: string): void {
  if (passphrase.length === 0) {
    throw new StoreError('empty-passphrase', 'The passphrase must not be empty');
  }
}

/** Removes profile.json and, if `database`, mizu.db and its companions (after a failed creation). */
export function removeProfileFiles(home: string, database: boolean): void {
  if (database) {
    const db = databasePath(home);
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) rmSync(f, { force: true });
  }
  rmSync(profilePath(home), { force: true });
}
