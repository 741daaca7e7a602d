/**
 * `mizu requests list|accept|ignore|block`: discovery requests, sealed
 * messages from people who are not (yet) contacts.
 */
import type { Command } from 'commander';
import { EngineError } from '../../engine/index.js';
import { withContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';

export function requestsCommand(program: Command): void {
  const requests = program
    .command('requests')
    .description('Requests from people who want to talk to you (run mizu sync to fetch new ones)');

  addGlobalOptions(requests.command('list').description('Pending requests'), true).action(
    async (_o: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      await withContext(g, async ({ engine }) => {
        const list = engine.listRequests();
        if (g.json) return printJson(list);
        if (list.length === 0) return printLines(['No pending requests.']);
        printLines(
          list.map(
            (r) =>
              `${r.sender}  ${new Date(r.time).toISOString().replace('T', ' ').slice(0, 16)}${r.note ? `  ${r.note}` : ''}`,
          ),
        );
      });
    },
  );

  addGlobalOptions(
    requests
      .command('accept')
      .description('Add the sender as a contact and read its messages')
      .argument('<address>', 'the sender')
      .option('--name <name>', 'what to call it'),
    true,
  ).action(async (address: string, o: { name?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const c = await engine.acceptRequest(address, o.name);
      const unread = engine.unread().find((u) => u.contact.address === c.address)?.unread ?? 0;
      if (g.json) return printJson({ contact: c, unread });
      printLines([
        `Accepted: ${c.name} (${c.address}) is a contact; ${unread} unread message${unread === 1 ? '' : 's'} (mizu read ${c.name}).`,
      ]);
    });
  });

  for (const [verb, what] of [
    ['ignore', 'Drop the request (the sender can ask again)'],
    ['block', 'Drop the request and every later one from this sender'],
  ] as const) {
    addGlobalOptions(
      requests.command(verb).description(what).argument('<address>', 'the sender'),
      true,
    ).action(async (address: string, _o: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      await withContext(g, async ({ engine }) => {
        if (!engine.listRequests().some((r) => r.sender === address) && verb === 'ignore') {
          throw new EngineError('unknown-request', `No pending request from ${address}`);
        }
        if (verb === 'ignore') engine.ignoreRequest(address);
        else engine.blockRequest(address);
        if (g.json) return printJson({ [verb === 'ignore' ? 'ignored' : 'blocked']: address });
        printLines([`${verb === 'ignore' ? 'Ignored' : 'Blocked'} ${address}`]);
      });
    });
  }
}
