/**
 * Big maps: the store interface the interpreter reads them through, an
 * in-memory implementation, and the run-time operations on big-map values.
 *
 * A big-map value on the stack is an optional store id plus an overlay of the
 * changes made during this execution (see values.ts). Reads go to the overlay
 * first, then to the store by script-expression hash of the packed key
 * (`expr…`, what the node's `big_maps/{id}/{expr}` RPC takes). Nothing is
 * written to the store during execution: the overlay becomes a lazy storage
 * diff at the end (lazyStorage.ts), which the caller applies.
 */

import { parseData } from './data.js';
import { BigMapNotFoundError } from './errors.js';
import { COST, type GasMeter } from './gas.js';
import type { LazyStorageDiffItem } from './lazyStorage.js';
import { binarySize, type Expr } from './micheline.js';
import { keyHash } from './pack.js';
import { BIG_MAP_ENTRY_BYTES } from './storageSize.js';
import { treeDelete, treeFind, treeSet } from './tree.js';
import { type MType, parseType } from './types.js';
import type { BigMapValue, Value } from './values.js';

/** Read access to the big maps of the chain. */
export interface BigMapStore {
  /** Key and value types of big map `id` (annotations stripped), if it exists. */
  types(id: bigint): { readonly keyType: Expr; readonly valueType: Expr } | undefined;
  /** Value stored under `keyHash` (Optimized Micheline), if any. */
  get(id: bigint, keyHash: string): Expr | undefined;
  /** Bytes accounted to big map `id`: Σ (65 + value size) over its entries. */
  totalBytes(id: bigint): bigint;
}

interface StoredEntry {
  readonly key: Expr;
  readonly value: Expr;
}

/** A BigMapStore in memory, for tests and TZT; also applies lazy storage diffs. */
export class InMemoryBigMapStore implements BigMapStore {
  private readonly maps = new Map<
    bigint,
    { keyType: Expr; valueType: Expr; entries: Map<string, StoredEntry> }
  >();

  types(id: bigint) {
    const m = this.maps.get(id);
    return m && { keyType: m.keyType, valueType: m.valueType };
  }
  get(id: bigint, hash: string): Expr | undefined {
    return this.maps.get(id)?.entries.get(hash)?.value;
  }
  totalBytes(id: bigint): bigint {
    let n = 0n;
    for (const e of this.maps.get(id)?.entries.values() ?? [])
      n += BigInt(BIG_MAP_ENTRY_BYTES + binarySize(e.value));
    return n;
  }
  has(id: bigint): boolean {
    return this.maps.has(id);
  }
  /** Create an empty big map. */
  alloc(id: bigint, keyType: Expr, valueType: Expr): void {
    this.maps.set(id, { keyType, valueType, entries: new Map() });
  }
  /** Set (value given) or remove (value undefined) one entry. */
  set(id: bigint, hash: string, key: Expr, value: Expr | undefined): void {
    const m = this.maps.get(id);
    if (!m) throw new BigMapNotFoundError(id);
    if (value === undefined) m.entries.delete(hash);
    else m.entries.set(hash, { key, value });
  }
  copy(from: bigint, to: bigint): void {
    const m = this.maps.get(from);
    if (!m) throw new BigMapNotFoundError(from);
    this.maps.set(to, { keyType: m.keyType, valueType: m.valueType, entries: new Map(m.entries) });
  }
  remove(id: bigint): void {
    this.maps.delete(id);
  }
  /** Entries of a big map (key, value), for inspection in tests. */
  entries(id: bigint): StoredEntry[] {
    return [...(this.maps.get(id)?.entries.values() ?? [])];
  }
  /** Apply a lazy storage diff whose ids are final (non-negative). */
  apply(diff: readonly LazyStorageDiffItem[]): void {
    for (const item of diff) {
      const id = BigInt(item.id);
      const d = item.diff;
      if (d.action === 'remove') {
        this.remove(id);
        continue;
      }
      if (d.action === 'alloc') this.alloc(id, d.key_type, d.value_type);
      if (d.action === 'copy') this.copy(BigInt(d.source), id);
      for (const u of d.updates) this.set(id, u.key_hash, u.key, u.value);
    }
  }
}

/** Typed view of a store big map: key/value types as MType, checked once. */
export function storeTypes(
  store: BigMapStore | undefined,
  id: bigint,
): { key: MType; value: MType } | undefined {
  const t = store?.types(id);
  return t && { key: parseType(t.keyType), value: parseType(t.valueType) };
}

export interface BigMapAccess {
  readonly store: BigMapStore | undefined;
  readonly gas: GasMeter;
}

/** Lookup: overlay first, then the store. */
export function bigMapGet(acc: BigMapAccess, bm: BigMapValue, key: Value): Value | undefined {
  const hit = treeFind(bm.overlay, key);
  if (hit !== undefined) return hit.value;
  if (bm.id === undefined) return undefined;
  if (!acc.store) throw new BigMapNotFoundError(bm.id, 'no big map store in the context');
  const hash = keyHash(key, bm.keyType);
  acc.gas.consume(COST.BIG_MAP_READ);
  const e = acc.store.get(bm.id, hash);
  if (e === undefined) return undefined;
  acc.gas.consume(COST.BYTE * binarySize(e));
  return parseData(e, bm.valueType);
}

export function bigMapMem(acc: BigMapAccess, bm: BigMapValue, key: Value): boolean {
  const hit = treeFind(bm.overlay, key);
  if (hit !== undefined) return hit.value !== undefined;
  if (bm.id === undefined) return false;
  if (!acc.store) throw new BigMapNotFoundError(bm.id, 'no big map store in the context');
  acc.gas.consume(COST.BIG_MAP_READ);
  return acc.store.get(bm.id, keyHash(key, bm.keyType)) !== undefined;
}

/** New big map value with `key` set (value) or removed (undefined). */
export function bigMapUpdate(bm: BigMapValue, key: Value, value: Value | undefined): BigMapValue {
  // A big map without an id holds all of its entries: removing means deleting.
  // One backed by the store must remember the removal for the diff.
  const overlay =
    bm.id === undefined && value === undefined
      ? treeDelete(bm.overlay, key)
      : treeSet<Value | undefined>(bm.overlay, key, value);
  return { ...bm, overlay };
}
