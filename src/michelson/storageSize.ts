/**
 * Storage-size accounting, with the protocol's formulas, so that a caller
 * can compute `paid_storage_size_diff` and the storage burn.
 *
 * What a contract occupies (`Contract_storage`, `Lazy_storage_diff`):
 *
 * - its script: the binary Micheline size (Micheline_encoding, no 0x05 tag,
 *   no length prefix) of the code as stored (PUSH data normalized to
 *   Optimized form) plus that of the storage (Optimized form, big maps as
 *   their ids);
 * - per big map: 33 bytes (`bytes_size_for_empty` in lazy_storage_diff.ml);
 * - per big-map entry: 65 bytes (`bytes_size_for_big_map_key`: the key hash
 *   and the context overhead) plus the binary size of the value. The key
 *   itself is not stored by the protocol (only its hash), so it is not
 *   counted — contrary to a common reading of the RPC notes.
 *
 * A big map removed from storage frees its 33 bytes and all its entries; a
 * copied one costs 33 bytes plus the bytes of its source. Updating an
 * existing entry costs the change in value size; removing one frees
 * 65 + its value size.
 *
 * `paid_storage_size_diff` is then max(0, new used size − paid size so far),
 * which the caller computes from these sizes (apply.ml
 * `Fees.record_paid_storage_space`).
 */

import { binarySize, type Expr } from './micheline.js';

export const BIG_MAP_BYTES = 33;
export const BIG_MAP_ENTRY_BYTES = 65;

/** Bytes of a script as stored: code + storage. */
export function scriptSize(code: Expr, storage: Expr): number {
  return binarySize(code) + binarySize(storage);
}

/**
 * Size change of one big-map update.
 * @param oldValue value previously under the key (undefined: no entry)
 * @param newValue value written (undefined: removal)
 */
export function entrySizeDiff(oldValue: Expr | undefined, newValue: Expr | undefined): number {
  if (newValue === undefined)
    return oldValue === undefined ? 0 : -(BIG_MAP_ENTRY_BYTES + binarySize(oldValue));
  if (oldValue === undefined) return BIG_MAP_ENTRY_BYTES + binarySize(newValue);
  return binarySize(newValue) - binarySize(oldValue);
}
