/**
 * At rest, with real messages: after a conversation through the engine, no
 * file of either profile (database, WAL, shared memory, profile.json) nor an
 * exported backup contains a message text, the passphrase, the backup
 * passphrase or the Tezos secret key (as its edsk string or its raw seed).
 * The files are searched while the profiles are open, so the WAL still holds
 * the latest writes.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { b58DecodeAndCheckPrefix, PrefixV2 } from '@taquito/utils';
import { exportBackup, TEST_KDF } from '../../src/store/index.js';
import { PASSPHRASE, type Party, World } from './harness.js';

const SECRET_TEXT = 'the eagle lands at midnight, bring 4711 blue umbrellas';
const REPLY_TEXT = 'understood: umbrellas, midnight, eagle';
const BACKUP_PASSPHRASE = 'another long backup passphrase 9181';

const secretKeyOf = (p: Party) =>
  (p.store.db.prepare('SELECT secret_key FROM identities').get() as { secret_key: string })
    .secret_key;

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesOf(join(dir, d.name)) : [join(dir, d.name)],
  );
}

describe('engine: nothing secret at rest', () => {
  const world = new World();
  before(() => world.start());
  after(() => world.close());

  it('profiles and backups hold no plaintext, passphrase or secret key', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    await alice.engine.addContact(bob.address, 'bob');
    await alice.engine.send('bob', SECRET_TEXT);
    await alice.engine.flushOutbox();
    await bob.engine.sync();
    await bob.engine.acceptRequest(alice.address, 'alice');
    await bob.engine.send('alice', REPLY_TEXT);
    await bob.engine.flushOutbox();
    await alice.engine.sync();
    // The texts are there, readable through the engine…
    assert.deepEqual(
      alice.engine.messages('bob').map((m) => m.text),
      [SECRET_TEXT, REPLY_TEXT],
    );
    assert.deepEqual(
      bob.engine.messages('alice').map((m) => m.text),
      [SECRET_TEXT, REPLY_TEXT],
    );
    const backups: string[] = [];
    for (const p of [alice, bob]) {
      const file = join(world.dir, `${p.name}.backup`);
      exportBackup(p.store, file, BACKUP_PASSPHRASE, { kdf: TEST_KDF });
      backups.push(file);
    }
    const files = [...filesOf(alice.home), ...filesOf(bob.home), ...backups];
    assert.ok(
      files.some((f) => f.endsWith('-wal')),
      'a WAL file is searched',
    );
    // …and nowhere on disk.
    const needles: [string, Buffer][] = [
      ['a message text', Buffer.from(SECRET_TEXT)],
      ['a reply text', Buffer.from(REPLY_TEXT)],
      ['a word of a message', Buffer.from('umbrellas')],
      ['the passphrase', Buffer.from(PASSPHRASE)],
      ['the backup passphrase', Buffer.from(BACKUP_PASSPHRASE)],
    ];
    for (const p of [alice, bob]) {
      const sk = secretKeyOf(p);
      needles.push([`${p.name}'s secret key`, Buffer.from(sk)]);
      const raw = b58DecodeAndCheckPrefix(sk, [PrefixV2.Ed25519Seed, PrefixV2.Ed25519SecretKey])[0];
      needles.push([`${p.name}'s secret key seed`, Buffer.from(raw.subarray(0, 32))]);
    }
    for (const file of files) {
      const data = readFileSync(file);
      for (const [what, needle] of needles) {
        assert.equal(data.indexOf(needle), -1, `${what} found in ${file}`);
      }
    }
  });
});
