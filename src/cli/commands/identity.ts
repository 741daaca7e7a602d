/**
 * `mizu whoami` and `mizu identity list|create|use|publish|rotate-prekey`:
 * the Tezos accounts this profile holds, which one is current, and its key
 * bundle on chain.
 */
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { tez } from '../format.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';
import { progressLine } from '../progressLine.js';
import { accountSource, fundAndPublish, type NewIdentityOptions } from './init.js';

export function whoamiCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('whoami')
      .description('Current identity: address, fingerprint, balance, bundle'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine, network }) => {
      const id = engine.current();
      const s = await engine.status();
      const doc = {
        name: id.name,
        address: id.address,
        fingerprint: engine.fingerprint(),
        network: network.spec,
        balanceMutez: s.balanceMutez,
        bundlePublished: s.bundlePublished,
        prekeyEpoch: id.prekeyEpoch,
      };
      if (g.json) return printJson(doc);
      printLines([
        `${id.name} ${id.address}`,
        `Fingerprint: ${doc.fingerprint}`,
        `Balance: ${tez(s.balanceMutez)} tez on ${network.spec}`,
        `Bundle: ${s.bundlePublished ? `published (prekey epoch ${id.prekeyEpoch})` : 'not published (mizu identity publish)'}`,
      ]);
    });
  });
}

export function identityCommand(program: Command): void {
  const identity = program
    .command('identity')
    .description('Identities (Tezos accounts) of this profile');

  addGlobalOptions(identity.command('list').description('List identities'), true).action(
    async (_o: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      await withContext(g, async ({ engine }) => {
        const ids = engine.listIdentities();
        if (g.json) return printJson(ids);
        printLines(
          ids.map(
            (i) =>
              `${i.current ? '*' : ' '} ${i.name.padEnd(16)} ${i.address}${i.bundlePublished ? '' : '  (bundle not published)'}`,
          ),
        );
      });
    },
  );

  addGlobalOptions(
    identity
      .command('create')
      .description('Create (or import) another identity; on the sandbox, fund and publish it')
      .requiredOption('--name <name>', 'its name (only you see it)')
      .option('--import-key <secret>', 'use this Tezos secret key (- reads stdin)')
      .option('--mnemonic <words>', 'use the account of this BIP39 mnemonic (- reads stdin)')
      .option('--use', 'make it the current identity'),
    true,
  ).action(async (o: NewIdentityOptions & { use?: boolean }, cmd: Command) => {
    const g = globalsOf(cmd);
    const source = await accountSource(o);
    await withContext(g, async (ctx) => {
      const previous = ctx.engine.current().address;
      const id = await ctx.engine.createIdentity({ name: o.name!, ...source });
      ctx.engine.useIdentity(id.address);
      try {
        const done = await fundAndPublish(ctx, progressLine({ quiet: !!g.json }));
        if (g.json)
          return printJson({ name: id.name, address: id.address, current: !!o.use, ...done });
        printLines([`Identity ${id.name}: ${id.address}${o.use ? ' (now current)' : ''}`]);
      } finally {
        // biome-ignore lint/correctness/useHookAtTopLevel: an engine method, not a React hook
        if (!o.use) ctx.engine.useIdentity(previous);
      }
    });
  });

  addGlobalOptions(
    identity
      .command('use')
      .description('Make an identity current')
      .argument('<identity>', 'name or address'),
    true,
  ).action(async (which: string, _o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      engine.useIdentity(which);
      const id = engine.current();
      if (g.json) return printJson(id);
      printLines([`Current identity: ${id.name} ${id.address}`]);
    });
  });

  addGlobalOptions(
    identity.command('publish').description('Publish the current key bundle'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const line = progressLine({ quiet: !!g.json });
      line.update('Publishing the key bundle…');
      const op = await engine.publishBundle();
      line.done(
        op.hash ? `Key bundle published at level ${op.level}` : 'Key bundle already on chain',
      );
      if (g.json) printJson(op);
    });
  });

  addGlobalOptions(
    identity
      .command('rotate-prekey')
      .description('New signed prekey (old one kept for the grace period), republished'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine }) => {
      const line = progressLine({ quiet: !!g.json });
      line.update('Rotating the signed prekey and publishing the new bundle…');
      const op = await engine.rotatePrekey();
      const epoch = engine.current().prekeyEpoch;
      line.done(
        `Prekey epoch ${epoch} published${op.level !== undefined ? ` at level ${op.level}` : ''}`,
      );
      if (g.json) printJson({ ...op, prekeyEpoch: epoch });
    });
  });
}
