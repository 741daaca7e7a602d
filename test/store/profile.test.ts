/**
 * Profiles: creation (layout, modes, encrypted header, profile.json contents),
 * reopening, wrong passphrase, missing or damaged profiles, connection
 * settings, transactions, passphrase change, and where the home directory is.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  changePassphrase,
  createProfile,
  DEFAULT_KDF,
  openProfile,
  profileExists,
  resolveHome,
  StoreError,
  TEST_KDF,
} from '../../src/store/index.js';
import { PASSPHRASE, tempDir, V1 } from './storeFixtures.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function isStoreError(code: string) {
  return (e: unknown) => e instanceof StoreError && e.code === code;
}

function newProfile(t: { after: (fn: () => void) => void }) {
  const home = join(tempDir(t), 'profile');
  const store = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  t.after(() => store.close());
  return { home, store };
}

test('a new profile: private directory and files, encrypted header, profile.json with only public fields', (t) => {
  const { home, store } = newProfile(t);
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('hello');
  assert.equal(profileExists(home), true);
  assert.deepEqual(readdirSync(home).sort(), ['mizu.db', 'mizu.db-wal', 'profile.json']);
  assert.equal(statSync(home).mode & 0o777, 0o700);
  for (const f of ['mizu.db', 'mizu.db-wal', 'profile.json']) {
    assert.equal(statSync(join(home, f)).mode & 0o777, 0o600, f);
  }
  const header = readFileSync(join(home, 'mizu.db')).subarray(0, 16);
  assert.equal(header.length, 16);
  assert.notDeepEqual(header, SQLITE_HEADER);
  const doc = JSON.parse(readFileSync(join(home, 'profile.json'), 'utf8'));
  assert.deepEqual(Object.keys(doc).sort(), ['cipher', 'format', 'kdf', 'version']);
  assert.deepEqual(doc.cipher, { name: 'sqlcipher', legacy: 4 });
  assert.deepEqual(Object.keys(doc.kdf).sort(), ['algorithm', 'memlimit', 'opslimit', 'salt']);
  assert.equal(doc.kdf.opslimit, TEST_KDF.opslimit);
  assert.equal(doc.kdf.memlimit, TEST_KDF.memlimit);
  assert.match(doc.kdf.salt, /^[0-9a-f]{32}$/);
});

test('without an explicit cost, a profile uses DEFAULT_KDF', (t) => {
  const home = join(tempDir(t), 'p');
  createProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }).close();
  const doc = JSON.parse(readFileSync(join(home, 'profile.json'), 'utf8'));
  assert.deepEqual(
    { opslimit: doc.kdf.opslimit, memlimit: doc.kdf.memlimit },
    { opslimit: DEFAULT_KDF.opslimit, memlimit: DEFAULT_KDF.memlimit },
  );
  assert.deepEqual(DEFAULT_KDF, { opslimit: 3, memlimit: 64 * 1024 * 1024 });
});

test('two profiles get different salts and different database headers', (t) => {
  const a = newProfile(t);
  const b = newProfile(t);
  const salt = (home: string) =>
    JSON.parse(readFileSync(join(home, 'profile.json'), 'utf8')).kdf.salt;
  assert.notEqual(salt(a.home), salt(b.home));
  const head = (home: string) => readFileSync(join(home, 'mizu.db')).subarray(0, 16);
  assert.notDeepEqual(head(a.home), head(b.home));
});

test('the connection is WAL, synchronous=FULL, foreign keys on, schema migrated', (t) => {
  const { store } = newProfile(t);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 2);
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(store.db.pragma('user_version', { simple: true }), 1);
  store.db.exec(
    'CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p REFERENCES parent(id))',
  );
  assert.throws(() => store.db.prepare('INSERT INTO child VALUES (42)').run(), /FOREIGN KEY/);
});

test('reopening with the passphrase finds the data; a wrong passphrase is a clear error', (t) => {
  const { home, store } = newProfile(t);
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('kept');
  store.close();
  const wrong = 'not the passphrase';
  assert.throws(
    () => openProfile({ home, passphrase: wrong, migrations: [V1] }),
    (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.equal(e.code, 'wrong-passphrase');
      assert.match(e.message, /^Wrong passphrase for the profile in /);
      assert.ok(!e.message.includes(wrong) && !e.message.includes(PASSPHRASE));
      return true;
    },
  );
  const again = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  t.after(() => again.close());
  assert.deepEqual(again.db.prepare('SELECT body FROM notes').pluck().all(), ['kept']);
});

test('creating over an existing profile is refused and leaves it intact', (t) => {
  const { home, store } = newProfile(t);
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('mine');
  const before = readFileSync(join(home, 'profile.json'));
  assert.throws(
    () => createProfile({ home, passphrase: 'other', migrations: [V1], kdf: TEST_KDF }),
    isStoreError('exists'),
  );
  assert.deepEqual(readFileSync(join(home, 'profile.json')), before);
  assert.deepEqual(store.db.prepare('SELECT body FROM notes').pluck().all(), ['mine']);
});

test('missing and damaged profiles', (t) => {
  const dir = tempDir(t);
  assert.equal(profileExists(join(dir, 'nothing')), false);
  assert.throws(
    () => openProfile({ home: join(dir, 'nothing'), passphrase: PASSPHRASE, migrations: [V1] }),
    isStoreError('no-profile'),
  );
  const { home, store } = newProfile(t);
  store.close();
  const profileJson = join(home, 'profile.json');
  const original = readFileSync(profileJson, 'utf8');
  const open = () => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  const doc = JSON.parse(original);
  const variants: [string, string][] = [
    ['not JSON', '{'],
    ['salt too short', JSON.stringify({ ...doc, kdf: { ...doc.kdf, salt: 'abcd' } })],
    ['memory cost too high', JSON.stringify({ ...doc, kdf: { ...doc.kdf, memlimit: 2 ** 40 } })],
    ['other cipher', JSON.stringify({ ...doc, cipher: { name: 'chacha20', legacy: 0 } })],
    ['other format', JSON.stringify({ ...doc, format: 'x' })],
  ];
  for (const [why, text] of variants) {
    writeFileSync(profileJson, text);
    assert.throws(open, isStoreError('corrupt'), why);
  }
  writeFileSync(profileJson, JSON.stringify({ ...doc, version: 2 }));
  assert.throws(open, isStoreError('too-new'));
  rmSync(profileJson);
  assert.throws(open, isStoreError('corrupt'), 'database without profile.json');
  assert.equal(profileExists(home), true);
  writeFileSync(profileJson, original);
  open().close();
});

test('empty passphrases are refused', (t) => {
  const home = join(tempDir(t), 'p');
  assert.throws(
    () => createProfile({ home, passphrase: '', migrations: [V1], kdf: TEST_KDF }),
    isStoreError('empty-passphrase'),
  );
  assert.equal(profileExists(home), false);
});

test('transaction() commits, or rolls back everything when its function throws', (t) => {
  const { store } = newProfile(t);
  const count = () => store.db.prepare('SELECT count(*) FROM notes').pluck().get();
  const result = store.transaction(() => {
    store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('a');
    return 'done';
  });
  assert.equal(result, 'done');
  assert.throws(() =>
    store.transaction(() => {
      store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('b');
      throw new Error('abort');
    }),
  );
  assert.equal(count(), 1);
});

test('close() is idempotent and closes the connection', (t) => {
  const { store } = newProfile(t);
  store.close();
  store.close();
  assert.equal(store.db.open, false);
});

test('changePassphrase: the new one opens the data, the old one no longer does, profile.json unchanged', (t) => {
  const { home, store } = newProfile(t);
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('survives');
  const profileBefore = readFileSync(join(home, 'profile.json'));
  changePassphrase(store, 'a new passphrase');
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('after');
  store.close();
  assert.deepEqual(readFileSync(join(home, 'profile.json')), profileBefore);
  assert.throws(
    () => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }),
    isStoreError('wrong-passphrase'),
  );
  const again = openProfile({ home, passphrase: 'a new passphrase', migrations: [V1] });
  t.after(() => again.close());
  assert.deepEqual(again.db.prepare('SELECT body FROM notes ORDER BY id').pluck().all(), [
    'survives',
    'after',
  ]);
});

test('resolveHome: --home, then MIZU_HOME, then $XDG_DATA_HOME/mizu, then ~/.local/share/mizu', () => {
  const env = { HOME: '/home/u', XDG_DATA_HOME: '/xdg', MIZU_HOME: '/mizu-home' };
  assert.equal(resolveHome({ home: '/given', env }), '/given');
  assert.equal(resolveHome({ env }), '/mizu-home');
  assert.equal(resolveHome({ env: { HOME: '/home/u', XDG_DATA_HOME: '/xdg' } }), '/xdg/mizu');
  assert.equal(resolveHome({ env: { HOME: '/home/u' } }), '/home/u/.local/share/mizu');
  assert.equal(
    resolveHome({ env: { HOME: '/home/u', XDG_DATA_HOME: 'relative' } }),
    '/home/u/.local/share/mizu',
  );
  assert.equal(resolveHome({ home: 'rel', env }), join(process.cwd(), 'rel'));
});
