/**
 * The CLI never writes a secret: the real `mizu` (bin/mizu.js) runs a
 * scripted session in child processes against a sandbox node in this
 * process — init with an imported key (read from stdin), contact add,
 * send, sync, requests accept, read, backup export, whoami --json, status,
 * error cases under --debug (unknown contact, wrong passphrase, a node that
 * does not answer) — and everything it writes is scanned: stdout and
 * stderr of every command, and every file it leaves in the profile
 * directories, in $XDG_DATA_HOME and in $HOME (logs, backup, database).
 *
 * Neither passphrase (profile, backup, the wrong one tried), nor the
 * secret key (edsk, in both its forms), nor its seed (hex, base64) may
 * appear anywhere. The message texts may appear only in the stdout of
 * `read`, where showing them is the point.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InMemorySigner } from '@taquito/signer';
import { b58DecodeAndCheckPrefix, PrefixV2 } from '@taquito/utils';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { testSecretKey } from '../helpers/fixtures.js';

const MIZU_BIN = new URL('../../bin/mizu.js', import.meta.url).pathname;

interface Output {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the CLI writes no secret', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-secrets-'));
  const alice = join(dir, 'alice');
  const bob = join(dir, 'bob');
  const xdg = join(dir, 'xdg');
  const home = join(dir, 'home');
  const secretKey = testSecretKey('secrets alice');
  const PASS_A = 'Alice-profile-passphrase-7c1e';
  const PASS_B = 'Bob-profile-passphrase-94ad';
  const PASS_BACKUP = 'Backup-passphrase-3f0b';
  const PASS_WRONG = 'Wrong-passphrase-attempt-d2e8';
  const TEXT_A = 'Alice-private-text-5a9c';
  const TEXT_B = 'Bob-private-reply-b17f';
  const outputs: Output[] = [];
  let sandbox: Sandbox;
  let secrets: Record<string, string>;

  function mizu(args: string[], passphrase: string, stdin = ''): Promise<Output> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MIZU_BIN, ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          XDG_DATA_HOME: xdg,
          MIZU_HOME: '',
          MIZU_INSECURE_TEST_KDF: '1',
          MIZU_PASSPHRASE: passphrase,
          MIZU_BACKUP_PASSPHRASE: PASS_BACKUP,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        const out = { args, code: code ?? -1, stdout, stderr };
        outputs.push(out);
        resolve(out);
      });
      child.stdin.end(stdin);
    });
  }

  const ok = (o: Output) => {
    assert.equal(o.code, 0, `mizu ${o.args.join(' ')} exited ${o.code}: ${o.stderr}`);
    return o;
  };

  before(async () => {
    mkdirSync(home);
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
    const seed = b58DecodeAndCheckPrefix(secretKey, [PrefixV2.Ed25519Seed])[0];
    const signer = await InMemorySigner.fromSecretKey(secretKey);
    secrets = {
      'profile passphrase (alice)': PASS_A,
      'profile passphrase (bob)': PASS_B,
      'backup passphrase': PASS_BACKUP,
      'wrong passphrase': PASS_WRONG,
      'secret key (edsk, seed form)': secretKey,
      'secret key (edsk, expanded form)': await signer.secretKey(),
      'seed (hex)': Buffer.from(seed).toString('hex'),
      'seed (HEX)': Buffer.from(seed).toString('hex').toUpperCase(),
      'seed (base64)': Buffer.from(seed).toString('base64'),
    };
    assert.notEqual(secrets['secret key (edsk, expanded form)'], secretKey);
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a scripted session: every output and file is free of secrets', async () => {
    const net = sandbox.url;
    const a = (args: string[], stdin = '') => mizu(['--home', alice, ...args], PASS_A, stdin);
    const b = (args: string[]) => mizu(['--home', bob, ...args], PASS_B);

    // init: Alice imports her key through stdin; Bob gets a new account.
    const [ia, ib] = await Promise.all([
      a(['--network', net, '--json', 'init', '--name', 'alice', '--import-key', '-'], secretKey),
      b(['--network', net, '--json', 'init', '--name', 'bob']),
    ]);
    const aliceAddress = (JSON.parse(ok(ia).stdout) as { identity: { address: string } }).identity
      .address;
    assert.equal(
      aliceAddress,
      await (await InMemorySigner.fromSecretKey(secretKey)).publicKeyHash(),
    );
    const bobAddress = (JSON.parse(ok(ib).stdout) as { identity: { address: string } }).identity
      .address;

    // Two profiles: their commands run side by side (one process per profile at a time).
    await Promise.all([
      (async () => {
        ok(await a(['--json', 'whoami']));
        ok(await a(['contact', 'add', bobAddress, '--name', 'bob']));
        ok(await a(['send', 'bob', TEXT_A]));
      })(),
      (async () => {
        ok(await b(['whoami']));
        ok(await b(['status']));
      })(),
    ]);
    await Promise.all([
      (async () => {
        ok(await b(['sync']));
        ok(await b(['requests', 'list']));
        ok(await b(['requests', 'accept', aliceAddress, '--name', 'alice']));
        const read = ok(await b(['read', 'alice']));
        assert.ok(read.stdout.includes(TEXT_A), 'read shows the message');
        ok(await b(['--json', 'send', 'alice', TEXT_B]));
      })(),
      (async () => {
        ok(await a(['identity', 'list']));
        ok(await a(['contact', 'list']));
        ok(await a(['contact', 'verify', 'bob']));
        ok(await a(['backup', 'export', join(dir, 'alice.backup')]));
      })(),
    ]);
    await Promise.all([
      (async () => {
        ok(await a(['--json', 'sync']));
        ok(await a(['inbox']));
        const read = ok(await a(['--json', 'read', 'bob']));
        assert.ok(read.stdout.includes(TEXT_B) && read.stdout.includes(TEXT_A));
        ok(await a(['--json', 'status']));
        // Error case: a wrong passphrase, with --debug.
        assert.equal((await mizu(['--home', alice, '--debug', 'whoami'], PASS_WRONG)).code, 2);
      })(),
      (async () => {
        // Error cases: unknown contact, with --debug.
        assert.equal((await b(['--debug', 'send', 'nobody', TEXT_B])).code, 6);
        assert.equal((await b(['--debug', 'read', 'nobody'])).code, 6);
        ok(await b(['inbox']));
      })(),
    ]);
    // Error case: the node is gone while sending (the profile's node URL is dead), with --debug.
    await sandbox.close();
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 }); // for after()
    const [downA, downB] = await Promise.all([
      a(['--debug', 'send', 'bob', TEXT_A]),
      b(['--debug', 'sync']),
    ]);
    assert.equal(downA.code, 3);
    assert.equal(downB.code, 3);
    assert.ok(outputs.some((o) => o.args.includes('--debug') && /\n\s+at /.test(o.stderr)));

    // Scan: every output, every file written.
    const leaks: string[] = [];
    for (const o of outputs) {
      for (const [what, secret] of Object.entries(secrets)) {
        for (const [stream, text] of [
          ['stdout', o.stdout],
          ['stderr', o.stderr],
        ] as const) {
          if (text.includes(secret)) leaks.push(`${what} in ${stream} of: ${o.args.join(' ')}`);
        }
      }
      const isRead = o.args.includes('read');
      for (const text of [TEXT_A, TEXT_B]) {
        if (o.stderr.includes(text)) leaks.push(`message text in stderr of: ${o.args.join(' ')}`);
        if (!isRead && o.stdout.includes(text))
          leaks.push(`message text in stdout of: ${o.args.join(' ')}`);
      }
    }
    const files = [alice, bob, xdg, home, join(dir, 'alice.backup')].flatMap(walk);
    assert.ok(files.length >= 5, `files scanned: ${files}`);
    for (const f of files) {
      const bytes = readFileSync(f);
      const text = bytes.toString('latin1');
      for (const [what, secret] of Object.entries({ ...secrets, TEXT_A, TEXT_B })) {
        if (text.includes(secret)) leaks.push(`${what} in file ${f.slice(dir.length)}`);
        const utf16 = Buffer.from(secret, 'utf16le').toString('latin1');
        if (text.includes(utf16)) leaks.push(`${what} (UTF-16) in file ${f.slice(dir.length)}`);
      }
    }
    assert.deepEqual(leaks, []);
    assert.equal(outputs.length, 26);
  });
});

/** Every regular file under `path` (or `path` itself). */
function walk(path: string): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (st.isFile()) return [path];
  if (!st.isDirectory()) return [];
  return readdirSync(path).flatMap((n) => walk(join(path, n)));
}
