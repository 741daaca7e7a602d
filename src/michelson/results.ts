/**
 * What contract.ts returns: the typechecked Script, internal operations,
 * typed execution errors and results, and the conversion of run-time
 * values and errors into them.
 */

import { addressToString, keyHashToString } from './encoding.js';
import {
  asMichelsonError,
  EntrypointNotFoundError,
  FailwithError,
  MichelsonError,
  UnsupportedError,
  ViewNotFoundError,
} from './errors.js';
import type { LazyStorageDiffItem } from './lazyStorage.js';
import type { Expr } from './micheline.js';
import type { TypedScript } from './script.js';
import { normalizeCode, unparseData } from './unparse.js';
import type { OperationValue } from './values.js';

export interface Script {
  /** The script as stored by the node: sections with PUSH data in Optimized form. */
  readonly code: Expr[];
  readonly parameterType: Expr;
  readonly storageType: Expr;
  /** Named entrypoints and their types, as the node's `…/entrypoints` RPC lists them. */
  readonly entrypoints: Readonly<Record<string, Expr>>;
  /** Views: name → input and output types. */
  readonly views: Readonly<Record<string, { readonly input: Expr; readonly output: Expr }>>;
  /** Bytes of `code` in binary Micheline. */
  readonly codeSize: number;
  /** Disagreements of michel-codec's typechecker with ours (we are authoritative). */
  readonly warnings: readonly string[];
  /** @internal compiled form */
  readonly typed: TypedScript;
}

export type InternalOperation =
  | {
      readonly kind: 'transaction';
      readonly destination: string;
      readonly entrypoint: string;
      readonly amount: bigint;
      readonly parameters: Expr;
    }
  | { readonly kind: 'delegation'; readonly delegate?: string }
  | {
      readonly kind: 'origination';
      readonly address: string;
      readonly delegate?: string;
      readonly balance: bigint;
      readonly script: { readonly code: Expr; readonly storage: Expr };
    }
  | { readonly kind: 'event'; readonly tag: string; readonly type: Expr; readonly payload: Expr };

export type ExecutionError =
  | { readonly kind: 'failwith'; readonly with: Expr; readonly readable: Expr }
  | { readonly kind: 'gas_exhausted' }
  | { readonly kind: 'entrypoint_not_found'; readonly entrypoint: string }
  | { readonly kind: 'view_not_found'; readonly view: string }
  | { readonly kind: 'unsupported'; readonly feature: string; readonly message: string }
  | { readonly kind: 'bad_parameter' | 'bad_storage' | 'bad_script'; readonly message: string }
  | { readonly kind: 'overflow' | 'too_deep' | 'runtime_error'; readonly message: string };

export interface Failed {
  readonly status: 'failed';
  readonly error: ExecutionError;
  readonly consumedMilligas: number;
}

export interface Applied {
  readonly status: 'applied';
  /** New storage, Optimized form, big maps as ids. */
  readonly storage: Expr;
  readonly operations: InternalOperation[];
  readonly lazyStorageDiff: LazyStorageDiffItem[];
  readonly consumedMilligas: number;
  /** Bytes of the new storage (binary Micheline). */
  readonly storageBytes: number;
  /** Change of the contract's used bytes: storage bytes + big maps (storageSize.ts). */
  readonly storageSizeDiff: number;
  /** Next free big-map id when `nextBigMapId` was given. */
  readonly nextBigMapId?: bigint;
  /** Next origination index (CREATE_CONTRACT). */
  readonly originationIndex: number;
  /** Addresses newly registered by INDEX_ADDRESS. */
  readonly registeredAddresses: { readonly address: string; readonly index: bigint }[];
}

export interface Originated extends Omit<Applied, 'operations' | 'storageSizeDiff'> {
  /** Bytes the new contract occupies: code + storage + big maps. */
  readonly storageSize: number;
}

export function errorOf(e: unknown, phase: 'parameter' | 'storage' | 'run'): ExecutionError {
  const err = asMichelsonError(e, 'the execution');
  if (!(err instanceof MichelsonError)) throw err;
  if (err instanceof FailwithError)
    return {
      kind: 'failwith',
      with: unparseData(err.value, err.type, 'optimized'),
      readable: unparseData(err.value, err.type, 'readable'),
    };
  if (err instanceof UnsupportedError)
    return { kind: 'unsupported', feature: err.feature, message: err.message };
  if (err instanceof EntrypointNotFoundError)
    return { kind: 'entrypoint_not_found', entrypoint: err.entrypoint };
  if (err instanceof ViewNotFoundError) return { kind: 'view_not_found', view: err.view };
  switch (err.code) {
    case 'gas_exhausted':
      return { kind: 'gas_exhausted' };
    case 'overflow':
    case 'mutez_underflow':
      return { kind: 'overflow', message: err.message };
    case 'too_deep':
      return { kind: 'too_deep', message: err.message };
    case 'invalid_data':
    case 'type_error':
    case 'parse_error':
    case 'big_map_not_found':
      if (phase === 'parameter') return { kind: 'bad_parameter', message: err.message };
      if (phase === 'storage') return { kind: 'bad_storage', message: err.message };
      return { kind: 'runtime_error', message: err.message };
    default:
      return { kind: 'runtime_error', message: err.message };
  }
}

export function unparseOperation(v: OperationValue): InternalOperation {
  const op = v.op;
  switch (op.type) {
    case 'transaction':
      return {
        kind: 'transaction',
        destination: addressToString({ contract: op.destination.contract, entrypoint: '' }),
        entrypoint: op.destination.entrypoint === '' ? 'default' : op.destination.entrypoint,
        amount: op.amount,
        parameters: unparseData(op.param, op.paramType, 'optimized'),
      };
    case 'delegation':
      return op.delegate
        ? { kind: 'delegation', delegate: keyHashToString(op.delegate.bytes) }
        : { kind: 'delegation' };
    case 'origination':
      return {
        kind: 'origination',
        address: addressToString(op.address),
        ...(op.delegate ? { delegate: keyHashToString(op.delegate.bytes) } : {}),
        balance: op.amount,
        script: {
          code: normalizeCode(op.code, 'optimized'),
          storage: unparseData(op.storage, op.storageType, 'optimized'),
        },
      };
    case 'event':
      return {
        kind: 'event',
        tag: op.tag,
        type: op.eventTypeExpr,
        payload: unparseData(op.payload, op.eventType, 'optimized'),
      };
  }
}

/** Parse a storage held by the node (big maps as ids in the store). */
