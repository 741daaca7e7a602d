/**
 * What the engine's modules share: the ports, the store, the chain id, a
 * cache of signers and chain writers, and the event emitter.
 */

import type { Chain, ChainWriter } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { SignerCache } from './account.js';
import type { BundleContext } from './bundles.js';
import type { EngineStore } from './storeShape.js';
import type { EngineEvent } from './types.js';

export interface EngineContext {
  readonly store: EngineStore;
  readonly chain: Chain;
  readonly clock: Clock;
  readonly random: Random;
  readonly network: string;
  /** Read counters one contact at a time, each in its own isolation group (EngineDeps). */
  readonly isolatedCounterReads: boolean;
  readonly signers: SignerCache;
  bundleContext(): Promise<BundleContext>;
  writer(secretKey: string): Promise<ChainWriter>;
  emit(event: EngineEvent): void;
}

/** An error's `code`, if it has a string one (ChainError, EngineError, ProtocolError). */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function newContext(params: {
  store: EngineStore;
  chain: Chain;
  clock: Clock;
  random: Random;
  network: string;
  chainId?: string;
  isolatedCounterReads?: boolean;
  emit: (e: EngineEvent) => void;
}): EngineContext {
  const writers = new Map<string, Promise<ChainWriter>>();
  let chainId: Promise<string> | null = null;
  const resolveChainId = async (): Promise<string> => {
    if (params.chainId) return params.chainId;
    const c = (params.chain as unknown as { chainId?: unknown }).chainId;
    if (typeof c === 'string') return c;
    if (typeof c === 'function')
      return String(await (c as () => Promise<string>).call(params.chain));
    throw new Error('The engine needs the chain id: pass EngineDeps.chainId');
  };
  return {
    store: params.store,
    chain: params.chain,
    clock: params.clock,
    random: params.random,
    network: params.network,
    isolatedCounterReads: params.isolatedCounterReads ?? true,
    signers: new SignerCache(),
    async bundleContext() {
      chainId ??= resolveChainId();
      return { contract: params.chain.contract, chainId: await chainId };
    },
    writer(secretKey) {
      let w = writers.get(secretKey);
      if (!w) {
        w = params.chain.writer(secretKey);
        w.catch(() => writers.delete(secretKey));
        writers.set(secretKey, w);
      }
      return w;
    },
    emit: params.emit,
  };
}
