/**
 * `mizu chat`: the terminal chat (src/tui). On the first run it creates the
 * profile (passphrase, name), the identity, funds it on the sandbox and
 * publishes its bundle; afterwards it unlocks the profile. The network is
 * made reachable (sandbox started if needed) before the screen takes over
 * the terminal, so nothing else writes on it.
 */
import type { Command } from 'commander';
import { profileExists } from '../../store/index.js';
import type { ChatBoot, ChatSession } from '../../tui/chatModel.js';
import { chatSession } from '../chatSession.js';
import { CliError } from '../cliError.js';
import {
  createContext,
  givenPassphrase,
  homeOf,
  openContext,
  testKdfRequested,
} from '../context.js';
import { EXIT } from '../exitCodes.js';
import { addGlobalOptions, type Globals, globalsOf } from '../globalOptions.js';
import { parseNetwork } from '../network.js';
import { ensureNetwork } from '../sandboxNetwork.js';
import { fundAndPublish } from './init.js';

/** How long quitting waits for background work to stop before leaving anyway. */
const CLOSE_GRACE_MS = 3000;

export function chatCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('chat')
      .description('The chat (first run: creates the profile)')
      .option(
        '--poll <seconds>',
        'seconds between syncs (default: 1 on the sandbox, 20 elsewhere)',
        (v) => {
          const n = Number(v);
          if (!(n > 0)) throw new CliError('--poll must be > 0 seconds', EXIT.usage);
          return n;
        },
      ),
    true,
  ).action(async (o: { poll?: number }, cmd: Command) => {
    const given = globalsOf(cmd);
    if (!process.stdin.isTTY || !process.stdout.isTTY)
      throw new CliError(
        'mizu chat needs a terminal (use send, sync and read in scripts)',
        EXIT.usage,
      );
    const g: Globals = { ...given, quiet: true };
    const home = homeOf(g);
    const exists = profileExists(home);
    const network = parseNetwork(g.network ?? 'sandbox', g.home);
    // Before the screen: start the sandbox if it is the network of a new profile.
    const faucet = exists
      ? network.sandbox
      : (await ensureNetwork(network, { quiet: false, ...(g.socks5 ? { socks5: g.socks5 } : {}) }))
          .faucet;
    testKdfRequested();
    const pollMs = (sandboxLike: boolean) => (o.poll ?? (sandboxLike ? 1 : 20)) * 1000;
    let session: ChatSession | null = null;
    const boot: ChatBoot = {
      profileExists: exists,
      network: exists ? null : network.spec,
      faucet,
      passphrase: await givenPassphrase(g),
      async unlock(passphrase) {
        const ctx = await openContext(g, passphrase);
        return chatSession(ctx, { pollPeriodMs: pollMs(ctx.sandboxRpc !== null) });
      },
      async create({ passphrase, name }, progress) {
        progress('Creating the encrypted profile…');
        const ctx = await createContext(g, passphrase);
        try {
          const id = await ctx.engine.createIdentity({ name });
          progress(`Identity ${id.name}: ${id.address}`);
          await fundAndPublish(ctx, { update: progress, done: (t) => t && progress(t) });
        } catch (e) {
          await ctx.close();
          throw e;
        }
        return chatSession(ctx, { pollPeriodMs: pollMs(ctx.sandboxRpc !== null) });
      },
    };
    // Ink renders nothing until exit when it believes it runs under CI (the
    // is-in-ci package reads CI and CONTINUOUS_INTEGRATION when Ink loads).
    // Both ends are terminals here, checked above: a person is looking.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    // Ink and React load only here: other commands start faster without them.
    const [{ render }, { createElement }, { App }] = await Promise.all([
      import('ink'),
      import('react'),
      import('../../tui/App.js'),
    ]);
    const app = render(createElement(App, { boot, onSession: (s: ChatSession) => (session = s) }));
    let failure: unknown = null;
    try {
      await app.waitUntilExit();
    } catch (e) {
      failure = e;
    }
    // Background requests may take a while to notice the end: give them a moment, no more.
    // Everything is committed already; the profile's lock goes with the process.
    const closing = (session as ChatSession | null)?.close() ?? Promise.resolve();
    const late = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => setTimeout(r, CLOSE_GRACE_MS, true).unref()),
    ]);
    if (failure) throw failure;
    if (late) process.exit(process.exitCode ?? 0);
  });
}
