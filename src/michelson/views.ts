/**
 * On-chain views (views.rst): `view "name" 'arg 'ret { code }` sections, typed
 * as `pair 'arg 'storage → 'ret`, and running one.
 *
 * Names: at most 31 characters of [a-zA-Z0-9_.%@]. Neither 'arg nor 'ret may
 * contain ticket, operation, big_map or sapling_state. A view runs with the
 * declaring contract as SELF_ADDRESS, the caller as SENDER, its declarer's
 * balance as BALANCE and AMOUNT = 0; it cannot use SELF.
 */

import { TypeCheckError } from './errors.js';
import { COST } from './gas.js';
import type { Run, Runtime } from './interpreter.js';
import { type Expr, isPrim, isSeq, isString, show } from './micheline.js';
import { typecheckSeq } from './typecheck.js';
import { type MType, parseType, props, showType, T, typesEqual } from './types.js';
import { type AddressValue, pair, type Value } from './values.js';

export interface TypedView {
  readonly name: string;
  readonly arg: MType;
  readonly ret: MType;
  readonly run: Run;
}

const VIEW_NAME = /^[a-zA-Z0-9_.%@]{1,31}$/;

export function checkViewName(name: string): boolean {
  return VIEW_NAME.test(name);
}

/** Typecheck one `view` section against the storage type of its contract. */
export function typecheckView(section: Expr, storage: MType, legacy = false): TypedView {
  if (!isPrim(section, 'view') || section.args?.length !== 4)
    throw new TypeCheckError(
      `Cannot typecheck view ${show(section)}: expected view "name" arg ret { code }`,
    );
  const [n, a, r, code] = section.args as [Expr, Expr, Expr, Expr];
  if (!isString(n) || !checkViewName(n.string))
    throw new TypeCheckError(`Cannot typecheck view ${show(n)}: invalid view name`);
  const arg = parseType(a);
  const ret = parseType(r);
  for (const t of [arg, ret])
    if (!viewTypeAllowed(t))
      throw new TypeCheckError(
        `Cannot typecheck view "${n.string}": type ${showType(t)} is not allowed in a view`,
      );
  if (!isSeq(code))
    throw new TypeCheckError(`Cannot typecheck view "${n.string}": code must be a { } sequence`);
  const t = typecheckSeq(code, [T.pair(arg, storage)], { legacy }, `view "${n.string}"`);
  if (t.out !== undefined && (t.out.length !== 1 || !typesEqual(t.out[0] as MType, ret)))
    throw new TypeCheckError(
      `Cannot typecheck view "${n.string}": the code must end with [${showType(ret)}]`,
    );
  return { name: n.string, arg, ret, run: t.run };
}

/** No ticket, operation, big_map (nor sapling_state, unsupported anyway). */
export function viewTypeAllowed(t: MType): boolean {
  const p = props(t);
  return !p.hasBigMap && !p.hasTicket && p.passable;
}

/** Typecheck all view sections; names must be unique. */
export function typecheckViews(
  sections: readonly Expr[],
  storage: MType,
  legacy = false,
): Map<string, TypedView> {
  const out = new Map<string, TypedView>();
  for (const s of sections) {
    const v = typecheckView(s, storage, legacy);
    if (out.has(v.name))
      throw new TypeCheckError(`Cannot typecheck views: duplicate view "${v.name}"`);
    out.set(v.name, v);
  }
  return out;
}

/** Run a typed view of the contract at `self` with `storage`, as called by `sender`. */
export function runTypedView(
  view: TypedView,
  input: Value,
  storage: Value,
  rt: Runtime,
  callee: { self: AddressValue; balance: bigint; sender: AddressValue },
): Value {
  rt.gas.consume(COST.VIEW);
  const viewRt: Runtime = {
    ...rt,
    self: callee.self,
    sender: callee.sender,
    amount: 0n,
    balance: callee.balance,
  };
  const stack: Value[] = [pair(input, storage)];
  view.run(stack, viewRt);
  return stack[0] as Value;
}
