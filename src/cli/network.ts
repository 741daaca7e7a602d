/**
 * Which Tezos network a command talks to: the embedded sandbox (default),
 * a public network preset, or RPC URLs. A profile remembers the network it
 * was created on (in its encrypted database), so later commands need no
 * --network; giving a different one is refused, since identities, contacts
 * and sessions belong to one contract on one chain.
 */
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';

/** Where `mizu sandbox start` listens by default, and where the CLI looks for it. */
export const SANDBOX_RPC = 'http://127.0.0.1:18732';

export interface NetworkChoice {
  /** As given and stored: 'sandbox', 'mainnet', 'shadownet', or the URL list. */
  readonly spec: string;
  /** A name for people: the preset's name, or 'custom'. */
  readonly name: string;
  readonly sandbox: boolean;
  /** RPC URLs; empty for a preset whose URLs the chain adapter knows. */
  readonly urls: readonly string[];
}

export function parseNetwork(spec: string): NetworkChoice {
  const s = spec.trim();
  if (s === 'sandbox') return { spec: s, name: 'sandbox', sandbox: true, urls: [SANDBOX_RPC] };
  if (s === 'mainnet' || s === 'shadownet') return { spec: s, name: s, sandbox: false, urls: [] };
  const urls = s.split(',').map((u) => u.trim());
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new CliError(
        `Unknown network ${JSON.stringify(u)}: use sandbox, mainnet, shadownet or http(s) URLs`,
        EXIT.usage,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new CliError(`Cannot use ${u}: only http and https RPC URLs`, EXIT.usage);
  }
  return { spec: urls.join(','), name: 'custom', sandbox: false, urls };
}
