/**
 * `mizu contact add|list|remove|verify`. A contact is named by its name or
 * its address wherever a command takes `<contact>`.
 */
import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { withContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { digitGroups } from '../format.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';

export function contactCommand(program: Command): void {
  const contact = program
    .command('contact')
    .description('Your contacts (kept only on this machine)');

  addGlobalOptions(
    contact
      .command('add')
      .description('Add a contact by address (its key bundle is fetched and verified)')
      .argument('<address>', 'tz1…/tz2…/tz3… address')
      .option('--name <name>', 'what to call it (default: the address)'),
    true,
  ).action(async (address: string, o: { name?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const c = await engine.addContact(address, o.name);
      if (g.json) return printJson(c);
      printLines([
        `Added ${c.name} (${c.address}); its key bundle verifies.`,
        `Compare safety numbers with \`mizu contact verify ${c.name}\`.`,
      ]);
    });
  });

  addGlobalOptions(contact.command('list').description('List contacts'), true).action(
    async (_o: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      await withContext(g, async ({ engine }) => {
        const list = engine.listContacts();
        if (g.json) return printJson(list);
        if (list.length === 0) return printLines(['No contacts yet (mizu contact add <address>).']);
        printLines(
          list.map(
            (c) =>
              `${c.name.padEnd(16)} ${c.address}  ${c.bundleChanged ? 'KEYS CHANGED' : c.verified ? 'verified' : 'not verified'}`,
          ),
        );
      });
    },
  );

  addGlobalOptions(
    contact
      .command('remove')
      .description('Remove a contact (and the messages received from it)')
      .argument('<contact>', 'name or address'),
    true,
  ).action(async (which: string, _o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const c = engine.findContact(which);
      engine.removeContact(c.address);
      if (g.json) return printJson({ removed: c.address });
      printLines([`Removed ${c.name} (${c.address})`]);
    });
  });

  addGlobalOptions(
    contact
      .command('verify')
      .description('Show the safety number to compare; --confirm marks the contact verified')
      .argument('<contact>', 'name or address')
      .option('--confirm', 'the numbers match: mark the contact verified')
      .option('--accept-change', 'adopt the contact’s changed keys (then compare again)'),
    true,
  ).action(
    async (which: string, o: { confirm?: boolean; acceptChange?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      await withContext(g, async ({ engine }) => {
        let c = engine.findContact(which);
        if (o.acceptChange && c.bundleChanged) {
          engine.acceptBundleChange(c.address);
          c = engine.findContact(c.address);
        }
        const changed = c.bundleChanged;
        if (o.confirm && changed)
          throw new CliError(
            `Cannot mark ${c.name} verified: its keys changed. Run \`mizu contact verify ${c.name} --accept-change\` and compare the new number`,
            EXIT.verification,
          );
        if (o.confirm) {
          engine.markVerified(c.address);
          c = engine.findContact(c.address);
        }
        const safetyNumber = engine.safetyNumber(c.address);
        if (g.json)
          return printJson({
            contact: c.name,
            address: c.address,
            safetyNumber,
            verified: c.verified,
            bundleChanged: changed,
          });
        printLines([
          `Safety number with ${c.name} (${c.address}):`,
          '',
          ...digitGroups(safetyNumber).map((l) => `  ${l}`),
          '',
          changed
            ? `${c.name}'s keys CHANGED since you added them. This number is for the old keys; run with --accept-change to adopt the new ones, then compare again.`
            : c.verified
              ? `${c.name} is verified.`
              : `Compare it with ${c.name} (in person or by another channel); if it matches, run again with --confirm.`,
        ]);
      });
    },
  );
}
