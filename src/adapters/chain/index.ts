/** The Taquito chain adapter's public surface (docs/chain.md). */

export { verifiedBundleOf } from './bundleCheck.js';
export { ChainError, type ChainErrorCode } from './errors.js';
export { parseSocks5, type Socks5Proxy } from './socks.js';
export { type ChainOptions, createChain, type MizuChain } from './taquitoChain.js';
