/**
 * `mizu demo`: two temporary profiles, Alice and Bob, on the sandbox (started
 * if none runs) or on --network URL (a sandbox: it needs the faucet). Alice
 * reaches Bob, a stranger, through a discovery request; Bob accepts; they
 * exchange a few messages. Each step is printed with its latency and, for
 * operations, what it cost (the balance lost: fee + storage burn). The
 * profiles live in a temporary directory removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { createContext, type MizuContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { fundFromFaucet } from '../faucet.js';
import { seconds, tez } from '../format.js';
import { addGlobalOptions, type Globals, globalsOf } from '../globalOptions.js';
import { printJson } from '../output.js';
import { deliver } from './messaging.js';

interface Step {
  readonly step: string;
  readonly latencyMs: number;
  readonly costMutez: bigint | null;
}

const SCRIPT: readonly (readonly ['alice' | 'bob', string])[] = [
  ['bob', 'Hi Alice! Request accepted. How did you find me?'],
  ['alice', 'Your address was on your website. This chat has no server at all?'],
  ['bob', 'None: every message is an entry in my postal box on Tezos, readable only by you.'],
  ['alice', 'And nobody can tell that we talk to each other. Nice.'],
];

export function demoCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('demo')
      .description('Two temporary identities meet through a discovery request and chat (sandbox)'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const json = !!g.json;
    const steps: Step[] = [];
    const t0 = Date.now();
    // With --json the steps still show, on stderr: stdout holds only the report.
    const say = (line: string) =>
      (json ? process.stderr : process.stdout).write(
        `[${seconds(Date.now() - t0).padStart(7)}] ${line}\n`,
      );
    const timed = async <T>(
      step: string,
      f: () => Promise<T>,
      cost?: (r: T) => bigint,
      describe?: (r: T) => string,
    ): Promise<T> => {
      const start = Date.now();
      const r = await f();
      const latencyMs = Date.now() - start;
      const costMutez = cost ? cost(r) : null;
      steps.push({ step, latencyMs, costMutez });
      say(
        `${step}${describe ? `: ${describe(r)}` : ''} · ${seconds(latencyMs)}${costMutez !== null ? ` · ${tez(costMutez)} tez` : ''}`,
      );
      return r;
    };

    const dir = mkdtempSync(join(tmpdir(), 'mizu-demo-'));
    const opened: MizuContext[] = [];
    try {
      const profile = async (who: string): Promise<MizuContext> => {
        const pg: Globals = { ...g, home: join(dir, who), quiet: json };
        const ctx = await createContext(pg, randomBytes(24).toString('base64'));
        opened.push(ctx);
        if (!ctx.sandboxRpc)
          throw new CliError(
            'mizu demo needs a sandbox (it funds its identities from the faucet)',
            EXIT.usage,
          );
        await ctx.engine.createIdentity({ name: who });
        return ctx;
      };
      const [alice, bob] = await timed(
        'Two profiles with one identity each (Alice, Bob)',
        // One after the other: the first may have to start the sandbox.
        async () => [await profile('alice'), await profile('bob')] as const,
        undefined,
        ([a, b]) => `${a.engine.current().address}, ${b.engine.current().address}`,
      );
      say(`Network ${alice.network.spec}, contract ${alice.chain.contract}`);
      await timed('Both funded by the sandbox faucet', () =>
        Promise.all(
          [alice, bob].map((c) =>
            fundFromFaucet({
              rpc: c.sandboxRpc!,
              chain: c.chain,
              clock: c.clock,
              address: c.engine.current().address,
            }),
          ),
        ),
      );
      const publish = (c: MizuContext, who: string) =>
        timed(
          `${who} publishes its key bundle`,
          async () => {
            const me = c.engine.current().address;
            const before = await c.chain.balance(me, 'writes');
            const op = await c.engine.publishBundle();
            return { op, cost: before - (await c.chain.balance(me, 'writes')) };
          },
          (r) => r.cost,
          (r) => `included at level ${r.op.level}`,
        );
      await publish(alice, 'Alice');
      await publish(bob, 'Bob');

      const bobAddress = bob.engine.current().address;
      const aliceAddress = alice.engine.current().address;
      await timed("Alice adds Bob's address (fetches and verifies his bundle)", () =>
        alice.engine.addContact(bobAddress, 'Bob'),
      );
      const first = 'Hello Bob, this is Alice. We have not met; may I write to you?';
      await timed(
        `Alice → Bob (first message, with a sealed discovery request): "${first}"`,
        () => deliver(alice, bobAddress, first, { wait: 'included' }),
        (d) => d.costMutez,
        (d) => `included at level ${d.level}`,
      );
      await timed(
        'Bob syncs',
        () => bob.engine.sync(),
        undefined,
        (r) => `${r.requests} request (from ${aliceAddress})`,
      );
      await timed(
        'Bob accepts the request',
        () => bob.engine.acceptRequest(aliceAddress, 'Alice'),
        undefined,
        () => {
          const m = bob.engine.messages(aliceAddress).filter((x) => x.direction === 'in');
          return `he reads "${m.at(-1)?.text ?? '(nothing)'}"`;
        },
      );
      for (const [who, text] of SCRIPT) {
        const [from, to, toAddress, name, toName] =
          who === 'alice'
            ? [alice, bob, bobAddress, 'Alice', 'Bob']
            : [bob, alice, aliceAddress, 'Bob', 'Alice'];
        await timed(
          `${name} → ${toName}: "${text}"`,
          () => deliver(from, toAddress, text, { wait: 'included' }),
          (d) => d.costMutez,
          (d) => `included at level ${d.level}`,
        );
        const fromAddress = from.engine.current().address;
        await timed(
          `${toName} syncs`,
          async () => {
            await to.engine.sync();
            return to.engine
              .messages(fromAddress)
              .filter((x) => x.direction === 'in')
              .at(-1);
          },
          undefined,
          (m) => (m?.text === text ? 'received' : 'NOT received'),
        );
        const got = to.engine
          .messages(fromAddress)
          .filter((x) => x.direction === 'in')
          .at(-1)?.text;
        if (got !== text)
          throw new CliError(
            `Demo failed: ${toName} did not receive ${name}'s message`,
            EXIT.internal,
          );
      }
      const sa = alice.engine.safetyNumber(bobAddress);
      const sb = bob.engine.safetyNumber(aliceAddress);
      say(
        `Safety numbers: Alice sees ${sa}, Bob sees ${sb}: ${sa === sb ? 'they match' : 'DIFFERENT'}`,
      );
      const sends = steps.filter((s) => s.step.includes('→'));
      const avgCost = sends.reduce((a, s) => a + (s.costMutez ?? 0n), 0n) / BigInt(sends.length);
      const avgLatency = sends.reduce((a, s) => a + s.latencyMs, 0) / sends.length;
      say(
        `Done: ${sends.length} messages, ${tez(avgCost)} tez and ${seconds(avgLatency)} to inclusion per message on average`,
      );
      if (json)
        printJson({
          network: alice.network.spec,
          contract: alice.chain.contract,
          alice: aliceAddress,
          bob: bobAddress,
          safetyNumbersMatch: sa === sb,
          steps,
          averageMessageCostMutez: avgCost,
          averageMessageLatencyMs: Math.round(avgLatency),
        });
    } finally {
      for (const c of opened) await c.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
