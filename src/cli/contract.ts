/**
 * `mizu contract deploy`: originates contracts/mizu.tz on the chosen network
 * and records its address in the networks file (`HOME/networks.json` with
 * --home, else `$XDG_CONFIG_HOME/mizu/networks.json`), where later commands
 * find it (docs/chain.md).
 *
 * The deploy key comes from MIZU_DEPLOY_KEY (preferred: a command-line
 * argument is visible to other local users in the process list) or
 * --secret-key. It is never printed.
 */

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ensureSandbox } from '../adapters/chain/ensureSandbox.js';
import { ChainError } from '../adapters/chain/errors.js';
import {
  networkConfigPath,
  readNetworkConfig,
  recordContract,
  resolveNetwork,
} from '../adapters/chain/networks.js';
import { originateMizu } from '../adapters/chain/originate.js';
import { addGlobalOptions, globalsOf } from './globalOptions.js';
import { printJson, printLines } from './output.js';

const MIZU_TZ = new URL('../../contracts/mizu.tz', import.meta.url);

interface DeployOptions {
  contractFile?: string;
  secretKey?: string;
}

export function contractCommand(program: Command): void {
  const contract = program.command('contract').description('The Mizu contract on a network');
  addGlobalOptions(
    contract
      .command('deploy')
      .description('Originate the Mizu contract and record its address for the network')
      .option('--contract-file <file>', 'Michelson source (default: contracts/mizu.tz)')
      .option('--secret-key <key>', 'deploy key (prefer MIZU_DEPLOY_KEY: arguments are visible)'),
    true,
  ).action(async (o: DeployOptions, cmd: Command) => {
    const g = globalsOf(cmd);
    const secretKey = process.env.MIZU_DEPLOY_KEY || o.secretKey;
    if (!secretKey)
      throw new ChainError(
        'invalid-argument',
        'No deploy key: set MIZU_DEPLOY_KEY (or --secret-key) to a funded account’s secret key',
      );
    const path = networkConfigPath(g.home ? { home: g.home } : {});
    const network = resolveNetwork(g.network ?? 'sandbox', { config: readNetworkConfig(path) });
    if (network.sandbox) await ensureSandbox({ url: network.urls[0]! });
    const code = readFileSync(o.contractFile ?? MIZU_TZ, 'utf8');
    const r = await originateMizu({
      urls: network.urls,
      secretKey,
      code,
      ...(g.socks5 ? { socks5: g.socks5 } : {}),
    });
    recordContract(path, network.name, r.contract);
    const doc = {
      network: network.name,
      contract: r.contract,
      operation: r.operation,
      level: r.level,
      config: path,
    };
    if (g.json) return printJson(doc);
    printLines([
      `Originated the Mizu contract on ${network.name}: ${r.contract} (operation ${r.operation}, level ${r.level})`,
      `Recorded in ${path}`,
    ]);
  });
}
