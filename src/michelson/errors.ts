/**
 * Typed errors of the Michelson interpreter.
 *
 * Two families:
 *
 * - static errors, thrown while a script, a type or a piece of data is parsed
 *   or typechecked (`parse_error`, `type_error`, `invalid_data`,
 *   `unsupported`, …): nothing has run yet;
 * - runtime errors, thrown while code runs (`failwith`, `overflow`,
 *   `gas_exhausted`, …) and turned by `contract.ts` into a
 *   `{ status: 'failed' }` result.
 *
 * Every class carries a stable `code` so that callers can branch on it.
 * Messages follow "Cannot <action>: <reason>".
 */

import type { Expr } from './micheline.js';
import type { MType } from './types.js';
import type { Value } from './values.js';

export type MichelsonErrorCode =
  // static
  | 'parse_error'
  | 'type_error'
  | 'invalid_data'
  | 'unsupported'
  | 'entrypoint_not_found'
  | 'view_not_found'
  | 'big_map_not_found'
  | 'too_deep'
  // runtime
  | 'failwith'
  | 'overflow'
  | 'mutez_underflow'
  | 'gas_exhausted'
  | 'runtime_error';

/** Base class: everything the interpreter throws on purpose is a MichelsonError. */
export class MichelsonError extends Error {
  readonly code: MichelsonErrorCode;
  constructor(code: MichelsonErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Text or JSON that is not Micheline, or a script with missing/duplicated sections. */
export class ParseError extends MichelsonError {
  constructor(message: string) {
    super('parse_error', message);
  }
}

/** Ill-typed code: wrong stack, wrong argument, forbidden type in a position. */
export class TypeCheckError extends MichelsonError {
  /** The offending instruction or type, when there is one. */
  readonly node: Expr | undefined;
  constructor(message: string, node?: Expr) {
    super('type_error', message);
    this.node = node;
  }
}

/** Data that does not belong to its type (bad literal, unsorted set, bad checksum…). */
export class InvalidDataError extends MichelsonError {
  constructor(message: string) {
    super('invalid_data', message);
  }
}

/**
 * An instruction or type that this interpreter does not implement. Raised when
 * a script is typechecked, so that unsupported code is never half-executed.
 */
export class UnsupportedError extends MichelsonError {
  /** Name of the primitive (instruction, type or data constructor). */
  readonly feature: string;
  constructor(feature: string, detail?: string) {
    super(
      'unsupported',
      `Cannot typecheck ${feature}: not supported by this interpreter` +
        (detail ? ` (${detail})` : ''),
    );
    this.feature = feature;
  }
}

export class EntrypointNotFoundError extends MichelsonError {
  readonly entrypoint: string;
  constructor(entrypoint: string) {
    super('entrypoint_not_found', `Cannot call entrypoint %${entrypoint}: no such entrypoint`);
    this.entrypoint = entrypoint;
  }
}

export class ViewNotFoundError extends MichelsonError {
  readonly view: string;
  constructor(view: string) {
    super('view_not_found', `Cannot run view "${view}": no such view`);
    this.view = view;
  }
}

export class BigMapNotFoundError extends MichelsonError {
  constructor(id: bigint, reason = 'no such big map') {
    super('big_map_not_found', `Cannot use big map ${id}: ${reason}`);
  }
}

/** A value or a piece of code nested deeper than the protocol allows. */
export class TooDeepError extends MichelsonError {
  constructor(what: string) {
    super('too_deep', `Cannot process ${what}: nested too deeply`);
  }
}

/** FAILWITH reached with `value` of type `type` on top of the stack. */
export class FailwithError extends MichelsonError {
  readonly value: Value;
  readonly type: MType;
  constructor(value: Value, type: MType) {
    super('failwith', 'Script failed with FAILWITH');
    this.value = value;
    this.type = type;
  }
}

/** Arithmetic overflow: mutez out of range, shift too large, too many bytes. */
export class OverflowError extends MichelsonError {
  constructor(what: string) {
    super('overflow', `Cannot compute ${what}: overflow`);
  }
}

/** Legacy `SUB` on mutez going negative (only reachable in legacy mode). */
export class MutezUnderflowError extends MichelsonError {
  readonly left: bigint;
  readonly right: bigint;
  constructor(left: bigint, right: bigint) {
    super('mutez_underflow', `Cannot subtract ${right} from ${left} mutez: underflow`);
    this.left = left;
    this.right = right;
  }
}

export class GasExhaustedError extends MichelsonError {
  constructor() {
    super('gas_exhausted', 'Cannot continue execution: gas exhausted');
  }
}

/** Any other failure while running (missing contract script, bad context…). */
export class RuntimeError extends MichelsonError {
  constructor(message: string) {
    super('runtime_error', message);
  }
}

/** True for errors raised while code runs (as opposed to static errors). */
export function isRuntimeError(e: unknown): e is MichelsonError {
  return (
    e instanceof MichelsonError &&
    (e.code === 'failwith' ||
      e.code === 'overflow' ||
      e.code === 'mutez_underflow' ||
      e.code === 'gas_exhausted' ||
      e.code === 'runtime_error')
  );
}

/**
 * JavaScript engines report unbounded recursion, and numbers or strings past
 * their size limits, as RangeErrors (deeply nested values, huge products or
 * concatenations that gas did not stop). Convert them to typed errors.
 */
export function asMichelsonError(e: unknown, what: string): unknown {
  if (!(e instanceof RangeError)) return e;
  if (/call stack/i.test(e.message)) return new TooDeepError(what);
  if (/BigInt|string length|array length|allocation/i.test(e.message))
    return new OverflowError(`${what} (a value outgrew the interpreter's limits)`);
  return e;
}
