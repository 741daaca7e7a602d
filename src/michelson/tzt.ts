/**
 * TZT unit tests (michelson.rst, "TZT, a Syntax extension for writing unit
 * tests"): parse a test and run it, purely (text in, verdict out).
 *
 * A test gives `code`, an `input` stack and the expected `output`: a stack
 * (`{ Stack_elt ty v ; … }`), `_`, `(Failed v)`, `(StaticError _)`,
 * `Overflow` (also `(MutezOverflow a b)`, `(GeneralOverflow a b)`),
 * `(MutezUnderflow a b)` or `Gas_exhaustion`; optionally the
 * context (`amount`, `balance`, `now`, `level`, `sender`, `source`,
 * `chain_id`, `self`, `parameter`, `other_contracts`, `big_maps`, `storages`,
 * `views`, `min_block_time`, `total_voting_power`, `voting_power`).
 *
 * Output matching: without wildcards, expected values are parsed with their
 * type and compared with the actual ones in Optimized form (so readable and
 * optimized notations match each other); with wildcards (`_`), the actual
 * values are unparsed in Readable form and matched structurally.
 *
 * Verdicts: `passed`, `failed` (wrong result, with a reason) or
 * `unsupported` (the interpreter cleanly refused an instruction or type).
 */

import { InMemoryBigMapStore, storeTypes } from './bigMaps.js';
import type { ContractInfo, ExecutionContext } from './context.js';
import { DEFAULT_CONTEXT } from './context.js';
import { type DataContext, parseData } from './data.js';
import { chainIdToString } from './encoding.js';
import { entrypointsOf } from './entrypoints.js';
import {
  asMichelsonError,
  FailwithError,
  isRuntimeError,
  MichelsonError,
  MutezUnderflowError,
  UnsupportedError,
} from './errors.js';
import { GasMeter, HARD_GAS_LIMIT_PER_OPERATION } from './gas.js';
import { contractTypeLookup } from './instructions/chain.js';
import { makeRuntime } from './interpreter.js';
import {
  type Expr,
  exprEquals,
  fromHex,
  isBytes,
  isInt,
  isPrim,
  isSeq,
  isString,
  type Prim,
  parseToplevel,
  show,
} from './micheline.js';
import { keyHash } from './pack.js';
import { parseTimestamp } from './timestamp.js';
import { typecheckInstr } from './typecheck.js';
import { type MType, parseType, showType, typesEqual } from './types.js';
import { unparseData } from './unparse.js';
import type { Value } from './values.js';

export type TztVerdict =
  | { readonly status: 'passed' }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'unsupported'; readonly feature: string; readonly reason: string };

export interface TztOptions {
  /** Typecheck with deprecated instructions allowed (the suite's `legacy` folder). */
  readonly legacy?: boolean;
  /** Milligas available to the code; defaults to the protocol's per-operation limit. */
  readonly gasLimit?: number;
}

type Sections = Map<string, Expr[]>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TZT_REGISTERED_ADDRESS = 'tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU';

function sectionsOf(src: string): Sections {
  const out: Sections = new Map();
  for (const e of parseToplevel(src)) {
    if (!isPrim(e)) throw new Error(`unexpected toplevel item ${show(e)}`);
    if (out.has(e.prim)) throw new Error(`duplicate section ${e.prim}`);
    out.set(e.prim, e.args ?? []);
  }
  for (const k of ['code', 'input', 'output'])
    if (!out.has(k)) throw new Error(`missing section ${k}`);
  return out;
}

const one = (s: Sections, k: string): Expr | undefined => s.get(k)?.[0];

function str(e: Expr | undefined, what: string): string {
  if (e === undefined || !isString(e)) throw new Error(`${what} must be a string`);
  return e.string;
}
function int(e: Expr | undefined, what: string): bigint {
  if (e === undefined || !isInt(e)) throw new Error(`${what} must be an integer`);
  return BigInt(e.int);
}

/** Build the execution context of a test from its optional sections. */
function contextOf(s: Sections, store: InMemoryBigMapStore): ExecutionContext {
  const infos = new Map<string, Mutable<ContractInfo>>();
  const info = (addr: string) => {
    let i = infos.get(addr);
    if (!i) {
      i = { parameter: { prim: 'unit' } };
      infos.set(addr, i);
    }
    return i;
  };
  for (const c of (one(s, 'other_contracts') as Expr[] | undefined) ?? []) {
    const [a, t] = (c as Prim).args ?? [];
    info(str(a, 'Contract address')).parameter = t as Expr;
  }
  for (const c of (one(s, 'storages') as Expr[] | undefined) ?? []) {
    const [a, t, v] = (c as Prim).args ?? [];
    const i = info(str(a, 'Storage address'));
    i.storageType = t;
    i.storage = v;
  }
  for (const c of (one(s, 'views') as Expr[] | undefined) ?? []) {
    const [a, vs] = (c as Prim).args ?? [];
    info(str(a, 'Views address')).views = ((vs as Expr[]) ?? []).map((v) => ({
      prim: 'view',
      args: (v as Prim).args ?? [],
    }));
  }
  const ctx: Mutable<ExecutionContext> = {
    ...DEFAULT_CONTEXT,
    bigMaps: store,
    contract: (a) => infos.get(a),
    // The reference runner's context has one registered address, at index 0
    // (get_address_index_03 relies on it).
    addressIndex: (a) => (a === TZT_REGISTERED_ADDRESS ? 0n : undefined),
    addressRegistrySize: 1n,
  };
  const set = (k: string, f: (e: Expr) => void) => {
    const e = one(s, k);
    if (e !== undefined) f(e);
  };
  set('amount', (e) => (ctx.amount = int(e, 'amount')));
  set('balance', (e) => (ctx.balance = int(e, 'balance')));
  set('level', (e) => (ctx.level = int(e, 'level')));
  set('min_block_time', (e) => (ctx.minBlockTime = int(e, 'min_block_time')));
  set('total_voting_power', (e) => (ctx.totalVotingPower = int(e, 'total_voting_power')));
  set('sender', (e) => (ctx.sender = str(e, 'sender')));
  set('source', (e) => (ctx.source = str(e, 'source')));
  set('self', (e) => (ctx.self = str(e, 'self')));
  set('now', (e) => {
    const t = isInt(e) ? BigInt(e.int) : parseTimestamp(str(e, 'now'));
    if (t === undefined) throw new Error('now must be a timestamp');
    ctx.now = t;
  });
  set('chain_id', (e) => {
    ctx.chainId = isBytes(e) ? chainIdToString(fromHex(e.bytes)) : str(e, 'chain_id');
  });
  set('voting_power', (e) => {
    const powers = new Map<string, bigint>();
    for (const elt of e as Expr[]) {
      const [k, v] = (elt as Prim).args ?? [];
      powers.set(str(k, 'voting_power key'), int(v, 'voting_power'));
    }
    ctx.votingPower = (kh) => powers.get(kh) ?? 0n;
  });
  return ctx;
}

/** Load `big_maps { Big_map id kty vty { Elt k v ; … } ; … }` into the store. */
function loadBigMaps(s: Sections, store: InMemoryBigMapStore): void {
  for (const b of (one(s, 'big_maps') as Expr[] | undefined) ?? []) {
    const [id, kty, vty, elts] = (b as Prim).args ?? [];
    const n = int(id, 'Big_map id');
    const kt = parseType(kty as Expr);
    const vt = parseType(vty as Expr);
    store.alloc(n, kty as Expr, vty as Expr);
    for (const elt of (elts as Expr[]) ?? []) {
      const [k, v] = (elt as Prim).args ?? [];
      const key = parseData(k as Expr, kt);
      const value = parseData(v as Expr, vt);
      store.set(
        n,
        keyHash(key, kt),
        unparseData(key, kt, 'optimized'),
        unparseData(value, vt, 'optimized'),
      );
    }
  }
}

/** `_` anywhere in an expression. */
function hasWildcard(e: Expr): boolean {
  if (Array.isArray(e)) return e.some(hasWildcard);
  if (!isPrim(e)) return false;
  return e.prim === '_' || (e.args ?? []).some(hasWildcard);
}

/** Structural match where `_` matches anything and `(_ a b)` any primitive with those arguments. */
export function matchPattern(pattern: Expr, actual: Expr): boolean {
  if (isPrim(pattern, '_') && !pattern.args) return true;
  if (Array.isArray(pattern)) {
    return (
      Array.isArray(actual) &&
      actual.length === pattern.length &&
      pattern.every((p, i) => matchPattern(p, actual[i] as Expr))
    );
  }
  if (isPrim(pattern)) {
    if (!isPrim(actual) || (pattern.prim !== '_' && pattern.prim !== actual.prim)) return false;
    const pa = pattern.args ?? [];
    const aa = actual.args ?? [];
    return pa.length === aa.length && pa.every((p, i) => matchPattern(p, aa[i] as Expr));
  }
  return exprEquals(pattern, actual);
}

function valueMatches(
  expected: Expr,
  v: Value,
  t: MType,
  dctx: DataContext,
  readable = false,
): boolean {
  if (!readable && !hasWildcard(expected)) {
    let parsed: Value | undefined;
    try {
      parsed = parseData(expected, t, dctx);
    } catch {
      parsed = undefined; // e.g. operations, which have no data syntax: match their readable form
    }
    if (parsed !== undefined)
      return exprEquals(unparseData(parsed, t, 'optimized'), unparseData(v, t, 'optimized'));
  }
  return matchPattern(expected, unparseData(v, t, 'readable'));
}

function checkStack(
  expected: Expr,
  values: Value[],
  types: readonly MType[],
  dctx: DataContext,
): string | undefined {
  if (!isSeq(expected)) return `expected output ${show(expected)} is not a stack`;
  if (expected.length !== values.length)
    return `expected ${expected.length} stack elements, got ${values.length}`;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as Expr;
    const v = values[values.length - 1 - i] as Value;
    const t = types[types.length - 1 - i] as MType;
    if (isPrim(e, '_') && !e.args) continue;
    if (!isPrim(e, 'Stack_elt') || e.args?.length !== 2) return `bad expected element ${show(e)}`;
    const [te, ve] = e.args as [Expr, Expr];
    const anyType = isPrim(te, '_') && !te.args;
    if (!anyType && !typesEqual(parseType(te), t))
      return `element ${i}: expected type ${show(te)}, got ${showType(t)}`;
    // With a wildcard anywhere in the element, the expected value is in readable form.
    if (!valueMatches(ve, v, t, dctx, anyType))
      return `element ${i}: expected ${show(ve)}, got ${show(unparseData(v, t, 'readable'))}`;
  }
  return undefined;
}

/** Parse and run one TZT test. */
export function runTzt(src: string, opts: TztOptions = {}): TztVerdict {
  let s: Sections;
  try {
    s = sectionsOf(src);
  } catch (e) {
    return { status: 'failed', reason: `malformed test: ${(e as Error).message}` };
  }
  const expected = one(s, 'output') as Expr;
  const anything = isPrim(expected, '_') && !expected.args;
  let outcome: { values: Value[]; types: readonly MType[] } | { error: unknown };
  const store = new InMemoryBigMapStore();
  let dctx: DataContext = {};
  try {
    loadBigMaps(s, store);
    const ctx = contextOf(s, store);
    const gas = new GasMeter(opts.gasLimit ?? HARD_GAS_LIMIT_PER_OPERATION);
    const rt = makeRuntime(ctx, gas);
    dctx = {
      bigMapTypes: (id) => storeTypes(store, id),
      contractType: contractTypeLookup(rt),
      allowTickets: true,
    };
    const paramType = parseType(one(s, 'parameter') ?? { prim: 'unit' });
    const inputs = (one(s, 'input') as Expr[]).map((e) => {
      const [te, ve] = (e as Prim).args ?? [];
      const t = parseType(te as Expr);
      return { t, v: parseData(ve as Expr, t, dctx) };
    });
    const types = inputs.map((x) => x.t).reverse();
    const typed = typecheckInstr(one(s, 'code') as Expr, types, {
      legacy: opts.legacy ?? false,
      self: { paramType, entrypoints: entrypointsOf(paramType) },
    });
    const stack = inputs.map((x) => x.v).reverse();
    typed.run(stack, rt);
    outcome = { values: stack, types: typed.out ?? [] };
  } catch (e) {
    outcome = { error: asMichelsonError(e, 'the test') };
  }
  if (anything) return { status: 'passed' };
  if ('error' in outcome) return judgeError(expected, outcome.error, dctx);
  if (isPrim(expected))
    return { status: 'failed', reason: `expected ${show(expected)}, but the code succeeded` };
  const why = checkStack(expected, outcome.values, outcome.types, dctx);
  return why === undefined ? { status: 'passed' } : { status: 'failed', reason: why };
}

function judgeError(expected: Expr, err: unknown, dctx: DataContext): TztVerdict {
  if (err instanceof UnsupportedError)
    return { status: 'unsupported', feature: err.feature, reason: err.message };
  const got =
    err instanceof MichelsonError
      ? `${err.code}: ${err.message}`
      : `crash: ${String((err as Error)?.stack ?? err)}`;
  const fail = (why: string): TztVerdict => ({ status: 'failed', reason: `${why}; got ${got}` });
  if (!(err instanceof MichelsonError)) return fail('unexpected exception');
  if (!isPrim(expected)) return fail('expected a stack');
  const [arg0, arg1] = expected.args ?? [];
  switch (expected.prim) {
    case 'StaticError':
      return !isRuntimeError(err) ? { status: 'passed' } : fail('expected a static error');
    case 'Failed':
      if (!(err instanceof FailwithError)) return fail('expected a FAILWITH');
      return valueMatches(arg0 as Expr, err.value, err.type, dctx)
        ? { status: 'passed' }
        : fail(`expected (Failed ${show(arg0 as Expr)})`);
    case 'Overflow':
    case 'MutezOverflow':
    case 'GeneralOverflow':
      // Newer suites name the kind of overflow and its operands; ours reports the kind only.
      return err.code === 'overflow' ? { status: 'passed' } : fail('expected an overflow');
    case 'MutezUnderflow':
      if (!(err instanceof MutezUnderflowError)) return fail('expected a mutez underflow');
      return matchPattern(arg0 as Expr, { int: String(err.left) }) &&
        matchPattern(arg1 as Expr, { int: String(err.right) })
        ? { status: 'passed' }
        : fail('wrong MutezUnderflow operands');
    case 'Gas_exhaustion':
      return err.code === 'gas_exhausted' ? { status: 'passed' } : fail('expected gas exhaustion');
    default:
      return fail(`unknown expected output ${show(expected)}`);
  }
}
