/**
 * Child process of the crash suite (crash.test.ts): opens a profile and
 * talks to one contact in a loop — send the next numbered message, flush
 * the outbox, sync — until it is killed (the parent sends SIGKILL at random
 * moments) or, with `--until N`, until N messages are sent and delivered.
 *
 *   node --import tsx test/engine/crashChild.ts HOME RPC_URL CONTRACT PEER LABEL [--until N]
 *
 * Message texts are `LABEL-i`, where i is the number of messages already in
 * the profile: a message is either committed (and will be delivered) or not
 * (and is sent again with the same number), so the receiver must end up
 * with LABEL-0, LABEL-1, … exactly once each, in order.
 */

import { createChain } from '../../src/adapters/chain/index.js';
import { systemRandom } from '../../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../../src/engine/index.js';
import { openProfile } from '../../src/store/index.js';
import { PASSPHRASE, systemClock } from './testClock.js';

const [home, url, contract, peer, label, flag, untilArg] = process.argv.slice(2);
if (!home || !url || !contract || !peer || !label) {
  process.stderr.write('usage: crashChild HOME RPC_URL CONTRACT PEER LABEL [--until N]\n');
  process.exit(2);
}
const args: Record<'home' | 'url' | 'contract' | 'peer' | 'label', string> = {
  home,
  url,
  contract,
  peer,
  label,
};
const until = flag === '--until' ? Number(untilArg) : Number.POSITIVE_INFINITY;

async function main(): Promise<void> {
  const store = openProfile({ home: args.home, passphrase: PASSPHRASE, migrations: MIGRATIONS });
  const chain = await createChain({
    urls: [args.url],
    contract: args.contract,
    pollMs: 20,
    timeoutMs: 10_000,
  });
  const engine = new Engine({
    store,
    chain,
    clock: systemClock,
    random: systemRandom,
    network: 'sandbox',
  });
  process.stdout.write('ready\n');

  const outgoing = () =>
    (
      store.db.prepare("SELECT COUNT(*) AS n FROM messages WHERE direction = 'out'").get() as {
        n: number;
      }
    ).n;
  const undelivered = () =>
    (
      store.db
        .prepare(
          "SELECT COUNT(*) AS n FROM messages WHERE direction = 'out' AND state NOT IN ('included', 'final')",
        )
        .get() as { n: number }
    ).n;

  for (;;) {
    try {
      const n = outgoing();
      if (n < until) await engine.send(args.peer, `${args.label}-${n}`, { request: false });
      await engine.flushOutbox();
      await engine.sync();
      if (process.env.MIZU_CRASH_DEBUG) process.stderr.write(`iteration ${n} ${Date.now()}\n`);
      if (n >= until && undelivered() === 0) break;
    } catch (e) {
      process.stderr.write(`crashChild ${args.label}: ${(e as Error).message}\n`);
      await systemClock.sleep(30);
    }
  }
  store.close();
  await chain.close();
  process.stdout.write('done\n');
}

main().catch((e) => {
  process.stderr.write(`crashChild: ${(e as Error).message}\n`);
  process.exit(1);
});
