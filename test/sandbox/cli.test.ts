/**
 * `mizu sandbox start --detach --json`, `status`, `fund` and `stop`, run as
 * a user runs them (bin/mizu.js in child processes) on a temporary data
 * directory and a random loopback port; and the loopback rule: `start`
 * refuses a non-loopback --host unless --allow-remote is given.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { isLoopbackHost } from '../../src/cli/sandbox.js';

const run = promisify(execFile);
const MIZU = new URL('../../bin/mizu.js', import.meta.url).pathname;
const randomPort = () => String(20_000 + Math.floor(Math.random() * 20_000));
const port = randomPort();
const dataDir = mkdtempSync(join(tmpdir(), 'mizu-sandbox-cli-'));

const mizu = async (...args: string[]) =>
  (await run(process.execPath, [MIZU, 'sandbox', ...args], { timeout: 60_000 })).stdout;

describe('mizu sandbox (command line)', { timeout: 90_000 }, () => {
  let started = false;
  after(async () => {
    if (started) await mizu('stop', '--port', port).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts detached, reports itself, funds an address and stops', async () => {
    const out = await mizu(
      'start',
      '--detach',
      '--json',
      '--port',
      port,
      '--block-time',
      '0.2',
      '--data',
      dataDir,
    );
    started = true;
    const info = JSON.parse(out.trim().split('\n').at(-1)!) as {
      rpc: string;
      pid: number;
      contract: string;
      accounts: { address: string; secret_key: string }[];
    };
    assert.equal(info.rpc, `http://127.0.0.1:${port}`);
    assert.match(info.contract, /^KT1/);
    assert.ok(info.pid > 0 && info.accounts.length > 0);
    assert.match(info.accounts[0]!.secret_key, /^edsk/);
    const discovered = (await (await fetch(`${info.rpc}/mizu/contract`)).json()) as {
      address: string;
    };
    assert.equal(discovered.address, info.contract);
    assert.match(await mizu('status', '--port', port), new RegExp(info.contract));
    const dest = info.accounts[1]!.address;
    const before = BigInt(
      (await (
        await fetch(`${info.rpc}/chains/main/blocks/head/context/contracts/${dest}/balance`)
      ).json()) as string,
    );
    assert.match(await mizu('fund', dest, '1.5', '--port', port), /^Sent 1\.5 tez/);
    let balance = before;
    for (let i = 0; i < 50 && balance === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      balance = BigInt(
        (await (
          await fetch(`${info.rpc}/chains/main/blocks/head/context/contracts/${dest}/balance`)
        ).json()) as string,
      );
    }
    assert.equal(balance - before, 1_500_000n);
    assert.match(await mizu('stop', '--port', port), /stopped/);
    started = false;
    await assert.rejects(mizu('status', '--port', port));
  });
});

describe('mizu sandbox start: loopback only unless --allow-remote', { timeout: 90_000 }, () => {
  const remoteDir = mkdtempSync(join(tmpdir(), 'mizu-sandbox-remote-'));
  const remotePort = randomPort();
  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(remoteDir, { recursive: true, force: true });
  });

  it('knows which hosts are loopback', () => {
    for (const h of ['127.0.0.1', '127.4.5.6', 'localhost', 'LOCALHOST', '::1', '::ffff:127.0.0.1'])
      assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.20', '::ffff:10.0.0.1', 'example.org'])
      assert.equal(isLoopbackHost(h), false, h);
  });

  it('refuses --host 0.0.0.0 without --allow-remote (usage error), and listens nowhere', async () => {
    const args = ['start', '--host', '0.0.0.0', '--port', remotePort, '--data', remoteDir];
    await assert.rejects(mizu(...args), (e: unknown) => {
      const err = e as { code?: number; stderr?: string };
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /Cannot listen on 0\.0\.0\.0: not a loopback address/);
      assert.match(err.stderr ?? '', /--allow-remote/);
      return true;
    });
    await assert.rejects(fetch(`http://127.0.0.1:${remotePort}/mizu/status`));
  });

  it('with --allow-remote listens on 0.0.0.0, with a warning', async () => {
    const args = ['start', '--json', '--allow-remote', '--host', '0.0.0.0', '--port', remotePort];
    child = spawn(process.execPath, [MIZU, 'sandbox', ...args, '--data', remoteDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const until = Date.now() + 60_000;
    while (!stdout.includes('\n') && child.exitCode === null && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(stderr, /warning: the sandbox listens on 0\.0\.0\.0/);
    const info = JSON.parse(stdout.split('\n')[0]!) as { rpc: string; contract: string };
    assert.equal(info.rpc, `http://0.0.0.0:${remotePort}`);
    // Bound to every interface, so loopback reaches it too.
    const status = (await (await fetch(`http://127.0.0.1:${remotePort}/mizu/status`)).json()) as {
      contract: string;
    };
    assert.equal(status.contract, info.contract);
  });
});
