/**
 * The run-time side of the interpreter: the `Runtime` every compiled
 * instruction receives, and running compiled code on a stack.
 *
 * Typechecking (typecheck.ts) compiles each instruction into a closure
 * `(stack, rt) => void` that mutates the stack in place (top of the stack =
 * end of the array) and charges its gas on `rt.gas`. There is no
 * instruction dispatch at run time and no type check: the typechecker has
 * proven the stack shapes. Views run with a derived Runtime (other self,
 * sender, balance, amount 0) sharing the same gas meter.
 */

import type { BigMapAccess, BigMapStore } from './bigMaps.js';
import type { ContractInfo, ExecutionContext } from './context.js';
import { addressFromString, chainIdFromString } from './encoding.js';
import type { GasMeter } from './gas.js';
import type { AddressValue, ChainIdValue, Value } from './values.js';

/** Mutable state shared by a whole execution (including views it calls). */
export interface SharedState {
  /** Next origination index for CREATE_CONTRACT addresses. */
  originationIndex: number;
  /** Typechecked scripts of other contracts, for VIEW. */
  readonly scripts: WeakMap<ContractInfo, unknown>;
  /** Addresses registered by INDEX_ADDRESS during this execution, with their index. */
  readonly registered: Map<string, bigint>;
}

export interface Runtime extends BigMapAccess {
  readonly gas: GasMeter;
  readonly ctx: ExecutionContext;
  readonly store: BigMapStore | undefined;
  readonly self: AddressValue;
  readonly sender: AddressValue;
  readonly source: AddressValue;
  readonly amount: bigint;
  readonly balance: bigint;
  readonly chainId: ChainIdValue;
  readonly shared: SharedState;
}

export type Run = (stack: Value[], rt: Runtime) => void;

export function addressValue(s: string): AddressValue {
  const a = addressFromString(s);
  return { kind: 'address', contract: a.contract, entrypoint: a.entrypoint };
}

export function makeRuntime(ctx: ExecutionContext, gas: GasMeter): Runtime {
  return {
    gas,
    ctx,
    store: ctx.bigMaps,
    self: addressValue(ctx.self),
    sender: addressValue(ctx.sender),
    source: addressValue(ctx.source),
    amount: ctx.amount,
    balance: ctx.balance,
    chainId: { kind: 'chain_id', bytes: chainIdFromString(ctx.chainId) },
    shared: {
      originationIndex: ctx.origination?.index ?? 0,
      scripts: new WeakMap(),
      registered: new Map(),
    },
  };
}
