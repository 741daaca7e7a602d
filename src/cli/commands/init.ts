/**
 * `mizu init`: creates the profile and its first identity; on a sandbox,
 * funds it from the faucet and publishes its bundle, so that it can be
 * written to right away.
 */
import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { createContext, type MizuContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { fundFromFaucet } from '../faucet.js';
import { tez } from '../format.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';
import { type ProgressLine, progressLine } from '../progressLine.js';

export interface NewIdentityOptions {
  name?: string;
  importKey?: string;
  mnemonic?: string;
}

/** Secret key or mnemonic from the options; `-` reads it from stdin (keeps it out of the shell history). */
export async function accountSource(
  o: NewIdentityOptions,
): Promise<{ secretKey?: string; mnemonic?: string }> {
  if (o.importKey && o.mnemonic)
    throw new CliError('Give --import-key or --mnemonic, not both', EXIT.usage);
  const read = async (v: string) => {
    if (v !== '-') return v;
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  };
  if (o.importKey) return { secretKey: await read(o.importKey) };
  if (o.mnemonic) return { mnemonic: await read(o.mnemonic) };
  return {};
}

/** Funds (sandbox) and publishes the current identity, telling `line` as it goes; returns what was done. */
export async function fundAndPublish(ctx: MizuContext, line: ProgressLine) {
  const { engine } = ctx;
  const id = engine.current();
  let fundedMutez: bigint | null = null;
  if (ctx.sandboxRpc) {
    line.update(`Funding ${id.address} from the sandbox faucet…`);
    await fundFromFaucet({
      rpc: ctx.sandboxRpc,
      chain: ctx.chain,
      clock: ctx.clock,
      address: id.address,
    });
    fundedMutez = await ctx.chain.balance(id.address, 'writes');
    line.done(`Funded: ${tez(fundedMutez)} tez from the sandbox faucet`);
  }
  const balance = fundedMutez ?? (await ctx.chain.balance(id.address, 'writes'));
  if (balance === 0n) return { fundedMutez, bundle: { published: false, level: null, hash: null } };
  line.update('Publishing the key bundle…');
  const op = await engine.publishBundle();
  line.done(
    `Key bundle published${op.level !== undefined ? ` at level ${op.level}` : ' (already on chain)'}`,
  );
  return { fundedMutez, bundle: { published: true, level: op.level ?? null, hash: op.hash } };
}

export function initCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('init')
      .description(
        'Create the profile and its first identity (on the sandbox: funded and published)',
      )
      .option('--name <name>', 'a name for the identity (only you see it)', 'me')
      .option(
        '--import-key <secret>',
        'use this Tezos secret key (edsk…/spsk…/p2sk…; - reads stdin)',
      )
      .option('--mnemonic <words>', 'use the account of this BIP39 mnemonic (- reads stdin)'),
    true,
  ).action(async (o: NewIdentityOptions, cmd: Command) => {
    const g = globalsOf(cmd);
    const source = await accountSource(o);
    const ctx = await createContext(g);
    try {
      const id = await ctx.engine.createIdentity({ name: o.name ?? 'me', ...source });
      const done = await fundAndPublish(ctx, progressLine({ quiet: !!g.json }));
      const fingerprint = ctx.engine.fingerprint();
      if (g.json)
        return printJson({
          home: ctx.home,
          network: ctx.network.spec,
          identity: { name: id.name, address: id.address },
          fingerprint,
          ...done,
        });
      printLines([
        `Profile created in ${ctx.home} (network ${ctx.network.spec})`,
        `Identity ${id.name}: ${id.address}`,
        `Fingerprint: ${fingerprint}`,
        done.bundle.published
          ? `Share your address (${id.address}) so that people can write to you.`
          : `Fund ${id.address} with a few tez, then run \`mizu identity publish\`.`,
      ]);
    } finally {
      await ctx.close();
    }
  });
}
