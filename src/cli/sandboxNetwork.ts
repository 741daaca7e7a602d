/**
 * Making the chosen network reachable before a profile is opened on it: the
 * sandbox preset is started in the background when nothing answers
 * (ensureSandbox: `mizu sandbox start --detach` on 127.0.0.1:18732); for
 * URLs, whether the node answers at all (else exit 3) and whether it is a
 * Mizu sandbox (it then names its contract and has a faucet); for public
 * presets, that a contract is known.
 */
import { ensureSandbox, probeSandbox } from '../adapters/chain/ensureSandbox.js';
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';
import type { NetworkChoice } from './network.js';

export interface NetworkTarget {
  readonly urls: readonly string[];
  readonly contract?: string;
  /** The node is a Mizu sandbox: it has a faucet. */
  readonly faucet: boolean;
}

/** Whether anything answers HTTP at `rpc` (any status counts as an answer). */
async function answers(rpc: string): Promise<boolean> {
  try {
    await fetch(`${rpc.replace(/\/+$/, '')}/version`, { signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

export async function ensureNetwork(
  network: NetworkChoice,
  opts: { quiet: boolean; socks5?: string },
): Promise<NetworkTarget> {
  const rpc = network.urls[0]!;
  if (network.sandbox) {
    if (!(await probeSandbox(rpc)) && !opts.quiet)
      process.stderr.write(`Starting the Mizu sandbox on ${rpc} (in the background)…\n`);
    const s = await ensureSandbox({ url: rpc });
    return { urls: [s.url], contract: s.contract, faucet: true };
  }
  // Behind a proxy, no direct probe: the chain adapter asks through the proxy.
  if (opts.socks5)
    return {
      urls: network.urls,
      ...(network.contract ? { contract: network.contract } : {}),
      faucet: !network.contract,
    };
  if (!(await answers(rpc))) throw new CliError(`Cannot reach ${rpc}: no answer`, EXIT.network);
  const sandbox = await probeSandbox(rpc);
  const contract = network.contract ?? sandbox;
  if (!contract)
    throw new CliError(
      `No Mizu contract is known on ${network.spec}: deploy one (mizu contract deploy) or set MIZU_CONTRACT=KT1…`,
      EXIT.usage,
    );
  return { urls: network.urls, contract, faucet: sandbox !== null };
}
