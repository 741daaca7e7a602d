/**
 * What an operation costs, from Taquito's estimates (one simulation of the
 * whole batch, reveal included when the account is not yet revealed).
 *
 * fee = Σ suggested fees; storage bytes = Σ bytes the simulation says the
 * operation adds (Taquito's storage limit minus the 20-byte safety buffer it
 * adds to every operation that uses storage); burn = bytes × cost_per_byte
 * from the protocol constants. Pure.
 */

import type { OperationCost } from '../../ports/chain.js';

/** Taquito's RPCEstimateProvider.STORAGE_BUFFER (octez-client's margin). */
export const TAQUITO_STORAGE_BUFFER = 20;

export interface EstimatePart {
  readonly suggestedFeeMutez: number;
  readonly gasLimit: number;
  /** Taquito's storage limit (simulated bytes + buffer, or 0). */
  readonly storageLimit: number;
}

export function operationCost(parts: readonly EstimatePart[], costPerByte: bigint): OperationCost {
  let fee = 0n;
  let gas = 0;
  let bytes = 0;
  for (const p of parts) {
    fee += BigInt(p.suggestedFeeMutez);
    gas += p.gasLimit;
    bytes += p.storageLimit > 0 ? Math.max(0, p.storageLimit - TAQUITO_STORAGE_BUFFER) : 0;
  }
  const burn = BigInt(bytes) * costPerByte;
  return {
    feeMutez: fee,
    burnMutez: burn,
    gasLimit: gas,
    storageBytes: bytes,
    totalMutez: fee + burn,
  };
}
