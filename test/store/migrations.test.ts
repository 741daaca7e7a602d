/**
 * Schema migrations through the store: an old database opens after an
 * upgrade with its data, a newer one is refused, a failing migration changes
 * nothing, and a malformed list is a programming error.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createProfile,
  type Migration,
  openProfile,
  profileExists,
  StoreError,
  TEST_KDF,
} from '../../src/store/index.js';
import { PASSPHRASE, tempDir, V1, V2 } from './storeFixtures.js';

function isStoreError(code: string) {
  return (e: unknown) => e instanceof StoreError && e.code === code;
}

test('a v1 database opens with [v1, v2]: data kept, v2 applied', (t) => {
  const home = join(tempDir(t), 'p');
  const old = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  old.db.prepare('INSERT INTO notes (body) VALUES (?)').run('from v1');
  old.close();
  const store = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1, V2] });
  t.after(() => store.close());
  assert.equal(store.db.pragma('user_version', { simple: true }), 2);
  assert.deepEqual(store.db.prepare('SELECT body, at FROM notes').all(), [
    { body: 'from v1', at: 0 },
  ]);
  const index = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'notes_at'")
    .pluck()
    .get();
  assert.equal(index, 'notes_at');
});

test('a database newer than the code is refused (too-new), and stays usable by newer code', (t) => {
  const home = join(tempDir(t), 'p');
  createProfile({ home, passphrase: PASSPHRASE, migrations: [V1, V2], kdf: TEST_KDF }).close();
  assert.throws(
    () => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }),
    (e: unknown) => isStoreError('too-new')(e) && /schema version 2/.test((e as Error).message),
  );
  // The refusal released the lock and changed nothing.
  const store = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1, V2] });
  assert.equal(store.db.pragma('user_version', { simple: true }), 2);
  store.close();
});

test('pending migrations run in one transaction: a failure in v3 undoes v2 too', (t) => {
  const home = join(tempDir(t), 'p');
  const old = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  old.db.prepare('INSERT INTO notes (body) VALUES (?)').run('safe');
  old.close();
  const failing: Migration = {
    version: 3,
    description: 'fails halfway',
    up: (db) => {
      db.exec('CREATE TABLE half (x)');
      throw new Error('migration bug');
    },
  };
  assert.throws(
    () => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1, V2, failing] }),
    /migration bug/,
  );
  const store = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  t.after(() => store.close());
  assert.equal(store.db.pragma('user_version', { simple: true }), 1);
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  assert.deepEqual(tables, ['notes', 'secrets']);
  assert.deepEqual(store.db.prepare('SELECT * FROM notes').all(), [{ id: 1, body: 'safe' }]);
});

test('a profile whose first migration fails is not left behind', (t) => {
  const home = join(tempDir(t), 'p');
  const broken: Migration = {
    version: 1,
    description: 'broken',
    up: () => {
      throw new Error('broken schema');
    },
  };
  assert.throws(
    () => createProfile({ home, passphrase: PASSPHRASE, migrations: [broken], kdf: TEST_KDF }),
    /broken schema/,
  );
  assert.equal(profileExists(home), false);
  createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF }).close();
});

test('a migration list must be numbered 1, 2, 3, …', (t) => {
  const home = join(tempDir(t), 'p');
  for (const list of [[V2], [V1, V1], [V2, V1], [{ ...V1, version: 0 }]]) {
    assert.throws(
      () => createProfile({ home, passphrase: PASSPHRASE, migrations: list, kdf: TEST_KDF }),
      RangeError,
    );
  }
  assert.equal(profileExists(home), false);
});
