/**
 * Public network presets as the command line uses them: RPC URLs and the
 * Mizu contract, when one is deployed there. (Placeholder until the chain
 * adapter's networks.ts lands; then this re-exports it.)
 */
export interface Preset {
  readonly urls: readonly string[];
  readonly contract: string | null;
}

const PRESETS: Readonly<Record<string, Preset>> = {
  mainnet: {
    urls: [
      'https://mainnet.tezos.ecadinfra.com',
      'https://rpc.tzbeta.net',
      'https://mainnet.smartpy.io',
    ],
    contract: null,
  },
  shadownet: { urls: ['https://rpc.shadownet.teztnets.com'], contract: null },
};

export function presetOf(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`Unknown network preset ${name}`);
  return p;
}
