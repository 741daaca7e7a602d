/**
 * One process per profile: a second opener — another connection in this
 * process, or another process — gets StoreError 'locked'; closing releases
 * the lock; a holder killed with SIGKILL leaves no stale lock, what it had
 * committed is there after recovery and what it had not is not.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProfile, openProfile, StoreError, TEST_KDF } from '../../src/store/index.js';
import { PASSPHRASE, tempDir, V1 } from './storeFixtures.js';

const HOLDER = fileURLToPath(new URL('./profileHolder.ts', import.meta.url));

function isLocked(e: unknown): boolean {
  return e instanceof StoreError && e.code === 'locked' && /another Mizu process/.test(e.message);
}

function runHolder(mode: 'hold' | 'try', home: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', HOLDER, mode, home], {
    env: { ...process.env, MIZU_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The child's first line of output. */
async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout!) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]!;
}

function newProfile(t: { after: (fn: () => void) => void }): string {
  const home = join(tempDir(t), 'p');
  createProfile({ home, passphrase: PASSPHRASE, migrations: [V1], kdf: TEST_KDF }).close();
  return home;
}

test('a second connection in the same process is refused until the first closes', (t) => {
  const home = newProfile(t);
  const first = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  assert.throws(() => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }), isLocked);
  // The lock shows before the passphrase is checked: a wrong one gets 'locked' too.
  assert.throws(() => openProfile({ home, passphrase: 'wrong', migrations: [V1] }), isLocked);
  first.close();
  openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }).close();
});

test('another process cannot open a profile this process holds', async (t) => {
  const home = newProfile(t);
  const store = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  const busy = runHolder('try', home);
  assert.equal(await firstLine(busy), 'error locked');
  await once(busy, 'exit');
  store.close();
  const free = runHolder('try', home);
  assert.equal(await firstLine(free), 'opened');
  await once(free, 'exit');
});

test('a holder killed with SIGKILL leaves no stale lock; its committed row survives, its open transaction does not', async (t) => {
  const home = newProfile(t);
  const holder = runHolder('hold', home);
  t.after(() => holder.kill('SIGKILL'));
  assert.equal(await firstLine(holder), 'open');
  assert.throws(() => openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] }), isLocked);
  const exited = once(holder, 'exit');
  holder.kill('SIGKILL');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  const store = openProfile({ home, passphrase: PASSPHRASE, migrations: [V1] });
  t.after(() => store.close());
  assert.deepEqual(store.db.prepare('SELECT body FROM notes').pluck().all(), [
    `from child ${holder.pid}`,
  ]);
});
