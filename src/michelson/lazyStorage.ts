/**
 * Lazy storage diffs: what happened to the big maps of a contract's storage
 * during an execution, shaped like the node's `lazy_storage_diff` JSON
 * (TEZOS_RPC_NOTES §4, Tezos `Lazy_storage_diff.encoding`):
 *
 *   { kind: "big_map", id: "N", diff: { action: "alloc", updates, key_type, value_type } }
 *   { kind: "big_map", id: "N", diff: { action: "update", updates } }
 *   { kind: "big_map", id: "N", diff: { action: "copy", source: "M", updates } }
 *   { kind: "big_map", id: "N", diff: { action: "remove" } }
 *   update = { key_hash: "expr…", key: <Micheline>, value?: <Micheline> }  (no value = removal)
 *
 * The rule (Script_ir_translator `extract_lazy_storage_diff`): walking the new
 * storage, a big map whose id was in the old storage, met for the first time,
 * is updated in place; any other big map with an id is copied to a fresh id;
 * one without an id is allocated. Ids of the old storage no longer present
 * are removed. Fresh ids come from `ids.next` (negative temporary ids by
 * default: the caller then assigns global ones).
 */

import { type BigMapStore, storeTypes } from './bigMaps.js';
import { BigMapNotFoundError } from './errors.js';
import { COST, type GasMeter } from './gas.js';
import type { Expr } from './micheline.js';
import { keyHash } from './pack.js';
import { BIG_MAP_BYTES, entrySizeDiff } from './storageSize.js';
import { treeEntries, treeMapValues } from './tree.js';
import { type MType, props, unparseType } from './types.js';
import { unparseData } from './unparse.js';
import type * as V from './values.js';
import {
  type BigMapValue,
  type ListValue,
  listFromArray,
  listToArray,
  type MapValue,
  type Value,
} from './values.js';

export interface BigMapUpdate {
  readonly key_hash: string;
  readonly key: Expr;
  readonly value?: Expr;
}

export type BigMapDiff =
  | { readonly action: 'update'; readonly updates: BigMapUpdate[] }
  | { readonly action: 'remove' }
  | { readonly action: 'copy'; readonly source: string; readonly updates: BigMapUpdate[] }
  | {
      readonly action: 'alloc';
      readonly updates: BigMapUpdate[];
      readonly key_type: Expr;
      readonly value_type: Expr;
    };

export interface LazyStorageDiffItem {
  readonly kind: 'big_map';
  readonly id: string;
  readonly diff: BigMapDiff;
}

/** Id allocator: `next()` returns a fresh id. */
export interface IdAllocator {
  next(): bigint;
}

/** Temporary ids -1, -2, … */
export function temporaryIds(): IdAllocator {
  let n = 0n;
  return { next: () => --n };
}

/** Ids from `first` upwards (when the caller hands out global ids itself). */
export function sequentialIds(first: bigint): IdAllocator & { readonly peek: () => bigint } {
  let n = first;
  return { next: () => n++, peek: () => n };
}

/** Apply `f` to every big map inside `v` (of type `t`), rebuilding the value. */
export function mapBigMaps(v: Value, t: MType, f: (b: BigMapValue) => BigMapValue): Value {
  if (!props(t).hasBigMap) return v;
  switch (t.prim) {
    case 'big_map':
      return f(v as BigMapValue);
    case 'pair': {
      const p = v as V.PairValue;
      return {
        kind: 'pair',
        fst: mapBigMaps(p.fst, t.left, f),
        snd: mapBigMaps(p.snd, t.right, f),
      };
    }
    case 'or': {
      const o = v as V.OrValue;
      return { kind: o.kind, value: mapBigMaps(o.value, o.kind === 'left' ? t.left : t.right, f) };
    }
    case 'option': {
      const o = v as V.SomeValue | V.NoneValue;
      return o.kind === 'none' ? o : { kind: 'some', value: mapBigMaps(o.value, t.arg, f) };
    }
    case 'list':
      return listFromArray(listToArray(v as ListValue).map((x) => mapBigMaps(x, t.arg, f)));
    case 'map': {
      const m = v as MapValue;
      return { kind: 'map', tree: treeMapValues(m.tree, (_k, x) => mapBigMaps(x, t.value, f)) };
    }
    default:
      return v;
  }
}

/** Ids of the big maps inside a value. */
export function collectBigMapIds(v: Value, t: MType): Set<bigint> {
  const ids = new Set<bigint>();
  mapBigMaps(v, t, (b) => {
    if (b.id !== undefined) ids.add(b.id);
    return b;
  });
  return ids;
}

export interface ExtractOptions {
  /** Ids of the big maps of the storage before execution (updated in place). */
  readonly existing: ReadonlySet<bigint>;
  readonly store: BigMapStore | undefined;
  readonly gas: GasMeter;
  readonly ids: IdAllocator;
}

export interface Extracted {
  /** The storage with every big map replaced by its (final or temporary) id. */
  readonly value: Value;
  readonly diff: LazyStorageDiffItem[];
  /** Change in bytes of big-map storage (see storageSize.ts). */
  readonly sizeDiff: bigint;
}

export function extractLazyStorage(v: Value, t: MType, opts: ExtractOptions): Extracted {
  const diff: LazyStorageDiffItem[] = [];
  const seen = new Set<bigint>();
  let size = 0n;

  const updatesOf = (b: BigMapValue, base: bigint | undefined): BigMapUpdate[] =>
    [...treeEntries(b.overlay)].map(([k, val]) => {
      const hash = keyHash(k, b.keyType);
      const valueExpr = val === undefined ? undefined : unparseData(val, b.valueType, 'optimized');
      const old = base === undefined ? undefined : opts.store?.get(base, hash);
      opts.gas.consume(COST.BIG_MAP_WRITE + (base === undefined ? 0 : COST.BIG_MAP_READ));
      size += BigInt(entrySizeDiff(old, valueExpr));
      const key = unparseData(k, b.keyType, 'optimized');
      return valueExpr === undefined
        ? { key_hash: hash, key }
        : { key_hash: hash, key, value: valueExpr };
    });

  const value = mapBigMaps(v, t, (b) => {
    const emptied: BigMapValue = { ...b, overlay: undefined };
    if (b.id !== undefined && opts.existing.has(b.id) && !seen.has(b.id)) {
      seen.add(b.id);
      diff.push({
        kind: 'big_map',
        id: String(b.id),
        diff: { action: 'update', updates: updatesOf(b, b.id) },
      });
      return emptied;
    }
    const id = opts.ids.next();
    seen.add(id);
    size += BigInt(BIG_MAP_BYTES);
    if (b.id !== undefined) {
      if (!opts.store || !storeTypes(opts.store, b.id)) throw new BigMapNotFoundError(b.id);
      size += opts.store.totalBytes(b.id);
      const source = String(b.id);
      diff.push({
        kind: 'big_map',
        id: String(id),
        diff: { action: 'copy', source, updates: updatesOf(b, b.id) },
      });
    } else {
      diff.push({
        kind: 'big_map',
        id: String(id),
        diff: {
          action: 'alloc',
          updates: updatesOf(b, undefined),
          key_type: unparseType(b.keyType),
          value_type: unparseType(b.valueType),
        },
      });
    }
    return { ...emptied, id };
  });

  for (const id of [...opts.existing].sort((a, b) => (a < b ? -1 : 1))) {
    if (seen.has(id)) continue;
    size -= BigInt(BIG_MAP_BYTES) + (opts.store?.totalBytes(id) ?? 0n);
    diff.push({ kind: 'big_map', id: String(id), diff: { action: 'remove' } });
  }
  return { value, diff, sizeDiff: size };
}
