/**
 * A child process for the lock tests (not a test itself):
 *   node --import tsx profileHolder.ts hold <home>  opens the profile, commits a row, inserts
 *                                                  another in a transaction it leaves open,
 *                                                  prints "open", then waits to be killed;
 *   node --import tsx profileHolder.ts try <home>   tries to open it and prints "opened" or
 *                                                  "error <code>".
 * The passphrase comes in MIZU_PASSPHRASE.
 */

import { openProfile, StoreError } from '../../src/store/index.js';
import { V1 } from './storeFixtures.js';

const [mode, home] = process.argv.slice(2);
if (!home || (mode !== 'hold' && mode !== 'try')) {
  process.stderr.write('usage: profileHolder.ts hold|try <home>\n');
  process.exit(2);
}
const passphrase = process.env.MIZU_PASSPHRASE ?? '';

try {
  const store = openProfile({ home, passphrase, migrations: [V1] });
  if (mode === 'hold') {
    store.db.prepare('INSERT INTO notes (body) VALUES (?)').run(`from child ${process.pid}`);
    // A transaction left open: killing the process must lose it, and only it.
    store.db.exec('BEGIN');
    store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('uncommitted');
    process.stdout.write('open\n');
    setInterval(() => {}, 1 << 30);
  } else {
    process.stdout.write('opened\n');
    store.close();
  }
} catch (e) {
  process.stdout.write(`error ${e instanceof StoreError ? e.code : String(e)}\n`);
  process.exitCode = 1;
}
