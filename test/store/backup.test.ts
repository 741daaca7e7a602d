/**
 * Encrypted backups: a round trip into a new profile under a new passphrase,
 * the file's header and mode, and refusal of a wrong backup passphrase, of
 * any flipped byte, of truncated or extended files, and of an existing profile.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BACKUP_HEADER_BYTES } from '../../src/store/backupFormat.js';
import {
  createProfile,
  exportBackup,
  importBackup,
  openProfile,
  profileExists,
  StoreError,
  TEST_KDF,
} from '../../src/store/index.js';
import { SOAK } from '../helpers/fixtures.js';
import { PASSPHRASE, tempDir, V1, V2 } from './storeFixtures.js';

const BACKUP_PASSPHRASE = 'the backup passphrase';

function isBadBackup(e: unknown): boolean {
  return (
    e instanceof StoreError &&
    e.code === 'bad-backup' &&
    !e.message.includes(BACKUP_PASSPHRASE) &&
    !e.message.includes(PASSPHRASE)
  );
}

/** A profile with a few rows and its backup; returns the directory, the backup path and bytes. */
function backedUpProfile(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const home = join(dir, 'source');
  const store = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  const insert = store.db.prepare('INSERT INTO notes (body) VALUES (?)');
  store.transaction(() => {
    for (let i = 0; i < 50; i++) insert.run(`note ${i} ${'x'.repeat(i * 10)}`);
  });
  store.db.prepare('INSERT INTO secrets VALUES (?, ?)').run('k', 'v');
  const file = join(dir, 'backup.mizu');
  exportBackup(store, file, BACKUP_PASSPHRASE, { kdf: TEST_KDF });
  store.close();
  return { dir, home, file, bytes: readFileSync(file) };
}

function tryImport(dir: string, file: string, backupPassphrase = BACKUP_PASSPHRASE, name = 'x') {
  const home = join(dir, name);
  return importBackup({
    file,
    backupPassphrase,
    home,
    passphrase: 'new passphrase',
    migrations: [V1],
    kdf: TEST_KDF,
  });
}

test('round trip: the whole profile comes back under a new passphrase, and migrates', (t) => {
  const { dir, home, file, bytes } = backedUpProfile(t);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(bytes.subarray(0, 10), Buffer.from('MIZUBKUP\x01\x02', 'latin1'));
  // No temporary snapshot left in the source profile.
  assert.deepEqual(readdirSync(home).sort(), ['mizu.db', 'profile.json']);

  const target = join(dir, 'restored');
  const store = importBackup({
    file,
    backupPassphrase: BACKUP_PASSPHRASE,
    home: target,
    passphrase: 'new passphrase',
    migrations: [V1, V2],
    kdf: TEST_KDF,
  });
  assert.equal(store.db.pragma('user_version', { simple: true }), 2);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.prepare('SELECT count(*) FROM notes').pluck().get(), 50);
  assert.equal(
    store.db.prepare('SELECT body FROM notes WHERE id = 50').pluck().get(),
    `note 49 ${'x'.repeat(490)}`,
  );
  assert.equal(store.db.prepare("SELECT value FROM secrets WHERE name = 'k'").pluck().get(), 'v');
  store.close();
  assert.equal(statSync(target).mode & 0o777, 0o700);
  assert.equal(statSync(join(target, 'mizu.db')).mode & 0o777, 0o600);

  // Re-encrypted: a fresh salt and key, so the source's passphrase does not open it.
  const salt = (h: string) => JSON.parse(readFileSync(join(h, 'profile.json'), 'utf8')).kdf.salt;
  assert.notEqual(salt(target), salt(home));
  for (const wrong of [PASSPHRASE, BACKUP_PASSPHRASE]) {
    assert.throws(
      () => openProfile({ home: target, passphrase: wrong, migrations: [V1, V2] }),
      (e: unknown) => e instanceof StoreError && e.code === 'wrong-passphrase',
    );
  }
  openProfile({ home: target, passphrase: 'new passphrase', migrations: [V1, V2] }).close();
});

test('the source store stays usable after an export, and a later export sees later writes', (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'source');
  const store = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  t.after(() => store.close());
  const file = join(dir, 'b');
  exportBackup(store, file, BACKUP_PASSPHRASE, { kdf: TEST_KDF });
  store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('later');
  exportBackup(store, file, BACKUP_PASSPHRASE, { kdf: TEST_KDF });
  const restored = tryImport(dir, file);
  t.after(() => restored.close());
  assert.deepEqual(restored.db.prepare('SELECT body FROM notes').pluck().all(), ['later']);
});

test('a wrong backup passphrase is refused and creates nothing', (t) => {
  const { dir, file } = backedUpProfile(t);
  assert.throws(() => tryImport(dir, file, 'wrong backup passphrase'), isBadBackup);
  assert.equal(profileExists(join(dir, 'x')), false);
});

test('any flipped byte is refused', (t) => {
  const { dir, bytes } = backedUpProfile(t);
  const positions = new Set<number>();
  // Every header byte (bit 0 only: higher bits of the cost fields could ask for gigabytes legitimately).
  for (let i = 0; i < BACKUP_HEADER_BYTES; i++) positions.add(i);
  const step = SOAK ? 1 : Math.floor((bytes.length - BACKUP_HEADER_BYTES) / 40);
  for (let i = BACKUP_HEADER_BYTES; i < bytes.length; i += step) positions.add(i);
  positions.add(bytes.length - 1);
  const tampered = join(dir, 'tampered');
  for (const i of positions) {
    const copy = Buffer.from(bytes);
    copy[i]! ^= i < BACKUP_HEADER_BYTES ? 0x01 : 0x80;
    writeFileSync(tampered, copy);
    assert.throws(
      () => tryImport(dir, tampered),
      (e: unknown) => isBadBackup(e) || assert.fail(`byte ${i}: ${String(e)}`),
    );
  }
  assert.equal(profileExists(join(dir, 'x')), false);
  t.diagnostic(`${positions.size} positions of ${bytes.length} bytes`);
});

test('truncated, extended and foreign files are refused', (t) => {
  const { dir, bytes } = backedUpProfile(t);
  const f = join(dir, 'variant');
  const variants: [string, Buffer][] = [
    ['one byte short', bytes.subarray(0, bytes.length - 1)],
    ['header only', bytes.subarray(0, BACKUP_HEADER_BYTES)],
    ['ten bytes', bytes.subarray(0, 10)],
    ['empty', Buffer.alloc(0)],
    ['one byte more', Buffer.concat([bytes, Buffer.from([0])])],
    ['a SQLite file', Buffer.from('SQLite format 3\0'.padEnd(100, '\0'), 'latin1')],
  ];
  for (const [why, content] of variants) {
    writeFileSync(f, content);
    assert.throws(() => tryImport(dir, f), isBadBackup, why);
  }
  assert.throws(() => tryImport(dir, join(dir, 'no such file')), isBadBackup);
  assert.equal(profileExists(join(dir, 'x')), false);
});

test('importing over an existing profile is refused and leaves it intact', (t) => {
  const { dir, home, file } = backedUpProfile(t);
  const before = readFileSync(join(home, 'mizu.db'));
  assert.throws(
    () =>
      importBackup({
        file,
        backupPassphrase: BACKUP_PASSPHRASE,
        home,
        passphrase: 'other',
        migrations: [V1],
        kdf: TEST_KDF,
      }),
    (e: unknown) => e instanceof StoreError && e.code === 'exists',
  );
  assert.deepEqual(readFileSync(join(home, 'mizu.db')), before);
  openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }).close();
  // The same backup still imports elsewhere.
  tryImport(dir, file).close();
});
