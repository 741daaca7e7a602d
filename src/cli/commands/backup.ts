/**
 * `mizu backup export <file>` and `mizu backup import <file>`: the whole
 * profile in one file, encrypted under a backup passphrase (asked twice;
 * or --backup-passphrase-file, or $MIZU_BACKUP_PASSPHRASE). Import creates
 * the profile in --home, under a new profile passphrase. Neither needs the
 * network.
 *
 * Security notes: both passphrases go straight to the store; a wrong backup
 * passphrase and a damaged file are one and the same error.
 */
import type { Command } from 'commander';
import { MIGRATIONS } from '../../engine/index.js';
import {
  exportBackup,
  importBackup,
  openProfile,
  readPassphrase,
  TEST_KDF,
} from '../../store/index.js';
import { homeOf, passphrase, testKdfRequested } from '../context.js';
import { addGlobalOptions, type Globals, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';

function backupPassphrase(file: string | undefined, confirm: boolean): Promise<string> {
  const env = process.env.MIZU_BACKUP_PASSPHRASE;
  return readPassphrase({
    ...(file ? { file } : {}),
    env: env !== undefined ? { MIZU_PASSPHRASE: env } : {},
    prompt: { input: process.stdin, output: process.stderr },
    confirm,
  });
}

export function backupCommand(program: Command): void {
  const backup = program.command('backup').description('Encrypted backup of the whole profile');

  addGlobalOptions(
    backup
      .command('export')
      .description('Write an encrypted backup of the profile to a file')
      .argument('<file>', 'where to write it (replaced if it exists)')
      .option('--backup-passphrase-file <file>', 'read the backup passphrase from a file'),
    true,
  ).action(async (file: string, o: { backupPassphraseFile?: string }, cmd: Command) => {
    const g: Globals = globalsOf(cmd);
    const home = homeOf(g);
    const store = openProfile({
      home,
      passphrase: await passphrase(g, false),
      migrations: MIGRATIONS,
    });
    try {
      if (!process.env.MIZU_BACKUP_PASSPHRASE && !o.backupPassphraseFile)
        process.stderr.write('Choose a passphrase for the backup.\n');
      exportBackup(store, file, await backupPassphrase(o.backupPassphraseFile, true), {
        ...(testKdfRequested() ? { kdf: TEST_KDF } : {}),
      });
    } finally {
      store.close();
    }
    if (g.json) return printJson({ home, file });
    printLines([`Backup of ${home} written to ${file}`]);
  });

  addGlobalOptions(
    backup
      .command('import')
      .description('Create the profile (in --home) from a backup file')
      .argument('<file>', 'the backup')
      .option('--backup-passphrase-file <file>', 'read the backup passphrase from a file'),
    true,
  ).action(async (file: string, o: { backupPassphraseFile?: string }, cmd: Command) => {
    const g: Globals = globalsOf(cmd);
    const home = homeOf(g);
    const backupPass = await backupPassphrase(o.backupPassphraseFile, false);
    if (!process.env.MIZU_PASSPHRASE && !g.passphraseFile)
      process.stderr.write('Choose a passphrase for the new profile.\n');
    const store = importBackup({
      file,
      backupPassphrase: backupPass,
      home,
      passphrase: await passphrase(g, true),
      migrations: MIGRATIONS,
      ...(testKdfRequested() ? { kdf: TEST_KDF } : {}),
    });
    store.close();
    if (g.json) return printJson({ home, file });
    printLines([`Profile restored in ${home} from ${file}`]);
  });
}
