/**
 * Where passphrases come from: a file (one trailing newline dropped), then
 * MIZU_PASSPHRASE, then a terminal prompt without echo (tested on a real
 * pseudo-terminal through util-linux `script`), and a clear error when there
 * is no terminal and nothing is set.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPassphrase, StoreError } from '../../src/store/index.js';
import { tempDir } from './storeFixtures.js';

const PROMPT_CHILD = fileURLToPath(new URL('./passphrasePrompt.ts', import.meta.url));

function isStoreError(code: string) {
  return (e: unknown) => e instanceof StoreError && e.code === code;
}

test('a passphrase file wins over MIZU_PASSPHRASE and loses exactly one trailing newline', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'pass');
  const env = { MIZU_PASSPHRASE: 'from env' };
  for (const [content, expected] of [
    ['from file\n', 'from file'],
    ['from file\r\n', 'from file'],
    ['from file', 'from file'],
    [' spaces kept \n\n', ' spaces kept \n'],
  ]) {
    writeFileSync(file, content!);
    assert.equal(await readPassphrase({ file, env }), expected);
  }
  writeFileSync(file, '\n');
  await assert.rejects(readPassphrase({ file, env }), isStoreError('empty-passphrase'));
  await assert.rejects(
    readPassphrase({ file: join(dir, 'missing'), env }),
    (e: unknown) => isStoreError('no-passphrase')(e) && /missing \(ENOENT\)/.test(String(e)),
  );
});

test('MIZU_PASSPHRASE is used when there is no file, before any prompt', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const prompt = { input, output: new PassThrough() };
  assert.equal(await readPassphrase({ env: { MIZU_PASSPHRASE: 'env pass' }, prompt }), 'env pass');
  await assert.rejects(
    readPassphrase({ env: { MIZU_PASSPHRASE: '' }, prompt }),
    isStoreError('empty-passphrase'),
  );
});

test('no file, no variable and no terminal: a clear error, nothing read from the pipe', async () => {
  const input = new PassThrough();
  input.end('piped passphrase\n');
  await assert.rejects(
    readPassphrase({ env: {}, prompt: { input, output: new PassThrough() } }),
    (e: unknown) =>
      isStoreError('no-passphrase')(e) &&
      /MIZU_PASSPHRASE/.test(String(e)) &&
      /--passphrase-file/.test(String(e)),
  );
  await assert.rejects(readPassphrase({ env: {} }), isStoreError('no-passphrase'));
});

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the prompt child on a pseudo-terminal, typing `keys` once each prompt shows. */
async function onTerminal(args: string[], keys: string[]): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', PROMPT_CHILD, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  let prompts = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const seen = (output.match(/Passphrase: |Repeat the passphrase: /g) ?? []).length;
    while (prompts < seen) {
      const next = keys[prompts++];
      if (next !== undefined) child.stdin.write(next);
    }
  });
  await new Promise((resolve) => child.on('exit', resolve));
  return output;
}

test('the terminal prompt reads without echo, handles backspace, and confirms', {
  skip: !hasScript && 'util-linux script is not installed',
  timeout: 30_000,
}, async () => {
  const secret = 'tty sécret';
  const typed = `${secret}X\u007f\r`;
  const once = await onTerminal([], [typed]);
  assert.match(once, /Passphrase: /);
  assert.match(once, new RegExp(`got ${Buffer.from(secret).toString('hex')}`));
  assert.ok(!once.includes('sécret'), `echoed: ${JSON.stringify(once)}`);

  const twice = await onTerminal(['confirm'], [`${secret}\r`, `${secret}\r`]);
  assert.match(twice, new RegExp(`got ${Buffer.from(secret).toString('hex')}`));
  assert.ok(!twice.includes('sécret'));

  const differ = await onTerminal(['confirm'], [`${secret}\r`, 'something else\r']);
  assert.match(differ, /error passphrase-mismatch/);

  const cancelled = await onTerminal([], ['abc\u0003']);
  assert.match(cancelled, /error no-passphrase/);
});
