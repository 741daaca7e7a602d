/**
 * Networks: presets (the embedded sandbox, mainnet, shadownet), custom URL
 * lists, and the small JSON file that remembers which Mizu contract is
 * deployed where (`mizu contract deploy` writes it).
 *
 * The contract address comes, first that answers: from --contract, from the
 * networks file, from the preset; against a Mizu sandbox it is discovered
 * from the node itself (createChain asks GET /mizu/contract).
 *
 * Public RPC URLs were taken from public listings (teztnets, the RPC
 * providers' pages) in November 2026; each request picks one at random, so
 * no one operator sees every read. They change: a user can override them.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `mizu sandbox start` listens by default. */
export const SANDBOX_URL = 'http://127.0.0.1:18732';

export type PresetName = 'sandbox' | 'mainnet' | 'shadownet';

export interface NetworkPreset {
  readonly name: PresetName;
  readonly urls: readonly string[];
  /** The chain id its nodes must report (null: any, e.g. a sandbox). */
  readonly chainId: string | null;
  /** The Mizu contract known to be deployed there (null: none yet). */
  readonly contract: string | null;
}

export const PRESETS: Readonly<Record<PresetName, NetworkPreset>> = {
  sandbox: { name: 'sandbox', urls: [SANDBOX_URL], chainId: null, contract: null },
  mainnet: {
    name: 'mainnet',
    urls: [
      'https://mainnet.ecadinfra.com',
      'https://rpc.tzbeta.net',
      'https://mainnet.tezos.marigold.dev',
      'https://mainnet.smartpy.io',
      'https://rpc.tzkt.io/mainnet',
    ],
    chainId: 'NetXdQprcVkpaWU',
    contract: null,
  },
  shadownet: {
    name: 'shadownet',
    urls: [
      'https://rpc.shadownet.teztnets.com',
      'https://shadownet.ecadinfra.com',
      'https://shadownet.smartpy.io',
      'https://rpc.tzkt.io/shadownet',
    ],
    chainId: 'NetXsqzbfFenSTS',
    contract: null,
  },
};

export interface NetworkEntry {
  readonly contract?: string;
  readonly urls?: readonly string[];
}

/** The networks file: `{"networks": {"<name>": {"contract": "KT1…", "urls": […]}}}`. */
export interface NetworkConfig {
  readonly networks: Readonly<Record<string, NetworkEntry>>;
}

const KT1 = /^KT1[1-9A-HJ-NP-Za-km-z]{33}$/;

/** `HOME/networks.json` with --home, else `$XDG_CONFIG_HOME/mizu/networks.json` (or ~/.config). */
export function networkConfigPath(
  options: { home?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  if (options.home) return join(options.home, 'networks.json');
  const env = options.env ?? process.env;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mizu', 'networks.json');
}

function checkUrls(urls: readonly string[], where: string): void {
  if (urls.length === 0) throw new RangeError(`${where}: no RPC URL`);
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new RangeError(`${where}: ${JSON.stringify(u)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new RangeError(`${where}: ${url.origin} is not http(s)`);
  }
}

/** Reads the networks file; a missing file is an empty one, a malformed one is an error. */
export function readNetworkConfig(path: string): NetworkConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { networks: {} };
    throw e;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RangeError(`Cannot read ${path}: not JSON`);
  }
  const networks = (v as { networks?: unknown })?.networks;
  if (typeof networks !== 'object' || networks === null || Array.isArray(networks))
    throw new RangeError(`Cannot read ${path}: expected {"networks": {…}}`);
  for (const [name, e] of Object.entries(networks as Record<string, NetworkEntry>)) {
    if (e.contract !== undefined && !KT1.test(String(e.contract)))
      throw new RangeError(`Cannot read ${path}: ${name}.contract is not a KT1 address`);
    if (e.urls !== undefined) checkUrls(e.urls, `Cannot read ${path}: ${name}.urls`);
  }
  return { networks: networks as Record<string, NetworkEntry> };
}

/** Records `contract` for `network` (keeping the rest of the file); atomic replace. */
export function recordContract(
  path: string,
  network: string,
  contract: string,
  urls?: readonly string[],
): void {
  if (!KT1.test(contract)) throw new RangeError(`${contract} is not a KT1 address`);
  const current = readNetworkConfig(path);
  const entry: NetworkEntry = {
    ...current.networks[network],
    contract,
    ...(urls ? { urls: [...urls] } : {}),
  };
  const next: NetworkConfig = { networks: { ...current.networks, [network]: entry } };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export interface ResolvedNetwork {
  /** 'sandbox', 'mainnet', 'shadownet', a name from the networks file, or the URL list. */
  readonly name: string;
  readonly urls: readonly string[];
  /** Undefined: ask the node (a Mizu sandbox names its contract). */
  readonly contract?: string;
  readonly chainId?: string;
  /** The preset sandbox (may be started on demand: ensureSandbox). */
  readonly sandbox: boolean;
}

/**
 * `spec` is a preset name, a name from the networks file, or RPC URLs
 * separated by commas. `contract` (the --contract flag) wins over the file.
 */
export function resolveNetwork(
  spec: string,
  options: { contract?: string; config?: NetworkConfig } = {},
): ResolvedNetwork {
  const s = spec.trim();
  const config = options.config ?? { networks: {} };
  if (options.contract !== undefined && !KT1.test(options.contract))
    throw new RangeError(`--contract ${options.contract} is not a KT1 address`);
  const preset = (PRESETS as Record<string, NetworkPreset | undefined>)[s];
  const entry = config.networks[s];
  let urls: readonly string[];
  if (preset) urls = entry?.urls ?? preset.urls;
  else if (entry?.urls) urls = entry.urls;
  else {
    urls = s.split(',').map((u) => u.trim().replace(/\/+$/, ''));
    checkUrls(urls, `Unknown network ${JSON.stringify(s)} (sandbox, mainnet, shadownet or URLs)`);
  }
  const name = preset || entry ? s : urls.join(',');
  const contract = options.contract ?? config.networks[name]?.contract ?? preset?.contract;
  return {
    name,
    urls,
    ...(contract ? { contract } : {}),
    ...(preset?.chainId ? { chainId: preset.chainId } : {}),
    sandbox: s === 'sandbox',
  };
}
