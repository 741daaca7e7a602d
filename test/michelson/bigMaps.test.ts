/**
 * Big maps through contract.ts: lazy storage diffs (alloc, update, copy,
 * remove; temporary and final ids) and the storage-size accounting of
 * storageSize.ts (33 bytes per big map, 65 + value bytes per entry).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeExpr } from '@taquito/utils';
import { InMemoryBigMapStore } from '../../src/michelson/bigMaps.js';
import type { ExecutionContext } from '../../src/michelson/context.js';
import {
  type Applied,
  execute,
  type Failed,
  type Originated,
  originate,
  typecheckContract,
} from '../../src/michelson/contract.js';
import { binarySize, type Expr } from '../../src/michelson/micheline.js';

const ctx = (store: InMemoryBigMapStore): ExecutionContext => ({
  self: 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi',
  sender: 'tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx',
  source: 'tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx',
  amount: 0n,
  balance: 0n,
  now: 0n,
  level: 1n,
  chainId: 'NetXdQprcVkpaWU',
  bigMaps: store,
});

function ok<T extends Applied | Originated>(r: T | Failed): T {
  if (r.status !== 'applied') assert.fail(JSON.stringify(r.error));
  return r;
}

const str = (s: string) => binarySize({ string: s });

/** `parameter (option string); storage (big_map nat string)`: set or remove key 1. */
const SETTER = `parameter (option string); storage (big_map nat string);
  code { UNPAIR ; PUSH nat 1 ; UPDATE ; NIL operation ; PAIR }`;

describe('lazy storage diffs and storage size', () => {
  const store = new InMemoryBigMapStore();
  const script = typecheckContract(SETTER);
  let storage: Expr;

  const run = (parameter: string) => {
    const r = ok(execute({ script, storage, parameter, context: ctx(store), nextBigMapId: 100n }));
    store.apply(r.lazyStorageDiff);
    storage = r.storage;
    return r;
  };

  it('allocates a big map at origination: 33 + (65 + value) per entry', () => {
    const o = ok(
      originate({ script, storage: '{ Elt 0 "zero" }', context: ctx(store), nextBigMapId: 7n }),
    );
    assert.deepEqual(o.storage, { int: '7' });
    assert.equal(o.nextBigMapId, 8n);
    assert.equal(o.lazyStorageDiff.length, 1);
    const d = o.lazyStorageDiff[0]!;
    assert.equal(d.id, '7');
    assert.equal(d.diff.action, 'alloc');
    assert.deepEqual(d.diff.action === 'alloc' && d.diff.key_type, { prim: 'nat' });
    assert.equal(o.storageSize, script.codeSize + binarySize({ int: '7' }) + 33 + 65 + str('zero'));
    store.apply(o.lazyStorageDiff);
    storage = o.storage;
  });

  it('counts a new entry, a changed value and a removal', () => {
    const added = run('Some "one"');
    assert.deepEqual(added.lazyStorageDiff, [
      {
        kind: 'big_map',
        id: '7',
        diff: {
          action: 'update',
          updates: [
            {
              // Blake2b-256 of PACK 1 = 0x050001, in base58check "expr".
              key_hash: encodeExpr('050001'),
              key: { int: '1' },
              value: { string: 'one' },
            },
          ],
        },
      },
    ]);
    assert.equal(added.storageSizeDiff, 65 + str('one'));
    assert.equal(run('Some "three"').storageSizeDiff, str('three') - str('one'));
    const removed = run('None');
    assert.equal(removed.storageSizeDiff, -(65 + str('three')));
    const u = removed.lazyStorageDiff[0]!.diff;
    assert.ok(u.action === 'update' && u.updates.length === 1 && !('value' in u.updates[0]!));
    assert.equal(store.entries(7n).length, 1);
  });

  it('gives new big maps temporary negative ids unless asked for final ones', () => {
    const fresh = typecheckContract(`parameter unit; storage (big_map nat nat);
      code { DROP ; EMPTY_BIG_MAP nat nat ; NIL operation ; PAIR }`);
    const r = ok(execute({ script: fresh, storage: '{}', parameter: 'Unit', context: ctx(store) }));
    assert.deepEqual(r.storage, { int: '-1' });
    assert.equal(r.lazyStorageDiff[0]!.id, '-1');
  });
});

describe('copies and removals', () => {
  it('copies a big map stored twice and removes a dropped one', () => {
    const store = new InMemoryBigMapStore();
    const dup =
      typecheckContract(`parameter unit; storage (pair (big_map nat nat) (option (big_map nat nat)));
      code { CDR ; CAR ; DUP ; SOME ; SWAP ; PAIR ; NIL operation ; PAIR }`);
    const o = ok(
      originate({
        script: dup,
        storage: 'Pair { Elt 1 2 } (Some { Elt 3 4 })',
        context: ctx(store),
        nextBigMapId: 0n,
      }),
    );
    store.apply(o.lazyStorageDiff);
    assert.deepEqual(o.storage, {
      prim: 'Pair',
      args: [{ int: '0' }, { prim: 'Some', args: [{ int: '1' }] }],
    });
    const r = ok(
      execute({
        script: dup,
        storage: o.storage,
        parameter: 'Unit',
        context: ctx(store),
        nextBigMapId: 2n,
      }),
    );
    const actions = r.lazyStorageDiff.map((d) => [
      d.id,
      d.diff.action,
      d.diff.action === 'copy' ? d.diff.source : '',
    ]);
    assert.deepEqual(actions, [
      ['0', 'update', ''],
      ['2', 'copy', '0'],
      ['1', 'remove', ''],
    ]);
    // +33 + copied entry (65 + 1 byte value + tag) ; −33 − removed entry.
    const entry = 65 + binarySize({ int: '2' });
    assert.equal(
      r.storageSizeDiff,
      binarySize(r.storage) - binarySize(o.storage) + (33 + entry) - (33 + entry),
    );
    store.apply(r.lazyStorageDiff);
    assert.equal(store.entries(2n).length, 1);
    assert.equal(store.has(1n), false);
  });

  it('reads values from the store and refuses big-map ids in parameters', () => {
    const store = new InMemoryBigMapStore();
    const getter =
      typecheckContract(`parameter nat; storage (pair (big_map nat string) (option string));
      code { UNPAIR ; DIP { CAR ; DUP } ; GET ; SWAP ; PAIR ; NIL operation ; PAIR }`);
    const o = ok(
      originate({
        script: getter,
        storage: 'Pair { Elt 5 "five" } None',
        context: ctx(store),
        nextBigMapId: 0n,
      }),
    );
    store.apply(o.lazyStorageDiff);
    const r = ok(
      execute({ script: getter, storage: o.storage, parameter: '5', context: ctx(store) }),
    );
    assert.deepEqual(r.storage, {
      prim: 'Pair',
      args: [{ int: '0' }, { prim: 'Some', args: [{ string: 'five' }] }],
    });
    const taker = typecheckContract(
      `parameter (big_map nat nat); storage unit; code { CDR ; NIL operation ; PAIR }`,
    );
    const bad = execute({ script: taker, storage: 'Unit', parameter: '0', context: ctx(store) });
    assert.equal(bad.status, 'failed');
    assert.equal((bad as Failed).error.kind, 'bad_parameter');
  });
});
