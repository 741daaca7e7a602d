/**
 * The typechecker: symbolic execution of code on a stack of types, compiling
 * each instruction into a closure for the interpreter (interpreter.ts).
 *
 * A stack type is an array of types, top of the stack last; `undefined`
 * stands for the stack after FAILWITH/NEVER (any type, as in the protocol),
 * which must end its sequence. Each instruction family lives in
 * `instructions/*.ts` and registers handlers `(node, stack, env) → { run, out }`.
 *
 * An instruction of protocol Ushuaia that this interpreter does not
 * implement raises `UnsupportedError` here, before anything runs.
 */

import type { Entrypoints } from './entrypoints.js';
import { TypeCheckError, UnsupportedError } from './errors.js';
import { arithmetic } from './instructions/arithmetic.js';
import { bytesAndStrings } from './instructions/bytes.js';
import { chain } from './instructions/chain.js';
import { collections } from './instructions/collections.js';
import { comparison } from './instructions/comparison.js';
import { control } from './instructions/control.js';
import { crypto } from './instructions/crypto.js';
import { operations } from './instructions/operations.js';
import { registry } from './instructions/registry.js';
import { stack as stackInstrs } from './instructions/stack.js';
import { structures } from './instructions/structures.js';
import { tickets } from './instructions/tickets.js';
import type { Run } from './interpreter.js';
import { type Expr, isInt, isPrim, isSeq, type Prim, show } from './micheline.js';
import { type MType, parseType, showType, typesEqual, unparseType } from './types.js';
import type { LambdaValue, Value } from './values.js';

/** Types on the stack, top last; undefined after a failure. */
export type StackType = readonly MType[];

export interface Typed {
  readonly run: Run;
  readonly out: StackType | undefined;
}

export interface TcEnv {
  /** The contract being typechecked, when SELF is allowed (toplevel code only). */
  readonly self?: { readonly paramType: MType; readonly entrypoints: Entrypoints };
  /** Allow instructions deprecated by the protocol (TZT's `legacy` folder). */
  readonly legacy: boolean;
}

export type Handler = (node: Prim, stack: StackType, env: TcEnv) => Typed;

/** Instructions of protocol Ushuaia that this interpreter refuses. */
const UNSUPPORTED = new Set([
  'SAPLING_EMPTY_STATE',
  'SAPLING_VERIFY_UPDATE',
  'OPEN_CHEST',
  'PAIRING_CHECK',
  'TICKET_DEPRECATED',
]);

let table: Record<string, Handler> | undefined;
function handlers(): Record<string, Handler> {
  // Built on first use: the families import this module's helpers.
  table ??= {
    ...stackInstrs,
    ...control,
    ...arithmetic,
    ...comparison,
    ...structures,
    ...collections,
    ...bytesAndStrings,
    ...crypto,
    ...chain,
    ...operations,
    ...registry,
    ...tickets,
  };
  return table;
}

const noop: Run = () => {};

/** Typecheck a `{ … }` code block (nested blocks allowed). */
export function typecheckSeq(e: Expr, stack: StackType, env: TcEnv, what = 'code'): Typed {
  if (!isSeq(e))
    throw new TypeCheckError(
      `Cannot typecheck ${what}: expected a { } sequence, got ${show(e)}`,
      e,
    );
  let cur: StackType | undefined = stack;
  const runs: Run[] = [];
  for (const item of e) {
    if (cur === undefined)
      throw new TypeCheckError(
        `Cannot typecheck ${show(item)}: it follows a FAILWITH in the same sequence`,
        item,
      );
    const t = typecheckInstr(item, cur, env);
    runs.push(t.run);
    cur = t.out;
  }
  return { run: sequence(runs), out: cur };
}

export function sequence(runs: readonly Run[]): Run {
  if (runs.length === 0) return noop;
  if (runs.length === 1) return runs[0] as Run;
  return (s, rt) => {
    for (let i = 0; i < runs.length; i++) (runs[i] as Run)(s, rt);
  };
}

export function typecheckInstr(e: Expr, stack: StackType, env: TcEnv): Typed {
  if (isSeq(e)) return typecheckSeq(e, stack, env);
  if (!isPrim(e)) throw new TypeCheckError(`Cannot typecheck ${show(e)}: not an instruction`, e);
  const h = handlers()[e.prim];
  if (h !== undefined) return h(e, stack, env);
  if (UNSUPPORTED.has(e.prim)) throw new UnsupportedError(e.prim, 'instruction');
  throw new TypeCheckError(`Cannot typecheck ${e.prim}: unknown instruction`, e);
}

// ---------- helpers for instruction families ----------

export function fail(node: Prim, stack: StackType | undefined, why: string): never {
  const st = stack === undefined ? 'failed' : `[${[...stack].reverse().map(showType).join(' : ')}]`;
  throw new TypeCheckError(`Cannot typecheck ${show(node, 60)} on stack ${st}: ${why}`, node);
}

/** Require exactly `n` arguments. */
export function arity(node: Prim, n: number): Expr[] {
  const a = node.args ?? [];
  if (a.length !== n) fail(node, undefined, `${node.prim} takes ${n} argument(s), got ${a.length}`);
  return a;
}

type Top<N extends number> = N extends 1
  ? [MType]
  : N extends 2
    ? [MType, MType]
    : N extends 3
      ? [MType, MType, MType]
      : MType[];

/** The top `depth` types, top first, checking the stack is deep enough. */
export function peek<N extends number>(node: Prim, stack: StackType, depth: N): Top<N> {
  if (stack.length < depth) fail(node, stack, `needs ${depth} element(s) on the stack`);
  const out: MType[] = [];
  for (let i = 0; i < depth; i++) out.push(stack[stack.length - 1 - i] as MType);
  return out as Top<N>;
}

/** Stack with the top `n` elements replaced by `pushed` (last = new top). */
export function replaceTop(stack: StackType, n: number, ...pushed: MType[]): StackType {
  return [...stack.slice(0, stack.length - n), ...pushed];
}

/** A natural-number argument no larger than `max` (uint10/uint11 in the protocol). */
export function natArg(node: Prim, e: Expr | undefined, max: number): number {
  if (e === undefined || !isInt(e))
    return fail(node, undefined, 'expected a natural number argument');
  const n = BigInt(e.int);
  if (n < 0n || n > BigInt(max)) fail(node, undefined, `argument must be in 0..${max}`);
  return Number(n);
}

export function typeArg(e: Expr | undefined, node: Prim): MType {
  if (e === undefined) return fail(node, undefined, 'expected a type argument');
  return parseType(e);
}

/** Merge the output stacks of two branches. */
export function merge(
  node: Prim,
  a: StackType | undefined,
  b: StackType | undefined,
): StackType | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.length !== b.length || a.some((t, i) => !typesEqual(t, b[i] as MType)))
    fail(
      node,
      a,
      `stacks do not match: [${[...a].reverse().map(showType).join(' : ')}] vs [${[...b].reverse().map(showType).join(' : ')}]`,
    );
  return a;
}

export function expectType(node: Prim, stack: StackType, actual: MType, expected: MType): void {
  if (!typesEqual(actual, expected))
    fail(node, stack, `expected ${showType(expected)}, got ${showType(actual)}`);
}

export interface LambdaOptions {
  readonly legacy: boolean;
}

/** Maximum nesting of APPLY closures (the protocol fails unparsing past ~10 000 levels). */
export const MAX_LAMBDA_DEPTH = 5000;

/** Typecheck a lambda body `arg → ret` (or `arg : lambda arg ret → ret` if recursive). */
export function typecheckLambda(
  arg: MType,
  ret: MType,
  body: Expr[],
  recursive: boolean,
  opts: LambdaOptions,
): LambdaValue {
  const self: MType = { prim: 'lambda', arg, ret };
  const inStack: MType[] = recursive ? [self, arg] : [arg];
  const node: Prim = {
    prim: recursive ? 'LAMBDA_REC' : 'LAMBDA',
    args: [unparseType(arg), unparseType(ret), body],
  };
  const t = typecheckSeq(body, inStack, { legacy: opts.legacy }, 'lambda body');
  if (t.out !== undefined && (t.out.length !== 1 || !typesEqual(t.out[0] as MType, ret)))
    fail(node, t.out, `lambda body must end with [${showType(ret)}]`);
  const source: Expr = recursive ? { prim: 'Lambda_rec', args: [body] } : body;
  return makeLambda(arg, ret, recursive, t.run, () => source, 0);
}

export function makeLambda(
  arg: MType,
  ret: MType,
  recursive: boolean,
  run: Run,
  source: () => Expr,
  depth: number,
): LambdaValue {
  let lam: LambdaValue;
  const code = recursive
    ? {
        run: (s: Value[], rt: unknown) => {
          s.splice(s.length - 1, 0, lam);
          run(s, rt as Parameters<Run>[1]);
        },
      }
    : { run: run as (s: Value[], rt: unknown) => void };
  lam = { kind: 'lambda', arg, ret, recursive, code, source, depth };
  return lam;
}
