/**
 * The execution context: everything a script can observe about the chain,
 * passed in by the caller (the sandbox, a TZT test) so that the interpreter
 * stays pure — no clock, no I/O.
 */

import type { BigMapStore } from './bigMaps.js';
import type { Expr } from './micheline.js';

/** What the interpreter needs to know about another contract. */
export interface ContractInfo {
  /** Parameter type, with its entrypoint annotations (for CONTRACT). */
  readonly parameter: Expr;
  /** Storage type and current storage (Micheline, big maps as ids), for VIEW. */
  readonly storageType?: Expr;
  readonly storage?: Expr;
  /** Toplevel `view` sections: `view "name" arg_ty ret_ty { code }`. */
  readonly views?: readonly Expr[];
  readonly balance?: bigint;
}

export interface ExecutionContext {
  /** Address of the contract being run (SELF, SELF_ADDRESS). */
  readonly self: string;
  readonly sender: string;
  readonly source: string;
  /** Mutez. */
  readonly amount: bigint;
  /** Balance of `self` in mutez, the transferred amount included (as BALANCE sees it). */
  readonly balance: bigint;
  /** Seconds since the epoch (timestamp of the block being built). */
  readonly now: bigint;
  readonly level: bigint;
  /** Base58 chain id ("Net…"). */
  readonly chainId: string;
  readonly minBlockTime?: bigint;
  readonly totalVotingPower?: bigint;
  /** Voting power of a baker by key hash (tz…), 0 when unknown. */
  readonly votingPower?: (keyHash: string) => bigint;
  /**
   * Originated contracts by address (CONTRACT, VIEW, `contract` parameters),
   * the running contract included (CONTRACT on SELF_ADDRESS, views on itself,
   * with its storage as of the start of the call). Implicit accounts need no
   * entry.
   */
  readonly contract?: (address: string) => ContractInfo | undefined;
  /**
   * Origination nonce for CREATE_CONTRACT addresses: the hash of the
   * operation being applied and the index of the next origination in it.
   */
  readonly origination?: { readonly operationHash: Uint8Array; readonly index: number };
  /** Big maps in storage (and those of other contracts read by views). */
  readonly bigMaps?: BigMapStore;
  /**
   * The address registry (INDEX_ADDRESS, GET_ADDRESS_INDEX): the index of a
   * registered address (base58, no entrypoint), and how many are registered
   * (the next index handed out).
   */
  readonly addressIndex?: (address: string) => bigint | undefined;
  readonly addressRegistrySize?: bigint;
}

/** Defaults used by TZT and tests (the values the TZT specification names). */
export const DEFAULT_CONTEXT: ExecutionContext = {
  self: 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi',
  sender: 'tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx',
  source: 'tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx',
  amount: 0n,
  balance: 0n,
  now: 0n,
  level: 0n,
  chainId: 'NetXdQprcVkpaWU',
};
