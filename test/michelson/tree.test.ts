/**
 * Persistent AVL trees (tree.ts): against a sorted-array model under random
 * inserts and deletes; balance and cached sizes hold; old versions are
 * untouched by later updates (persistence).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Tree,
  treeDelete,
  treeEntries,
  treeFind,
  treeFromSorted,
  treeMapValues,
  treeSet,
  treeSize,
} from '../../src/michelson/tree.js';
import { runs } from '../helpers/fixtures.js';

function check<V>(t: Tree<V>): number {
  if (t === undefined) return 0;
  const hl = check(t.left);
  const hr = check(t.right);
  assert.ok(Math.abs(hl - hr) <= 1, 'unbalanced');
  assert.equal(t.height, Math.max(hl, hr) + 1);
  assert.equal(t.size, treeSize(t.left) + treeSize(t.right) + 1);
  return t.height;
}

const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }));

describe('persistent AVL tree', () => {
  it('behaves like a sorted map under inserts and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        let t: Tree<number>;
        const model = new Map<number, number>();
        const versions: [Tree<number>, [bigint, number][]][] = [];
        for (const [insert, k] of ops) {
          if (insert) {
            t = treeSet(t, BigInt(k), k * 10);
            model.set(k, k * 10);
          } else {
            t = treeDelete(t, BigInt(k));
            model.delete(k);
          }
          check(t);
          const expected = [...model.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([a, b]) => [BigInt(a), b] as [bigint, number]);
          assert.deepEqual([...treeEntries(t)], expected);
          versions.push([t, expected]);
        }
        for (const [v, expected] of versions) assert.deepEqual([...treeEntries(v)], expected);
        for (let k = 0; k <= 40; k++) assert.equal(treeFind(t, BigInt(k))?.value, model.get(k));
      }),
      { numRuns: runs(200) },
    );
  });

  it('builds balanced trees from sorted keys and maps values in key order', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => BigInt(i));
    const t = treeFromSorted(keys, keys.map(Number));
    assert.ok(check(t) <= 11);
    const order: bigint[] = [];
    const doubled = treeMapValues(t, (k, v) => {
      order.push(k as bigint);
      return v * 2;
    });
    assert.deepEqual(order, keys);
    assert.equal(treeFind(doubled, 500n)?.value, 1000);
  });
});
