/**
 * A child process for the prompt tests (not a test itself), run on a real
 * terminal (a pty from `script`): reads a passphrase from the terminal with
 * readPassphrase and prints "got <hex of its UTF-8>" or "error <code>".
 * `confirm` as first argument asks twice.
 */

import { readPassphrase, StoreError } from '../../src/store/index.js';

try {
  const passphrase = await readPassphrase({
    env: {},
    prompt: { input: process.stdin, output: process.stdout },
    confirm: process.argv[2] === 'confirm',
  });
  process.stdout.write(`got ${Buffer.from(passphrase, 'utf8').toString('hex')}\n`);
} catch (e) {
  process.stdout.write(`error ${e instanceof StoreError ? e.code : String(e)}\n`);
}
