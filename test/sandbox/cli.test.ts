/**
 * `mizu sandbox start --detach --json`, `status`, `fund` and `stop`, run as
 * a user runs them (bin/mizu.js in child processes) on a temporary data
 * directory and a random loopback port.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MIZU = new URL('../../bin/mizu.js', import.meta.url).pathname;
const port = String(20_000 + Math.floor(Math.random() * 20_000));
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
