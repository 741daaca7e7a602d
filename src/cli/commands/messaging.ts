/**
 * `mizu send`, `sync`, `read`, `inbox`: messages from the command line.
 * `send` queues the message (encrypted and committed with its ratchet
 * state), posts it, and by default waits for its block, showing the levels
 * go by; the cost shown is what the balance actually lost.
 */
import type { Command } from 'commander';
import type { DeliveryState, MessageInfo } from '../../engine/index.js';
import { CliError } from '../cliError.js';
import { type MizuContext, withContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { seconds, tez } from '../format.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';
import { progressLine } from '../progressLine.js';

export interface Delivery {
  readonly message: MessageInfo;
  readonly state: DeliveryState;
  readonly level: number | null;
  readonly latencyMs: number;
  /** What the balance lost while this command ran (fees and burn of every operation it sent). */
  readonly costMutez: bigint;
}

/**
 * Queues `text` to `contact` and delivers it: until it is posted (`wait`
 * 'posted'), included, or final. `onLine` receives progress for people.
 */
export async function deliver(
  ctx: MizuContext,
  contact: string,
  text: string,
  opts: {
    wait: 'posted' | 'included' | 'final';
    confirmChanged?: boolean;
    /** Progress for people; `step` changes with the state and level only. */
    onLine?: (s: string, step: string) => void;
  },
): Promise<Delivery> {
  const { engine, chain, clock } = ctx;
  const me = engine.current().address;
  const before = await chain.balance(me, 'writes');
  const started = clock.now();
  const message = await engine.send(
    contact,
    text,
    opts.confirmChanged ? { confirmChanged: true } : {},
  );
  let state: DeliveryState = 'queued';
  let level: number | null = null;
  let head: number | null = null;
  const show = () =>
    opts.onLine?.(
      `${state}${level !== null ? ` at level ${level}` : ''}${head !== null && state !== 'final' ? ` · head ${head}` : ''} · ${seconds(clock.now() - started)}`,
      `${state}:${level}`,
    );
  show();
  const stop = new AbortController();
  // Block levels as they come, while waiting.
  const watcher = (async () => {
    while (!stop.signal.aborted) {
      try {
        head = (await chain.head('writes')).level;
        show();
        await clock.sleep(500, stop.signal);
      } catch {
        return;
      }
    }
  })();
  const flush = new AbortController();
  try {
    await engine.flushOutbox({
      waitFinal: opts.wait === 'final',
      signal: flush.signal,
      onProgress: (p) => {
        if (p.messageId !== message.id) return;
        state = p.state;
        if (p.level !== undefined) level = p.level;
        show();
        if (opts.wait === 'posted' && p.state !== 'queued') flush.abort();
      },
    });
  } catch (e) {
    if (!flush.signal.aborted) throw e;
  } finally {
    stop.abort();
    await watcher;
  }
  const after = await chain.balance(me, 'writes');
  const latencyMs = clock.now() - started;
  if ((state as DeliveryState) === 'failed')
    throw new CliError(
      `The message to ${contact} failed on chain (it stays in the outbox no more)`,
      EXIT.rejected,
    );
  return { message, state, level, latencyMs, costMutez: before - after };
}

export function messagingCommands(program: Command): void {
  addGlobalOptions(
    program
      .command('send')
      .description('Send a message (waits for its block unless --no-wait)')
      .argument('<contact>', 'name or address')
      .argument('<text...>', 'the message')
      .option('--no-wait', 'return once the operation is posted to a node')
      .option('--final', 'wait until its block is final (two blocks on top)')
      .option('--confirm-changed', 'send even though the contact’s keys changed'),
    true,
  ).action(
    async (
      contact: string,
      words: string[],
      o: { wait: boolean; final?: boolean; confirmChanged?: boolean },
      cmd: Command,
    ) => {
      const g = globalsOf(cmd);
      const text = words.join(' ');
      if (!text.trim()) throw new CliError('Nothing to send', EXIT.usage);
      await withContext(g, async (ctx) => {
        const to = ctx.engine.findContact(contact);
        const line = progressLine({ quiet: !!g.json });
        const d = await deliver(ctx, to.address, text, {
          wait: !o.wait ? 'posted' : o.final ? 'final' : 'included',
          ...(o.confirmChanged ? { confirmChanged: true } : {}),
          onLine: (s, step) => line.update(`To ${to.name}: ${s}`, step),
        });
        line.done();
        if (g.json)
          return printJson({
            id: d.message.id,
            contact: to.address,
            state: d.state,
            level: d.level,
            latencyMs: d.latencyMs,
            costMutez: d.costMutez,
          });
        printLines([
          `Sent to ${to.name}: ${d.state}${d.level !== null ? ` at level ${d.level}` : ''} in ${seconds(d.latencyMs)}, cost ${tez(d.costMutez)} tez`,
        ]);
      });
    },
  );

  addGlobalOptions(
    program
      .command('sync')
      .description('Post what is queued, then fetch new messages and requests'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const line = progressLine({ quiet: !!g.json });
      line.update('Posting queued messages…');
      await engine.flushOutbox();
      line.update('Reading postal boxes…');
      const r = await engine.sync({
        onProgress: (p) => line.update(`Reading ${p.contact}: ${p.read}/${p.total}`),
      });
      line.done();
      const unread = engine.unread();
      if (g.json)
        return printJson({
          ...r,
          unread: unread.map((u) => ({
            contact: u.contact.name,
            address: u.contact.address,
            unread: u.unread,
          })),
        });
      printLines([
        `${r.newMessages} new message${r.newMessages === 1 ? '' : 's'}, ${r.requests} new request${r.requests === 1 ? '' : 's'} (${r.entriesRead} entries read)`,
        ...unread.map((u) => `  ${u.contact.name}: ${u.unread} unread`),
      ]);
    });
  });

  addGlobalOptions(
    program
      .command('read')
      .description('Show the conversation with a contact (and mark it read)')
      .argument('<contact>', 'name or address')
      .option(
        '--limit <n>',
        'the last n messages',
        (v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1)
            throw new CliError('--limit must be a positive integer', EXIT.usage);
          return n;
        },
        50,
      ),
    true,
  ).action(async (which: string, o: { limit: number }, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const c = engine.findContact(which);
      const all = engine.messages(c.address);
      const shown = all.slice(-o.limit);
      engine.markRead(c.address);
      if (g.json) return printJson({ contact: c, messages: shown });
      if (shown.length === 0) return printLines([`No messages with ${c.name} yet.`]);
      printLines(
        shown.map((m) => {
          const when = new Date(m.time).toISOString().replace('T', ' ').slice(0, 19);
          const who = m.direction === 'out' ? 'me' : c.name;
          const state =
            m.direction === 'out' ? `  [${m.state}${m.level !== null ? ` #${m.level}` : ''}]` : '';
          return `${when} ${who}: ${m.text}${state}`;
        }),
      );
    });
  });

  addGlobalOptions(
    program.command('inbox').description('Unread messages per contact, and pending requests'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const unread = engine.unread();
      const requests = engine.listRequests();
      if (g.json)
        return printJson({
          unread: unread.map((u) => ({
            contact: u.contact.name,
            address: u.contact.address,
            unread: u.unread,
          })),
          requests: requests.length,
        });
      if (unread.length === 0 && requests.length === 0)
        return printLines(['Nothing unread (mizu sync fetches new messages).']);
      printLines([
        ...unread.map((u) => `${u.contact.name.padEnd(16)} ${u.unread} unread`),
        ...(requests.length > 0
          ? [`${requests.length} request${requests.length === 1 ? '' : 's'} (mizu requests list)`]
          : []),
      ]);
    });
  });
}
