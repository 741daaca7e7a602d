/**
 * Persistent AVL trees keyed by comparable Michelson values: the storage of
 * sets, maps and big-map overlays.
 *
 * Every update returns a new root sharing all untouched nodes (O(log n) time
 * and allocation), so values stay immutable and DUP stays free. Each node
 * caches its subtree size (SIZE in O(1)). The protocol charges map updates
 * about log n gas, so anything slower would let a script run for far longer
 * than its gas pays for.
 */

import { compareValues } from './compare.js';
import type { Value } from './values.js';

export interface TreeNode<V> {
  readonly key: Value;
  readonly value: V;
  readonly left: Tree<V>;
  readonly right: Tree<V>;
  readonly height: number;
  readonly size: number;
}
export type Tree<V> = TreeNode<V> | undefined;

const height = <V>(t: Tree<V>) => (t === undefined ? 0 : t.height);
export const treeSize = <V>(t: Tree<V>): number => (t === undefined ? 0 : t.size);

function node<V>(key: Value, value: V, left: Tree<V>, right: Tree<V>): TreeNode<V> {
  return {
    key,
    value,
    left,
    right,
    height: Math.max(height(left), height(right)) + 1,
    size: treeSize(left) + treeSize(right) + 1,
  };
}

/** Rebuild a node, rotating once or twice if its children's heights differ by 2. */
function balance<V>(key: Value, value: V, left: Tree<V>, right: Tree<V>): TreeNode<V> {
  const hl = height(left);
  const hr = height(right);
  if (hl > hr + 1) {
    const l = left as TreeNode<V>;
    if (height(l.left) >= height(l.right))
      return node(l.key, l.value, l.left, node(key, value, l.right, right));
    const lr = l.right as TreeNode<V>;
    return node(
      lr.key,
      lr.value,
      node(l.key, l.value, l.left, lr.left),
      node(key, value, lr.right, right),
    );
  }
  if (hr > hl + 1) {
    const r = right as TreeNode<V>;
    if (height(r.right) >= height(r.left))
      return node(r.key, r.value, node(key, value, left, r.left), r.right);
    const rl = r.left as TreeNode<V>;
    return node(
      rl.key,
      rl.value,
      node(key, value, left, rl.left),
      node(r.key, r.value, rl.right, r.right),
    );
  }
  return node(key, value, left, right);
}

/** The node holding `key`, if any. */
export function treeFind<V>(t: Tree<V>, key: Value): TreeNode<V> | undefined {
  let cur = t;
  while (cur !== undefined) {
    const c = compareValues(key, cur.key);
    if (c === 0) return cur;
    cur = c < 0 ? cur.left : cur.right;
  }
  return undefined;
}

/** Insert or replace. */
export function treeSet<V>(t: Tree<V>, key: Value, value: V): TreeNode<V> {
  if (t === undefined) return node(key, value, undefined, undefined);
  const c = compareValues(key, t.key);
  if (c === 0) return node(key, value, t.left, t.right);
  if (c < 0) return balance(t.key, t.value, treeSet(t.left, key, value), t.right);
  return balance(t.key, t.value, t.left, treeSet(t.right, key, value));
}

function removeMin<V>(t: TreeNode<V>): { min: TreeNode<V>; rest: Tree<V> } {
  if (t.left === undefined) return { min: t, rest: t.right };
  const r = removeMin(t.left);
  return { min: r.min, rest: balance(t.key, t.value, r.rest, t.right) };
}

/** Remove `key` (unchanged tree if absent). */
export function treeDelete<V>(t: Tree<V>, key: Value): Tree<V> {
  if (t === undefined) return undefined;
  const c = compareValues(key, t.key);
  if (c < 0) {
    const l = treeDelete(t.left, key);
    return l === t.left ? t : balance(t.key, t.value, l, t.right);
  }
  if (c > 0) {
    const r = treeDelete(t.right, key);
    return r === t.right ? t : balance(t.key, t.value, t.left, r);
  }
  if (t.left === undefined) return t.right;
  if (t.right === undefined) return t.left;
  const { min, rest } = removeMin(t.right);
  return balance(min.key, min.value, t.left, rest);
}

/** Balanced tree from keys already strictly increasing. */
export function treeFromSorted<V>(keys: readonly Value[], values: readonly V[]): Tree<V> {
  const build = (lo: number, hi: number): Tree<V> => {
    if (lo >= hi) return undefined;
    const mid = (lo + hi) >>> 1;
    return node(keys[mid] as Value, values[mid] as V, build(lo, mid), build(mid + 1, hi));
  };
  return build(0, keys.length);
}

/** Entries in increasing key order. */
export function* treeEntries<V>(t: Tree<V>): Generator<[Value, V]> {
  const stack: TreeNode<V>[] = [];
  let cur = t;
  while (cur !== undefined || stack.length > 0) {
    while (cur !== undefined) {
      stack.push(cur);
      cur = cur.left;
    }
    const n = stack.pop() as TreeNode<V>;
    yield [n.key, n.value];
    cur = n.right;
  }
}

/** Same keys, values mapped in increasing key order (the order MAP runs its body in). */
export function treeMapValues<V, W>(t: Tree<V>, f: (key: Value, value: V) => W): Tree<W> {
  if (t === undefined) return undefined;
  const left = treeMapValues(t.left, f);
  const value = f(t.key, t.value);
  const right = treeMapValues(t.right, f);
  return { key: t.key, value, left, right, height: t.height, size: t.size };
}
