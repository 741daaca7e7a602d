/**
 * The `mizu` command line end to end, in child processes, against a sandbox
 * node in this process (0.2 s blocks): two profiles meet through a
 * discovery request, exchange messages, compare safety numbers, back up and
 * restore; and the documented exit codes for a wrong passphrase (2), a node
 * that does not answer (3), an unknown contact (6), a bad backup (8) and bad
 * usage (1). Errors are one line, with a stack only under --debug.
 *
 * Each command costs a process start, so the CLI is bundled once (see
 * mizuProcess.ts) and independent commands run in parallel (never two on one
 * profile: a profile is one process at a time).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { bundleMizu, json, mizu } from './mizuProcess.js';

describe('mizu command line', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-cli-'));
  const alice = join(dir, 'alice');
  const bob = join(dir, 'bob');
  let sandbox: Sandbox;
  const A = { MIZU_PASSPHRASE: 'alice passphrase' };
  const B = { MIZU_PASSPHRASE: 'bob passphrase' };
  let aliceAddress = '';
  let bobAddress = '';

  let unbundle = () => {};
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

  it('init creates, funds and publishes an identity; whoami and status report it', async () => {
    const net = sandbox.url;
    const [a, b] = await Promise.all([
      mizu(['--home', alice, '--network', net, '--json', 'init', '--name', 'alice'], A),
      mizu(['--home', bob, '--network', net, '--json', 'init', '--name', 'bob'], B),
    ]);
    const ja = json<{
      identity: { address: string };
      bundle: { published: boolean };
      fundedMutez: string;
    }>(a);
    aliceAddress = ja.identity.address;
    bobAddress = json<{ identity: { address: string } }>(b).identity.address;
    assert.match(aliceAddress, /^tz1/);
    assert.equal(ja.bundle.published, true);
    assert.ok(BigInt(ja.fundedMutez) > 0n);
    assert.equal(statSync(alice).mode & 0o777, 0o700);
    // The profile remembers its network: no --network from here on.
    const [who, status] = await Promise.all([
      mizu(['--home', alice, 'whoami', '--json'], A),
      mizu(['--home', bob, 'status', '--json'], B),
    ]);
    const w = json<{ address: string; bundlePublished: boolean; fingerprint: string }>(who);
    assert.equal(w.address, aliceAddress);
    assert.equal(w.bundlePublished, true);
    assert.match(w.fingerprint, /^\d{5}( \d{5}){5}$/);
    const s = json<{ headLevel: number; typicalMessageCost: { totalMutez: string } }>(status);
    assert.ok(s.headLevel > 0);
    assert.ok(BigInt(s.typicalMessageCost.totalMutez) > 0n);
  });

  it('a stranger reaches Bob through a request; he accepts, reads and answers', async () => {
    json(await mizu(['--home', alice, 'contact', 'add', bobAddress, '--name', 'bob', '--json'], A));
    const sent = json<{ state: string; level: number; costMutez: string }>(
      await mizu(['--home', alice, 'send', 'bob', 'Hello', 'Bob,', 'it is Alice', '--json'], A),
    );
    assert.match(sent.state, /^(included|final)$/);
    assert.ok(sent.level > 0 && BigInt(sent.costMutez) > 0n);

    assert.equal(
      json<{ requests: number }>(await mizu(['--home', bob, 'sync', '--json'], B)).requests,
      1,
    );
    const list = json<{ sender: string }[]>(
      await mizu(['--home', bob, 'requests', 'list', '--json'], B),
    );
    assert.deepEqual(
      list.map((r) => r.sender),
      [aliceAddress],
    );
    const accepted = json<{ unread: number }>(
      await mizu(
        ['--home', bob, 'requests', 'accept', aliceAddress, '--name', 'alice', '--json'],
        B,
      ),
    );
    assert.equal(accepted.unread, 1);
    const inbox = json<{ unread: unknown[] }>(await mizu(['--home', bob, 'inbox', '--json'], B));
    assert.deepEqual(inbox.unread, [{ contact: 'alice', address: aliceAddress, unread: 1 }]);
    // By address or by name: the same contact. Reading marks it read.
    const read = json<{ messages: { direction: string; text: string }[] }>(
      await mizu(['--home', bob, 'read', aliceAddress, '--json'], B),
    );
    assert.deepEqual(
      read.messages.map((m) => [m.direction, m.text]),
      [['in', 'Hello Bob, it is Alice']],
    );
    // Bob answers without waiting for the block.
    const quick = await mizu(['--home', bob, 'send', 'alice', 'Hi Alice!', '--no-wait'], B);
    assert.equal(quick.code, 0, quick.stderr);
    assert.match(quick.stdout, /^Sent to alice: posted/);
    const [bobInbox] = await Promise.all([
      mizu(['--home', bob, 'inbox', '--json'], B),
      new Promise((r) => setTimeout(r, 1500)),
    ]);
    assert.deepEqual(json<{ unread: unknown[] }>(bobInbox).unread, []);
    assert.match((await mizu(['--home', alice, 'sync'], A)).stdout, /^1 new message/);
    const conv = await mizu(['--home', alice, 'read', 'bob'], A);
    assert.match(conv.stdout, /me: Hello Bob, it is Alice {2}\[(included|final)/);
    assert.match(conv.stdout, /bob: Hi Alice!$/m);
  });

  it('safety numbers agree on both sides; --confirm marks the contact verified', async () => {
    const [a, b] = await Promise.all([
      mizu(['--home', alice, 'contact', 'verify', 'bob', '--json'], A),
      mizu(['--home', bob, 'contact', 'verify', 'alice', '--json'], B),
    ]);
    const ja = json<{ safetyNumber: string; verified: boolean }>(a);
    assert.equal(ja.safetyNumber, json<{ safetyNumber: string }>(b).safetyNumber);
    assert.equal(ja.verified, false);
    const confirmed = json<{ verified: boolean }>(
      await mizu(['--home', alice, 'contact', 'verify', 'bob', '--confirm', '--json'], A),
    );
    assert.equal(confirmed.verified, true);
  });

  it('exit codes: wrong passphrase 2, node down 3, unknown contact 6, usage 1; one line, no stack', async () => {
    const [wrong, unknown, debug, usage, missing, none, down] = await Promise.all([
      mizu(['--home', alice, 'whoami'], { MIZU_PASSPHRASE: 'not it' }),
      mizu(['--home', bob, 'send', 'carol', 'hi'], B),
      mizu(['--home', join(dir, 'x'), 'whoami', '--debug'], A),
      mizu(['frobnicate']),
      mizu(['send', 'bob']),
      mizu(['--home', join(dir, 'nobody'), 'whoami'], A),
      // A port nothing listens on; no profile must be left behind.
      mizu(['--home', join(dir, 'down'), '--network', 'http://127.0.0.1:9', 'init'], A),
    ]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^mizu: .*passphrase.*\n$/i);
    assert.equal(unknown.code, 6);
    assert.match(unknown.stderr, /^mizu: .*carol.*\n$/);
    assert.equal(debug.code, 6);
    assert.match(debug.stderr, /\n\s+at /);
    assert.equal(usage.code, 1);
    assert.equal(missing.code, 1);
    assert.equal(none.code, 6);
    assert.match(none.stderr, /mizu init/);
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /Cannot reach http:\/\/127\.0\.0\.1:9/);
    assert.throws(() => statSync(join(dir, 'down', 'mizu.db')));
  });

  it('identities: create another, list, use, rotate the prekey; requests: block', async () => {
    const created = json<{ address: string; bundle: { published: boolean } }>(
      await mizu(['--home', bob, 'identity', 'create', '--name', 'work', '--use', '--json'], B),
    );
    assert.equal(created.bundle.published, true);
    const ids = json<{ name: string; current: boolean }[]>(
      await mizu(['--home', bob, 'identity', 'list', '--json'], B),
    );
    assert.deepEqual(ids.map((i) => [i.name, i.current]).sort(), [
      ['bob', false],
      ['work', true],
    ]);
    const rotated = json<{ prekeyEpoch: number; level: number }>(
      await mizu(['--home', bob, 'identity', 'rotate-prekey', '--json'], B),
    );
    assert.equal(rotated.prekeyEpoch, 1);
    assert.ok(rotated.level > 0);
    // Each identity has its own contacts: 'work' has none.
    assert.equal((await mizu(['--home', bob, 'read', 'alice'], B)).code, 6);
    const back = await mizu(['--home', bob, 'identity', 'use', 'bob'], B);
    assert.match(back.stdout, /^Current identity: bob tz1/);
    const blocked = await mizu(['--home', bob, 'requests', 'block', created.address], B);
    assert.equal(blocked.code, 0, blocked.stderr);
    assert.equal((await mizu(['--home', bob, 'requests', 'ignore', created.address], B)).code, 6);
  });

  it('a passphrase file works, and a backup restores the profile elsewhere', async () => {
    const passFile = join(dir, 'pass');
    writeFileSync(passFile, 'alice passphrase\n', { mode: 0o600 });
    const file = join(dir, 'alice.backup');
    const exported = await mizu(
      ['--home', alice, '--passphrase-file', passFile, 'backup', 'export', file],
      { MIZU_BACKUP_PASSPHRASE: 'backup words' },
    );
    assert.equal(exported.code, 0, exported.stderr);
    const restored = join(dir, 'restored');
    const [bad, good] = await Promise.all([
      mizu(['--home', join(dir, 'bad'), 'backup', 'import', file], {
        MIZU_PASSPHRASE: 'new one',
        MIZU_BACKUP_PASSPHRASE: 'wrong words',
      }),
      mizu(['--home', restored, 'backup', 'import', file], {
        MIZU_PASSPHRASE: 'new one',
        MIZU_BACKUP_PASSPHRASE: 'backup words',
      }),
    ]);
    assert.equal(bad.code, 8);
    assert.equal(good.code, 0, good.stderr);
    const who = json<{ address: string }>(
      await mizu(['--home', restored, 'whoami', '--json'], { MIZU_PASSPHRASE: 'new one' }),
    );
    assert.equal(who.address, aliceAddress);
  });
});
