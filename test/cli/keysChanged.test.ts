/**
 * When a contact's keys change (here: Bob's account is set up again in a new
 * profile, from the same Tezos key, with new identity keys), `send` refuses
 * with exit 4 until the change is confirmed, `contact list` flags it, and
 * `contact verify --confirm` is refused until the new keys are adopted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { testSecretKey } from '../helpers/fixtures.js';
import { bundleMizu, json, mizu } from './mizuProcess.js';

describe('mizu with a contact whose keys changed', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-keys-'));
  let sandbox: Sandbox;
  let unbundle = () => {};
  const A = { MIZU_PASSPHRASE: 'alice passphrase' };
  const B = { MIZU_PASSPHRASE: 'bob passphrase' };
  const bobKey = testSecretKey('cli keys changed: bob');

  before(async () => {
    [sandbox, unbundle] = await Promise.all([
      startSandbox({ port: 0, blockTime: 0.2 }),
      bundleMizu(),
    ]);
  });
  after(async () => {
    unbundle();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to send (4) until confirmed; verification waits for the new keys', async () => {
    const alice = join(dir, 'alice');
    const net = ['--network', sandbox.url];
    const [, b] = await Promise.all([
      mizu(['--home', alice, ...net, 'init', '--name', 'alice'], A),
      mizu(['--home', join(dir, 'bob'), ...net, '--json', 'init', '--import-key', bobKey], B),
    ]);
    const bob = json<{ identity: { address: string } }>(b).identity.address;
    assert.equal(
      (await mizu(['--home', alice, 'contact', 'add', bob, '--name', 'bob'], A)).code,
      0,
    );
    assert.equal((await mizu(['--home', alice, 'send', 'bob', 'first'], A)).code, 0);

    // Bob starts over elsewhere with the same account: new identity keys on chain.
    const again = await mizu(
      ['--home', join(dir, 'bob2'), ...net, 'init', '--import-key', bobKey],
      B,
    );
    assert.equal(again.code, 0, again.stderr);

    const refused = await mizu(['--home', alice, 'send', 'bob', 'second'], A);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /^mizu: .*bob.*changed.*\n$/);
    const list = json<{ name: string; bundleChanged: boolean }[]>(
      await mizu(['--home', alice, 'contact', 'list', '--json'], A),
    );
    assert.deepEqual(
      list.map((c) => [c.name, c.bundleChanged]),
      [['bob', true]],
    );
    assert.equal(
      (await mizu(['--home', alice, 'contact', 'verify', 'bob', '--confirm'], A)).code,
      4,
    );

    const adopted = json<{ bundleChanged: boolean; verified: boolean }>(
      await mizu(['--home', alice, 'contact', 'verify', 'bob', '--accept-change', '--json'], A),
    );
    assert.deepEqual(adopted, { ...adopted, bundleChanged: false, verified: false });
    const sent = await mizu(['--home', alice, 'send', 'bob', 'second', '--json'], A);
    assert.equal(sent.code, 0, sent.stderr);
  });
});
