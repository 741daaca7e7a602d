/**
 * The `mizu` command line (composition root): the command tree, global
 * options, and the one place errors become one line on stderr and an exit
 * code (docs/cli.md). Stack traces only with --debug.
 */

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { backupCommand } from './commands/backup.js';
import { chatCommand } from './commands/chat.js';
import { contactCommand } from './commands/contact.js';
import { demoCommand } from './commands/demo.js';
import { identityCommand, whoamiCommand } from './commands/identity.js';
import { initCommand } from './commands/init.js';
import { messagingCommands } from './commands/messaging.js';
import { requestsCommand } from './commands/requests.js';
import { statusCommand } from './commands/status.js';
import { contractCommand } from './contract.js';
import { reportError } from './errorReport.js';
import { EXIT } from './exitCodes.js';
import { addGlobalOptions } from './globalOptions.js';
import { sandboxCommand } from './sandbox.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('mizu')
  .description(
    'A private, end-to-end encrypted messenger whose only server is a Tezos smart contract.',
  )
  .version(pkg.version)
  // Options before the command belong to the program, after it to the command.
  .enablePositionalOptions()
  .exitOverride()
  .showSuggestionAfterError();
addGlobalOptions(program, false);
program.addHelpText(
  'after',
  '\nExit codes: 0 ok, 1 usage, 2 wrong passphrase or profile in use, 3 network, 4 refused by verification,\n5 balance too low, 6 not found, 7 refused by the chain, 8 unusable profile, 9 bug (see docs/cli.md).',
);

initCommand(program);
whoamiCommand(program);
identityCommand(program);
contactCommand(program);
messagingCommands(program);
requestsCommand(program);
statusCommand(program);
backupCommand(program);
chatCommand(program);
demoCommand(program);
sandboxCommand(program);
contractCommand(program);

const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has printed its message (or the help / version) already.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const r = reportError(e);
    process.stderr.write(`mizu: ${r.line}\n`);
    if (debug && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = r.exitCode;
  }
}
