/**
 * Runtime representation of Michelson values.
 *
 *   int, nat, mutez, timestamp   bigint
 *   bool                         boolean
 *   string                       string (printable ASCII and \n)
 *   bytes                        Uint8Array
 *   everything else              a frozen object tagged by `kind`
 *
 * Values are immutable and shared freely (DUP pushes the same reference).
 * Lists are persistent cons lists (CONS and IF_CONS in O(1)); sets, maps and
 * big-map overlays are persistent AVL trees (tree.ts, updates in O(log n)). The type of a value is known
 * statically from the typechecker, so values carry no type except where an
 * instruction needs one at run time (big maps, lambdas, contracts, operations).
 */

import type { SignatureScheme } from './encoding.js';
import type { Expr } from './micheline.js';
import type { Tree } from './tree.js';
import type { MType } from './types.js';

export interface UnitValue {
  readonly kind: 'unit';
}
export interface PairValue {
  readonly kind: 'pair';
  readonly fst: Value;
  readonly snd: Value;
}
export interface SomeValue {
  readonly kind: 'some';
  readonly value: Value;
}
export interface NoneValue {
  readonly kind: 'none';
}
export interface OrValue {
  readonly kind: 'left' | 'right';
  readonly value: Value;
}
export interface ListValue {
  readonly kind: 'list';
  readonly size: number;
  /** Present iff size > 0. */
  readonly head?: Value;
  readonly tail?: ListValue;
}
export interface SetValue {
  readonly kind: 'set';
  readonly tree: Tree<true>;
}
export interface MapValue {
  readonly kind: 'map';
  readonly tree: Tree<Value>;
}
/**
 * A big map: an optional id of a big map in the store, plus an overlay of
 * changes made during this execution (`undefined` = removed). A big map
 * without an id is wholly in the overlay.
 */
export interface BigMapValue {
  readonly kind: 'big_map';
  readonly id: bigint | undefined;
  readonly keyType: MType;
  readonly valueType: MType;
  /** Changes since the store's version: a value, or undefined for a removal. */
  readonly overlay: Tree<Value | undefined>;
}
export interface AddressValue {
  readonly kind: 'address';
  /** 22-byte destination encoding (see encoding.ts). */
  readonly contract: Uint8Array;
  /** '' for the default entrypoint. */
  readonly entrypoint: string;
}
export interface KeyHashValue {
  readonly kind: 'key_hash';
  readonly bytes: Uint8Array;
}
export interface KeyValue {
  readonly kind: 'key';
  readonly bytes: Uint8Array;
}
export interface SignatureValue {
  readonly kind: 'signature';
  readonly bytes: Uint8Array;
  readonly scheme: SignatureScheme;
}
export interface ChainIdValue {
  readonly kind: 'chain_id';
  readonly bytes: Uint8Array;
}
export interface ContractValue {
  readonly kind: 'contract';
  readonly address: AddressValue;
  readonly paramType: MType;
}
export interface TicketValue {
  readonly kind: 'ticket';
  readonly ticketer: AddressValue;
  readonly contentType: MType;
  readonly contents: Value;
  readonly amount: bigint;
}

/** Compiled code of a lambda: runs on a stack holding the argument. */
export interface LambdaCode {
  run(stack: Value[], rt: unknown): void;
}

export interface LambdaValue {
  readonly kind: 'lambda';
  readonly arg: MType;
  readonly ret: MType;
  readonly recursive: boolean;
  readonly code: LambdaCode;
  /** Source Micheline of the body (for PACK and unparsing); built lazily. */
  readonly source: () => Expr;
  /** Nesting of APPLY closures, bounded like the protocol's unparsing depth. */
  readonly depth: number;
}

export type Operation =
  | {
      readonly type: 'transaction';
      readonly destination: AddressValue;
      readonly amount: bigint;
      readonly param: Value;
      readonly paramType: MType;
    }
  | { readonly type: 'delegation'; readonly delegate: KeyHashValue | undefined }
  | {
      readonly type: 'origination';
      readonly address: AddressValue;
      readonly delegate: KeyHashValue | undefined;
      readonly amount: bigint;
      readonly code: Expr;
      readonly storage: Value;
      readonly storageType: MType;
    }
  | {
      readonly type: 'event';
      readonly tag: string;
      readonly eventType: MType;
      readonly eventTypeExpr: Expr;
      readonly payload: Value;
    };

export interface OperationValue {
  readonly kind: 'operation';
  readonly op: Operation;
}

export type Value =
  | bigint
  | boolean
  | string
  | Uint8Array
  | UnitValue
  | PairValue
  | SomeValue
  | NoneValue
  | OrValue
  | ListValue
  | SetValue
  | MapValue
  | BigMapValue
  | AddressValue
  | KeyHashValue
  | KeyValue
  | SignatureValue
  | ChainIdValue
  | ContractValue
  | TicketValue
  | LambdaValue
  | OperationValue;

export const UNIT: UnitValue = Object.freeze({ kind: 'unit' });
export const NONE: NoneValue = Object.freeze({ kind: 'none' });
export const EMPTY_LIST: ListValue = Object.freeze({ kind: 'list', size: 0 });
export const EMPTY_SET: SetValue = Object.freeze({ kind: 'set', tree: undefined });
export const EMPTY_MAP: MapValue = Object.freeze({ kind: 'map', tree: undefined });

export const pair = (fst: Value, snd: Value): PairValue => ({ kind: 'pair', fst, snd });
export const some = (value: Value): SomeValue => ({ kind: 'some', value });
export const left = (value: Value): OrValue => ({ kind: 'left', value });
export const right = (value: Value): OrValue => ({ kind: 'right', value });
export const cons = (head: Value, tail: ListValue): ListValue => ({
  kind: 'list',
  size: tail.size + 1,
  head,
  tail,
});

export function listFromArray(items: readonly Value[]): ListValue {
  let l = EMPTY_LIST;
  for (let i = items.length - 1; i >= 0; i--) l = cons(items[i] as Value, l);
  return l;
}

export function listToArray(l: ListValue): Value[] {
  const out: Value[] = [];
  for (let c = l; c.size > 0; c = c.tail as ListValue) out.push(c.head as Value);
  return out;
}
