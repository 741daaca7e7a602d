/**
 * Making the chosen network reachable: for the sandbox preset, a sandbox on
 * 127.0.0.1:18732, started in the background (`mizu sandbox start
 * --detach`, data in the default sandbox directory) when none answers; for
 * URLs, whether the node is a Mizu sandbox (it then has a faucet and names
 * its contract); for public presets, their URLs and contract.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';
import type { NetworkChoice } from './network.js';
import { presetOf } from './presets.js';

const run = promisify(execFile);
const MIZU_BIN = fileURLToPath(new URL('../../bin/mizu.js', import.meta.url));

export interface NetworkTarget {
  readonly urls: readonly string[];
  readonly contract?: string;
  /** The node is a Mizu sandbox: it has a faucet. */
  readonly faucet: boolean;
}

/** What a node says at /mizu/contract: its contract (a Mizu sandbox), null (another node), or no answer. */
export async function probeSandbox(rpc: string): Promise<string | null | 'unreachable'> {
  let r: Response;
  try {
    r = await fetch(`${rpc.replace(/\/$/, '')}/mizu/contract`, {
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    return 'unreachable';
  }
  if (!r.ok) return null;
  try {
    const a = ((await r.json()) as { address?: unknown }).address;
    return typeof a === 'string' ? a : null;
  } catch {
    return null;
  }
}

/** The sandbox's contract, or null when nothing (or not a sandbox) answers at `rpc`. */
export async function sandboxContract(rpc: string): Promise<string | null> {
  const p = await probeSandbox(rpc);
  return p === 'unreachable' ? null : p;
}

async function startSandbox(rpc: string, quiet: boolean): Promise<string> {
  const { port } = new URL(rpc);
  if (!quiet) process.stderr.write(`Starting the Mizu sandbox on ${rpc} (in the background)…\n`);
  try {
    await run(
      process.execPath,
      [MIZU_BIN, 'sandbox', 'start', '--detach', '--json', '--port', port || '18732'],
      { timeout: 90_000 },
    );
  } catch (e) {
    throw new CliError(
      `Cannot start the sandbox on ${rpc}: ${(e as Error).message.split('\n', 1)[0]}`,
      EXIT.network,
    );
  }
  const contract = await sandboxContract(rpc);
  if (!contract) throw new CliError(`Cannot start the sandbox on ${rpc}: no answer`, EXIT.network);
  return contract;
}

export async function ensureNetwork(
  network: NetworkChoice,
  opts: { quiet: boolean; socks5?: string },
): Promise<NetworkTarget> {
  if (network.sandbox) {
    const rpc = network.urls[0]!;
    const contract = (await sandboxContract(rpc)) ?? (await startSandbox(rpc, opts.quiet));
    return { urls: [rpc], contract, faucet: true };
  }
  if (network.urls.length > 0) {
    const override = process.env.MIZU_CONTRACT;
    // Behind a proxy, no direct probe: the chain adapter asks through the proxy.
    if (opts.socks5)
      return { urls: network.urls, ...(override ? { contract: override } : {}), faucet: !override };
    const probe = await probeSandbox(network.urls[0]!);
    if (probe === 'unreachable')
      throw new CliError(`Cannot reach ${network.urls[0]}: no answer`, EXIT.network);
    if (override) return { urls: network.urls, contract: override, faucet: probe !== null };
    if (probe) return { urls: network.urls, contract: probe, faucet: true };
    throw new CliError(
      `Cannot tell which Mizu contract to use on ${network.spec}: set MIZU_CONTRACT=KT1…`,
      EXIT.usage,
    );
  }
  const preset = presetOf(network.name);
  const contract = process.env.MIZU_CONTRACT || preset.contract;
  if (!contract)
    throw new CliError(
      `No Mizu contract is known on ${network.name} yet: deploy one (\`mizu contract deploy\`) and set MIZU_CONTRACT=KT1…`,
      EXIT.usage,
    );
  return { urls: preset.urls, contract, faucet: false };
}
