/**
 * Micheline data → typed values (the protocol's `parse_data`).
 *
 * Both the readable and the optimized forms are accepted: addresses, keys,
 * key hashes, signatures and chain ids as base58 strings or bytes;
 * timestamps as RFC 3339 strings or integers; pairs as `Pair a b c` or as a
 * comb sequence `{ a ; b ; c }`. Sets and maps must be strictly sorted.
 * Lambdas are typechecked. Big maps are literals `{ Elt k v ; … }`, or, when
 * the caller allows it, an id of a big map in the store (storage read from
 * the chain, TZT inputs).
 */

import { isStrictlyIncreasing, mapFromSorted, setFromSorted } from './collections.js';
import {
  addressFromBytes,
  addressFromString,
  chainIdFromBytes,
  chainIdFromString,
  keyFromBytes,
  keyFromString,
  keyHashFromBytes,
  keyHashFromString,
  signatureFromBytes,
  signatureFromString,
} from './encoding.js';
import { InvalidDataError, MichelsonError } from './errors.js';
import { checkKey, checkSignature } from './keys.js';
import { type Expr, fromHex, isBytes, isInt, isPrim, isSeq, isString, show } from './micheline.js';
import { parseTimestamp } from './timestamp.js';
import { treeFromSorted } from './tree.js';
import { typecheckLambda } from './typecheck.js';
import {
  type LambdaType,
  type MapType,
  type MType,
  showType,
  typesEqual,
  type UnaryType,
} from './types.js';
import {
  type AddressValue,
  type BigMapValue,
  EMPTY_LIST,
  listFromArray,
  NONE,
  pair,
  some,
  UNIT,
  type Value,
} from './values.js';

export const MUTEZ_MAX = (1n << 63n) - 1n;

export interface DataContext {
  /** Accept big map ids and `Pair id { Elt k (Some v) }` overlays (storage, TZT). */
  readonly bigMapTypes?: (id: bigint) => { key: MType; value: MType } | undefined;
  /** Parameter type of `address` at `entrypoint`, for `contract` values; undefined if none. */
  readonly contractType?: (address: AddressValue) => MType | undefined;
  /** Accept ticket literals `Pair ticketer contents amount` (TZT inputs only). */
  readonly allowTickets?: boolean;
  /** Typecheck lambdas in legacy mode (deprecated instructions allowed). */
  readonly legacy?: boolean;
}

const fail = (e: Expr, t: MType, why: string): never => {
  throw new InvalidDataError(`Cannot parse data ${show(e)} as ${showType(t)}: ${why}`);
};

/** Strings may only hold printable ASCII and newlines (Script_string). */
export function checkString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 10 && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

export function parseData(e: Expr, t: MType, ctx: DataContext = {}): Value {
  if (isPrim(e) && e.annots && e.annots.length > 0)
    fail(e, t, 'annotations are not allowed in data');
  switch (t.prim) {
    case 'int':
      if (!isInt(e)) return fail(e, t, 'expected an integer');
      return BigInt(e.int);
    case 'nat': {
      if (!isInt(e)) return fail(e, t, 'expected a natural number');
      const n = BigInt(e.int);
      return n < 0n ? fail(e, t, 'negative') : n;
    }
    case 'mutez': {
      if (!isInt(e)) return fail(e, t, 'expected an amount');
      const n = BigInt(e.int);
      return n < 0n || n > MUTEZ_MAX ? fail(e, t, 'out of range') : n;
    }
    case 'string':
      if (!isString(e)) return fail(e, t, 'expected a string');
      return checkString(e.string) ? e.string : fail(e, t, 'non-printable character');
    case 'bytes':
      if (!isBytes(e)) return fail(e, t, 'expected bytes');
      return fromHex(e.bytes);
    case 'bool':
      if (isPrim(e, 'True') && !e.args) return true;
      if (isPrim(e, 'False') && !e.args) return false;
      return fail(e, t, 'expected True or False');
    case 'unit':
      return isPrim(e, 'Unit') && !e.args ? UNIT : fail(e, t, 'expected Unit');
    case 'timestamp': {
      if (isInt(e)) return BigInt(e.int);
      if (!isString(e)) return fail(e, t, 'expected a timestamp');
      const ts = parseTimestamp(e.string);
      return ts === undefined ? fail(e, t, 'not an RFC 3339 date') : ts;
    }
    case 'address':
      return parseAddress(e, t);
    case 'key_hash':
      return { kind: 'key_hash', bytes: wrap(e, t, keyHashFromString, keyHashFromBytes) };
    case 'key': {
      const bytes = wrap(e, t, keyFromString, keyFromBytes);
      if (!checkKey(bytes)) fail(e, t, 'not a valid public key');
      return { kind: 'key', bytes };
    }
    case 'signature': {
      const s = wrap(e, t, signatureFromString, signatureFromBytes);
      if (!checkSignature(s.bytes, s.scheme)) fail(e, t, 'not a valid signature');
      return { kind: 'signature', bytes: s.bytes, scheme: s.scheme };
    }
    case 'chain_id':
      return { kind: 'chain_id', bytes: wrap(e, t, chainIdFromString, chainIdFromBytes) };
    case 'never':
      return fail(e, t, 'type never has no values');
    case 'operation':
      return fail(e, t, 'operations have no literal form');
    case 'option':
      if (isPrim(e, 'None') && !e.args) return NONE;
      if (isPrim(e, 'Some') && e.args?.length === 1)
        return some(parseData(e.args[0] as Expr, t.arg, ctx));
      return fail(e, t, 'expected Some or None');
    case 'or': {
      if (isPrim(e, 'Left') && e.args?.length === 1)
        return { kind: 'left', value: parseData(e.args[0] as Expr, t.left, ctx) };
      if (isPrim(e, 'Right') && e.args?.length === 1)
        return { kind: 'right', value: parseData(e.args[0] as Expr, t.right, ctx) };
      return fail(e, t, 'expected Left or Right');
    }
    case 'pair': {
      let items: Expr[];
      if (isPrim(e, 'Pair') && (e.args?.length ?? 0) >= 2) items = e.args as Expr[];
      else if (isSeq(e) && e.length >= 2) items = e;
      else return fail(e, t, 'expected a pair');
      return parseComb(items, t, ctx, e);
    }
    case 'list': {
      if (!isSeq(e)) return fail(e, t, 'expected a sequence');
      return e.length === 0 ? EMPTY_LIST : listFromArray(e.map((x) => parseData(x, t.arg, ctx)));
    }
    case 'set': {
      if (!isSeq(e)) return fail(e, t, 'expected a sequence');
      const elems = e.map((x) => parseData(x, t.arg, ctx));
      if (!isStrictlyIncreasing(elems)) fail(e, t, 'elements must be sorted and distinct');
      return setFromSorted(elems);
    }
    case 'map': {
      const [keys, values] = parseElts(e, t.key, t.value, ctx, t);
      return mapFromSorted(keys, values);
    }
    case 'big_map':
      return parseBigMap(e, t, ctx);
    case 'lambda':
      return parseLambda(e, t, ctx);
    case 'contract':
      return parseContract(e, t, ctx);
    case 'ticket':
      return parseTicket(e, t, ctx);
  }
}

function wrap<X>(
  e: Expr,
  t: MType,
  fromString: (s: string) => X,
  fromBytes: (b: Uint8Array) => X,
): X {
  try {
    if (isString(e)) return fromString(e.string);
    if (isBytes(e)) return fromBytes(fromHex(e.bytes));
  } catch (err) {
    if (err instanceof MichelsonError) fail(e, t, err.message);
    throw err;
  }
  return fail(e, t, 'expected a string or bytes');
}

function parseAddress(e: Expr, t: MType): AddressValue {
  const a = wrap(e, t, addressFromString, addressFromBytes);
  return { kind: 'address', contract: a.contract, entrypoint: a.entrypoint };
}

function parseComb(items: Expr[], t: MType, ctx: DataContext, whole: Expr): Value {
  if (t.prim !== 'pair') return fail(whole, t, 'too many pair components');
  const fst = parseData(items[0] as Expr, t.left, ctx);
  const snd =
    items.length === 2
      ? parseData(items[1] as Expr, t.right, ctx)
      : parseComb(items.slice(1), t.right, ctx, whole);
  return pair(fst, snd);
}

function parseElts(e: Expr, kt: MType, vt: MType, ctx: DataContext, t: MType): [Value[], Value[]] {
  if (!isSeq(e)) return fail(e, t, 'expected a sequence of Elt');
  const keys: Value[] = [];
  const values: Value[] = [];
  for (const elt of e) {
    if (!isPrim(elt, 'Elt') || elt.args?.length !== 2 || elt.annots)
      return fail(e, t, 'expected Elt k v');
    keys.push(parseData(elt.args[0] as Expr, kt, ctx));
    values.push(parseData(elt.args[1] as Expr, vt, ctx));
  }
  if (!isStrictlyIncreasing(keys)) fail(e, t, 'keys must be sorted and distinct');
  return [keys, values];
}

function parseBigMap(e: Expr, t: MapType, ctx: DataContext): BigMapValue {
  const base = { kind: 'big_map' as const, keyType: t.key, valueType: t.value };
  if (isSeq(e)) {
    const [keys, values] = parseElts(e, t.key, t.value, ctx, t);
    return { ...base, id: undefined, overlay: treeFromSorted<Value | undefined>(keys, values) };
  }
  if (ctx.bigMapTypes === undefined) return fail(e, t, 'big map ids are not allowed here');
  let idExpr: Expr = e;
  let overlay: Expr[] = [];
  if (isPrim(e, 'Pair') && e.args?.length === 2 && isSeq(e.args[1] as Expr)) {
    idExpr = e.args[0] as Expr;
    overlay = e.args[1] as Expr[];
  }
  if (!isInt(idExpr)) return fail(e, t, 'expected a big map literal or id');
  const id = BigInt(idExpr.int);
  const types = ctx.bigMapTypes(id);
  if (!types) return fail(e, t, `no big map ${id}`);
  if (!typesEqual(types.key, t.key) || !typesEqual(types.value, t.value))
    fail(e, t, `big map ${id} has type big_map ${showType(types.key)} ${showType(types.value)}`);
  const [keys, opts] = parseElts(overlay, t.key, { prim: 'option', arg: t.value }, ctx, t);
  const values = opts.map((o) =>
    typeof o === 'object' && 'kind' in o && o.kind === 'some' ? o.value : undefined,
  );
  return { ...base, id, overlay: treeFromSorted(keys, values) };
}

function parseLambda(e: Expr, t: LambdaType, ctx: DataContext): Value {
  if (isPrim(e, 'Lambda_rec') && e.args?.length === 1 && isSeq(e.args[0] as Expr))
    return typecheckLambda(t.arg, t.ret, e.args[0] as Expr[], true, {
      legacy: ctx.legacy ?? false,
    });
  if (!isSeq(e)) return fail(e, t, 'expected a code sequence');
  return typecheckLambda(t.arg, t.ret, e, false, { legacy: ctx.legacy ?? false });
}

function parseContract(e: Expr, t: UnaryType, ctx: DataContext): Value {
  const address = parseAddress(e, t);
  const found =
    address.contract[0] === 0 && address.entrypoint === ''
      ? { prim: 'unit' as const }
      : ctx.contractType?.(address);
  if (found === undefined) return fail(e, t, 'no such contract or entrypoint');
  if (!typesEqual(found, t.arg)) fail(e, t, `contract takes ${showType(found)}`);
  return { kind: 'contract', address, paramType: t.arg };
}

function parseTicket(e: Expr, t: UnaryType, ctx: DataContext): Value {
  if (!ctx.allowTickets) return fail(e, t, 'tickets cannot be forged');
  const addrT: MType = { prim: 'address' };
  const shape: MType = {
    prim: 'pair',
    left: addrT,
    right: { prim: 'pair', left: t.arg, right: { prim: 'nat' } },
  };
  const v = parseData(e, shape, ctx) as { fst: AddressValue; snd: { fst: Value; snd: bigint } };
  return {
    kind: 'ticket',
    ticketer: v.fst,
    contentType: t.arg,
    contents: v.snd.fst,
    amount: v.snd.snd,
  };
}
