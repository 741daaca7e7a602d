/**
 * The `mizu` command line (composition root). Only the commands whose
 * machinery exists are wired here; the rest arrive with their issues.
 */

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { sandboxCommand } from './sandbox.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('mizu')
  .description(
    'A private, end-to-end encrypted messenger whose only server is a Tezos smart contract.',
  )
  .version(pkg.version);

sandboxCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`mizu: ${(e as Error).message}\n`);
  process.exit(1);
}
