/**
 * Typed values → Micheline data (the protocol's `unparse_data`), in the three
 * modes of `Script_ir_unparser`:
 *
 * - `readable`: base58 strings, RFC 3339 timestamps, pairs as flat `Pair a b c`
 *   (RPCs in Readable mode, TZT output);
 * - `optimized`: bytes for addresses/keys/…, integer timestamps, right combs of
 *   four or more as sequences `{ a ; b ; c ; d }` (storage, lazy storage
 *   diffs, APPLY's captured values);
 * - `legacy` (Optimized_legacy): like optimized but every pair as nested
 *   binary `Pair a (Pair b c)` (PACK, big-map key hashes).
 *
 * Lambdas unparse to their code with every `PUSH ty data` re-unparsed in the
 * same mode (the protocol's `unparse_code`): `{0; -3; False}` pushed as a
 * `pair nat int bool` packs as `Pair 0 (Pair -3 False)`.
 */

import { parseData } from './data.js';
import {
  addressToBytes,
  addressToString,
  chainIdToString,
  keyHashToString,
  keyToString,
  signatureToString,
} from './encoding.js';
import { RuntimeError } from './errors.js';
import { bytesLit, type Expr, intLit, isPrim, type Prim, prim, stringLit } from './micheline.js';
import { formatTimestamp } from './timestamp.js';
import { treeEntries } from './tree.js';
import { type BinaryType, type MType, parseType } from './types.js';
import type * as V from './values.js';
import { listToArray, type Value } from './values.js';

export type UnparseMode = 'readable' | 'optimized' | 'legacy';

export function unparseData(v: Value, t: MType, mode: UnparseMode): Expr {
  switch (t.prim) {
    case 'int':
    case 'nat':
    case 'mutez':
      return intLit(v as bigint);
    case 'timestamp': {
      if (mode === 'readable') {
        const s = formatTimestamp(v as bigint);
        if (s !== undefined) return stringLit(s);
      }
      return intLit(v as bigint);
    }
    case 'string':
      return stringLit(v as string);
    case 'bytes':
      return bytesLit(v as Uint8Array);
    case 'bool':
      return prim(v ? 'True' : 'False');
    case 'unit':
      return prim('Unit');
    case 'address':
      return unparseAddress(v as V.AddressValue, mode);
    case 'contract':
      return unparseAddress((v as V.ContractValue).address, mode);
    case 'key_hash': {
      const b = (v as V.KeyHashValue).bytes;
      return mode === 'readable' ? stringLit(keyHashToString(b)) : bytesLit(b);
    }
    case 'key': {
      const b = (v as V.KeyValue).bytes;
      return mode === 'readable' ? stringLit(keyToString(b)) : bytesLit(b);
    }
    case 'signature': {
      const s = v as V.SignatureValue;
      return mode === 'readable' ? stringLit(signatureToString(s)) : bytesLit(s.bytes);
    }
    case 'chain_id': {
      const b = (v as V.ChainIdValue).bytes;
      return mode === 'readable' ? stringLit(chainIdToString(b)) : bytesLit(b);
    }
    case 'option': {
      const o = v as V.SomeValue | V.NoneValue;
      return o.kind === 'none' ? prim('None') : prim('Some', [unparseData(o.value, t.arg, mode)]);
    }
    case 'or': {
      const o = v as V.OrValue;
      return o.kind === 'left'
        ? prim('Left', [unparseData(o.value, t.left, mode)])
        : prim('Right', [unparseData(o.value, t.right, mode)]);
    }
    case 'pair':
      return unparsePair(v as V.PairValue, t, mode);
    case 'list':
      return listToArray(v as V.ListValue).map((x) => unparseData(x, t.arg, mode));
    case 'set':
      return [...treeEntries((v as V.SetValue).tree)].map(([x]) => unparseData(x, t.arg, mode));
    case 'map':
      return [...treeEntries((v as V.MapValue).tree)].map(([k, x]) =>
        prim('Elt', [unparseData(k, t.key, mode), unparseData(x, t.value, mode)]),
      );
    case 'big_map':
      return unparseBigMap(v as V.BigMapValue, mode);
    case 'lambda': {
      const l = v as V.LambdaValue;
      return normalizeCode(l.source(), mode);
    }
    case 'ticket': {
      const k = v as V.TicketValue;
      return prim('Pair', [
        unparseAddress(k.ticketer, mode),
        unparseData(k.contents, k.contentType, mode),
        intLit(k.amount),
      ]);
    }
    case 'operation':
      return unparseOperation((v as V.OperationValue).op, mode);
    case 'never':
      throw new RuntimeError('Cannot unparse a value of type never');
  }
}

function unparseAddress(a: V.AddressValue, mode: UnparseMode): Expr {
  return mode === 'readable' ? stringLit(addressToString(a)) : bytesLit(addressToBytes(a));
}

function unparsePair(v: V.PairValue, t: BinaryType, mode: UnparseMode): Expr {
  const l = unparseData(v.fst, t.left, mode);
  const r = unparseData(v.snd, t.right, mode);
  if (mode === 'legacy' || t.right.prim !== 'pair') return prim('Pair', [l, r]);
  if (mode === 'readable') return prim('Pair', [l, ...((r as Prim).args as Expr[])]);
  // Optimized: combs of 4+ components become sequences.
  if (Array.isArray(r)) return [l, ...r];
  const rr = r as Prim;
  const last = rr.args?.[1];
  if (t.right.right.prim === 'pair' && last !== undefined && isPrim(last, 'Pair'))
    return [l, rr.args?.[0] as Expr, ...(last.args as Expr[])];
  return prim('Pair', [l, r]);
}

function unparseBigMap(b: V.BigMapValue, mode: UnparseMode): Expr {
  const entries = [...treeEntries(b.overlay)];
  if (b.id === undefined)
    return entries.map(([k, x]) =>
      prim('Elt', [unparseData(k, b.keyType, mode), unparseData(x as Value, b.valueType, mode)]),
    );
  if (entries.length === 0) return intLit(b.id);
  // An id with pending changes (TZT's notation): Pair id { Elt k (Some v) ; Elt k None }.
  const elts = entries.map(([k, x]) =>
    prim('Elt', [
      unparseData(k, b.keyType, mode),
      x === undefined ? prim('None') : prim('Some', [unparseData(x, b.valueType, mode)]),
    ]),
  );
  return prim('Pair', [intLit(b.id), elts]);
}

/** TZT's concrete syntax for operations; the nonce is not specified (written 0). */
function unparseOperation(op: V.Operation, mode: UnparseMode): Expr {
  const nonce = intLit(0);
  const kh = (d: V.KeyHashValue | undefined) =>
    d === undefined ? prim('None') : prim('Some', [unparseData(d, { prim: 'key_hash' }, mode)]);
  switch (op.type) {
    case 'transaction':
      return prim('Transfer_tokens', [
        unparseData(op.param, op.paramType, mode),
        intLit(op.amount),
        unparseAddress(op.destination, mode),
        nonce,
      ]);
    case 'delegation':
      return prim('Set_delegate', [kh(op.delegate), nonce]);
    case 'origination':
      return prim('Create_contract', [
        op.code,
        kh(op.delegate),
        intLit(op.amount),
        unparseData(op.storage, op.storageType, mode),
        nonce,
      ]);
    case 'event':
      return prim(
        'Emit',
        [op.eventTypeExpr, unparseData(op.payload, op.eventType, mode)],
        op.tag === '' ? undefined : [`%${op.tag}`],
      );
  }
}

const normalized: Record<UnparseMode, WeakMap<object, Expr>> = {
  readable: new WeakMap(),
  optimized: new WeakMap(),
  legacy: new WeakMap(),
};

/** Re-unparse the data of every PUSH in `code` in `mode` (memoized per node). */
export function normalizeCode(code: Expr, mode: UnparseMode): Expr {
  if (typeof code !== 'object' || !(Array.isArray(code) || 'prim' in code)) return code;
  const memo = normalized[mode];
  const hit = memo.get(code);
  if (hit !== undefined) return hit;
  let out: Expr;
  if (Array.isArray(code)) out = code.map((c) => normalizeCode(c, mode));
  else if (code.prim === 'PUSH' && code.args?.length === 2) {
    const [ty, data] = code.args as [Expr, Expr];
    const t = parseType(ty);
    out = { ...code, args: [ty, unparseData(parseData(data, t, { legacy: true }), t, mode)] };
  } else if (code.args) out = { ...code, args: code.args.map((a) => normalizeCode(a, mode)) };
  else out = code;
  memo.set(code, out);
  return out;
}
