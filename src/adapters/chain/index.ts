/** The Taquito chain adapter's public surface (docs/chain.md). */

export { verifiedBundleOf } from './bundleCheck.js';
export {
  defaultSandboxDataDir,
  type EnsuredSandbox,
  ensureSandbox,
  probeSandbox,
} from './ensureSandbox.js';
export { ChainError, type ChainErrorCode } from './errors.js';
export {
  type NetworkConfig,
  type NetworkPreset,
  networkConfigPath,
  PRESETS,
  type PresetName,
  type ResolvedNetwork,
  readNetworkConfig,
  recordContract,
  resolveNetwork,
  SANDBOX_URL,
} from './networks.js';
export { MIZU_INITIAL_STORAGE, type Originated, originateMizu } from './originate.js';
export { parseSocks5, type Socks5Proxy } from './socks.js';
export { type ChainOptions, createChain, type MizuChain } from './taquitoChain.js';
