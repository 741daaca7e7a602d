/**
 * Nothing readable on disk: after writing a known message and a Tezos secret
 * key through the store, the database file, its WAL (copied while the store
 * is open, before and after a checkpoint, and after close), the backup file
 * and profile.json contain neither of them nor the passphrase, as UTF-8,
 * UTF-16, hex or raw key bytes. A positive control shows the same search
 * finds them in the decrypted database image.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { b58DecodeAndCheckPrefix, PrefixV2 } from '@taquito/utils';
import { createProfile, exportBackup, TEST_KDF } from '../../src/store/index.js';
import { testSecretKey } from '../helpers/fixtures.js';
import { tempDir, V1 } from './storeFixtures.js';

const PLAINTEXT = 'Meet me at the old lighthouse at 6, bring the blue notebook';
const PASSPHRASE = 'sodium-lighthouse-passphrase-7341';
const SECRET_KEY = testSecretKey('store no-plaintext test');

/** Every encoding of a secret we search for. */
function needles(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [name, text] of [
    ['plaintext', PLAINTEXT],
    ['passphrase', PASSPHRASE],
    ['secret key', SECRET_KEY],
  ] as const) {
    const utf8 = Buffer.from(text, 'utf8');
    out.set(`${name} (UTF-8)`, utf8);
    out.set(`${name} (UTF-16LE)`, Buffer.from(text, 'utf16le'));
    out.set(`${name} (hex)`, Buffer.from(utf8.toString('hex'), 'latin1'));
    out.set(`${name} (HEX)`, Buffer.from(utf8.toString('hex').toUpperCase(), 'latin1'));
    // A 16-byte prefix catches a partial copy of the text.
    out.set(`${name} (first 16 bytes)`, utf8.subarray(0, 16));
  }
  const [seed] = b58DecodeAndCheckPrefix(SECRET_KEY, [PrefixV2.Ed25519Seed]);
  out.set('secret key (raw seed)', Buffer.from(seed));
  out.set('secret key (raw seed, hex)', Buffer.from(Buffer.from(seed).toString('hex'), 'latin1'));
  return out;
}

function found(haystack: Buffer): string[] {
  return [...needles()].filter(([, n]) => haystack.includes(n)).map(([name]) => name);
}

test('no plaintext, passphrase or secret key in the database, its WAL, the backup or profile.json', (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'p');
  const store = createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF });
  store.transaction(() => {
    store.db.prepare('INSERT INTO notes (body) VALUES (?)').run(PLAINTEXT);
    store.db.prepare('INSERT INTO secrets VALUES (?, ?)').run('tezos', SECRET_KEY);
  });
  const database = join(home, 'mizu.db');
  const wal = `${database}-wal`;

  // Positive control: the decrypted image holds the plaintext and the key.
  const image = store.db.serialize();
  assert.deepEqual(found(image).sort(), [
    'plaintext (UTF-8)',
    'plaintext (first 16 bytes)',
    'secret key (UTF-8)',
    'secret key (first 16 bytes)',
  ]);

  const files: [string, Buffer][] = [];
  // Before any checkpoint: the rows are in the WAL only.
  files.push(['mizu.db (open, before checkpoint)', readFileSync(database)]);
  files.push(['mizu.db-wal (open, before checkpoint)', readFileSync(wal)]);
  assert.ok(files[1]![1].length > 0, 'the WAL holds the transaction');
  store.db.pragma('wal_checkpoint(FULL)');
  files.push(['mizu.db (open, after checkpoint)', readFileSync(database)]);
  files.push(['mizu.db-wal (open, after checkpoint)', readFileSync(wal)]);
  const backup = join(dir, 'backup.mizu');
  exportBackup(store, backup, PASSPHRASE, { kdf: TEST_KDF });
  files.push(['backup', readFileSync(backup)]);
  store.close();
  files.push(['mizu.db (closed)', readFileSync(database)]);
  if (existsSync(wal)) files.push(['mizu.db-wal (closed)', readFileSync(wal)]);
  files.push(['profile.json', readFileSync(join(home, 'profile.json'))]);
  assert.deepEqual(readdirSync(home).sort(), ['mizu.db', 'profile.json']);

  for (const [name, bytes] of files) {
    assert.ok(bytes.length > 0 || name.includes('wal'), `${name} is empty`);
    assert.deepEqual(found(bytes), [], `${name} leaks`);
  }
  t.diagnostic(files.map(([n, b]) => `${n}: ${b.length} B`).join('; '));
});
