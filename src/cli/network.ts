/**
 * Which Tezos network a command talks to: the embedded sandbox (default),
 * a public preset (mainnet, shadownet), a network named in the networks
 * file (`mizu contract deploy` records contracts there), or RPC URLs. The
 * chain adapter's networks.ts knows the presets and the file; this turns
 * its answer into the command line's terms.
 *
 * A profile remembers the network it was created on (in its encrypted
 * database), so later commands need no --network; giving a different one is
 * refused, since identities, contacts and sessions belong to one contract on
 * one chain.
 */
import {
  networkConfigPath,
  readNetworkConfig,
  resolveNetwork,
} from '../adapters/chain/networks.js';
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';

export interface NetworkChoice {
  /** As stored in the profile: 'sandbox', 'mainnet', 'shadownet', a name, or the URL list. */
  readonly spec: string;
  readonly sandbox: boolean;
  readonly urls: readonly string[];
  /** The Mizu contract, when known without asking the node. */
  readonly contract?: string;
}

/**
 * Resolves `spec`. `home` is --home (the networks file is `HOME/networks.json`
 * with it, else `$XDG_CONFIG_HOME/mizu/networks.json`); MIZU_CONTRACT, when
 * set, names the contract.
 */
export function parseNetwork(spec: string, home?: string): NetworkChoice {
  try {
    const config = readNetworkConfig(networkConfigPath(home ? { home } : {}));
    const contract = process.env.MIZU_CONTRACT;
    const r = resolveNetwork(spec, { config, ...(contract ? { contract } : {}) });
    return {
      spec: r.name,
      sandbox: r.sandbox,
      urls: r.urls,
      ...(r.contract ? { contract: r.contract } : {}),
    };
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}
