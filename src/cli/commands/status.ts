/** `mizu status`: network, head level, balance, and what a typical message costs. */
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { tez } from '../format.js';
import { addGlobalOptions, globalsOf } from '../globalOptions.js';
import { printJson, printLines } from '../output.js';

export function statusCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('status')
      .description('Network, head level, balance, cost of a typical message'),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    await withContext(g, async ({ engine, network, chain, home }) => {
      const s = await engine.status();
      const c = s.typicalMessageCost;
      const id = engine.current();
      const doc = {
        home,
        network: network.spec,
        contract: chain.contract,
        chainId: chain.chainId,
        headLevel: s.headLevel,
        identity: { name: id.name, address: s.address },
        balanceMutez: s.balanceMutez,
        bundlePublished: s.bundlePublished,
        typicalMessageCost: c,
        socks5: g.socks5 ?? null,
      };
      if (g.json) return printJson(doc);
      printLines([
        `Network: ${network.spec} (${chain.chainId}), head level ${s.headLevel}, contract ${chain.contract}${g.socks5 ? `, through SOCKS5 ${g.socks5}` : ''}`,
        `Identity: ${id.name} ${s.address}, balance ${tez(s.balanceMutez)} tez, bundle ${s.bundlePublished ? 'published' : 'not published'}`,
        `A typical message costs ${tez(c.totalMutez)} tez (fee ${tez(c.feeMutez)} + storage burn ${tez(c.burnMutez)}, ${c.storageBytes} bytes)`,
        `Profile: ${home}`,
      ]);
    });
  });
}
