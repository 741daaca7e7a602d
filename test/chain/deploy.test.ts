/**
 * `mizu contract deploy` in a child process against an in-process sandbox,
 * and `ensureSandbox` starting a detached sandbox when none answers.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureSandbox, probeSandbox } from '../../src/adapters/chain/ensureSandbox.js';
import { createChain } from '../../src/adapters/chain/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

const MIZU = fileURLToPath(new URL('../../bin/mizu.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mizu-deploy-'));

function mizu(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MIZU, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('contract deploy and sandbox on demand', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('originates the contract, records it, and the new contract answers its views', async () => {
    const home = join(dir, 'home');
    const key = sandbox.accounts[1]!.secretKey;
    const r = await mizu(
      ['contract', 'deploy', '--network', sandbox.url, '--home', home, '--json'],
      {
        MIZU_DEPLOY_KEY: key,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key), 'the key is never printed');
    const doc = JSON.parse(r.stdout) as { network: string; contract: string; config: string };
    assert.match(doc.contract, /^KT1/);
    assert.notEqual(doc.contract, sandbox.contract);
    assert.equal(doc.config, join(home, 'networks.json'));
    const file = JSON.parse(readFileSync(doc.config, 'utf8'));
    assert.equal(file.networks[sandbox.url].contract, doc.contract);
    const chain = await createChain({ urls: [sandbox.url], contract: doc.contract });
    const who = sandbox.accounts[1]!.address;
    assert.equal(await chain.getUser(who, 'directory'), null);
    assert.deepEqual((await chain.getCounters([who], 'directory')).get(who), {
      posts: 0,
      requests: 0,
    });
  });

  it('refuses to deploy without a key, naming what to set', async () => {
    const r = await mizu(['contract', 'deploy', '--network', sandbox.url, '--home', dir], {
      MIZU_DEPLOY_KEY: '',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /MIZU_DEPLOY_KEY/);
  });

  it('starts a detached sandbox when none answers, and reuses a running one', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const data = join(dir, 'sandbox-data');
    assert.equal(await probeSandbox(url), null);
    const first = await ensureSandbox({ url, dataDir: data, blockTime: 0.5 });
    try {
      assert.equal(first.started, true);
      assert.match(first.contract, /^KT1/);
      const second = await ensureSandbox({ url, dataDir: data });
      assert.deepEqual(second, { ...first, started: false });
      assert.ok(readFileSync(join(data, 'sandbox.log'), 'utf8').length > 0, 'logs in its data dir');
    } finally {
      const stop = await mizu(['sandbox', 'stop', '--port', String(port)], {});
      assert.equal(stop.code, 0, stop.stderr);
    }
    assert.equal(await probeSandbox(url), null);
    await assert.rejects(ensureSandbox({ url: 'http://192.0.2.1:1' }), /not local/);
  });
});
