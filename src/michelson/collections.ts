/**
 * Sets and maps on persistent trees (tree.ts): membership, lookup, update,
 * size, and building them from literals (which must be strictly sorted).
 */

import { compareValues } from './compare.js';
import { treeDelete, treeFind, treeFromSorted, treeSet, treeSize } from './tree.js';
import type { MapValue, SetValue, Value } from './values.js';

export const setSize = (s: SetValue): number => treeSize(s.tree);
export const mapSize = (m: MapValue): number => treeSize(m.tree);

export function setMem(s: SetValue, elem: Value): boolean {
  return treeFind(s.tree, elem) !== undefined;
}

export function setUpdate(s: SetValue, elem: Value, present: boolean): SetValue {
  const tree = present ? treeSet(s.tree, elem, true as const) : treeDelete(s.tree, elem);
  return tree === s.tree ? s : { kind: 'set', tree };
}

export function mapGet(m: MapValue, key: Value): Value | undefined {
  return treeFind(m.tree, key)?.value;
}

export function mapUpdate(m: MapValue, key: Value, value: Value | undefined): MapValue {
  const tree = value === undefined ? treeDelete(m.tree, key) : treeSet(m.tree, key, value);
  return tree === m.tree ? m : { kind: 'map', tree };
}

/** True iff the values are strictly increasing (literal sets and maps must be). */
export function isStrictlyIncreasing(elems: readonly Value[]): boolean {
  for (let i = 1; i < elems.length; i++)
    if (compareValues(elems[i - 1] as Value, elems[i] as Value) >= 0) return false;
  return true;
}

export function setFromSorted(elems: readonly Value[]): SetValue {
  return {
    kind: 'set',
    tree: treeFromSorted(
      elems,
      elems.map(() => true as const),
    ),
  };
}

export function mapFromSorted(keys: readonly Value[], values: readonly Value[]): MapValue {
  return { kind: 'map', tree: treeFromSorted(keys, values) };
}
