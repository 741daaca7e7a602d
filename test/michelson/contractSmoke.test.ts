/**
 * Smoke test of contract.ts on contracts/mizu.tz: it typechecks, originates,
 * and a register → post → request sequence works, read back through the
 * views, with big-map diffs applied to an in-memory store between calls.
 * (The contract's own behaviour is tested in mizuContract.test.ts.)
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InMemorySigner } from '@taquito/signer';
import { InMemoryBigMapStore } from '../../src/michelson/bigMaps.js';
import type { ExecutionContext } from '../../src/michelson/context.js';
import {
  type Applied,
  execute,
  type Failed,
  originate,
  runView,
  type Script,
  typecheckContract,
} from '../../src/michelson/contract.js';
import type { Expr } from '../../src/michelson/micheline.js';
import { testSecretKey } from '../helpers/fixtures.js';

const MIZU = readFileSync(path.resolve(import.meta.dirname, '../../contracts/mizu.tz'), 'utf8');
const SELF = 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi';

function context(
  store: InMemoryBigMapStore,
  sender: string,
  now = 1_700_000_000n,
): ExecutionContext {
  return {
    self: SELF,
    sender,
    source: sender,
    amount: 0n,
    balance: 0n,
    now,
    level: 10n,
    chainId: 'NetXdQprcVkpaWU',
    bigMaps: store,
  };
}

function applied<T extends { status: string }>(r: T | Failed): Exclude<T, Failed> {
  if (r.status !== 'applied')
    assert.fail(`expected applied, got ${JSON.stringify((r as Failed).error)}`);
  return r as Exclude<T, Failed>;
}

describe('mizu.tz smoke test', () => {
  let script: Script;
  const store = new InMemoryBigMapStore();
  let storage: Expr;
  let nextId = 0n;

  const commit = (
    r:
      | Applied
      | { storage: Expr; lazyStorageDiff: Applied['lazyStorageDiff']; nextBigMapId?: bigint },
  ) => {
    store.apply(r.lazyStorageDiff);
    storage = r.storage;
    if (r.nextBigMapId !== undefined) nextId = r.nextBigMapId;
  };

  it('typechecks, with entrypoints and views', () => {
    script = typecheckContract(MIZU);
    assert.deepEqual(Object.keys(script.entrypoints).sort(), ['post', 'register', 'request']);
    assert.deepEqual(Object.keys(script.views).sort(), [
      'get_counters',
      'get_postal',
      'get_requests',
      'get_user',
    ]);
    assert.deepEqual(script.warnings, []);
  });

  it('originates with four empty big maps', () => {
    const o = applied(
      originate({
        script,
        storage: '(Pair {} {} {} {})',
        context: context(store, SELF),
        nextBigMapId: 0n,
      }),
    );
    assert.equal(o.lazyStorageDiff.length, 4);
    assert.ok(o.lazyStorageDiff.every((d) => d.diff.action === 'alloc'));
    assert.equal(o.storageSize, script.codeSize + o.storageBytes + 4 * 33);
    commit(o);
    assert.deepEqual(storage, [{ int: '0' }, { int: '1' }, { int: '2' }, { int: '3' }]);
  });

  it('registers, posts, requests and reads it all back through the views', async () => {
    const alice = await InMemorySigner.fromSecretKey(testSecretKey('alice'));
    const bob = await InMemorySigner.fromSecretKey(testSecretKey('bob'));
    const aliceAddr = await alice.publicKeyHash();
    const bobAddr = await bob.publicKeyHash();

    const reg = applied(
      execute({
        script,
        storage,
        entrypoint: 'register',
        parameter: `Pair "${await alice.publicKey()}" 0x0102`,
        context: context(store, aliceAddr),
        nextBigMapId: nextId,
      }),
    );
    assert.equal(reg.operations.length, 0);
    assert.ok(reg.storageSizeDiff > 0);
    commit(reg);

    // Registering Bob's key from Alice's account is refused.
    const wrong = execute({
      script,
      storage,
      entrypoint: 'register',
      parameter: `Pair "${await bob.publicKey()}" 0x01`,
      context: context(store, aliceAddr),
    });
    assert.equal(wrong.status, 'failed');
    assert.deepEqual((wrong as Failed).error, {
      kind: 'failwith',
      with: { string: 'MIZU_KEY_NOT_SENDER' },
      readable: { string: 'MIZU_KEY_NOT_SENDER' },
    });

    const post = applied(
      execute({
        script,
        storage,
        entrypoint: 'post',
        parameter: '{ 0xaa ; 0xbbbb }',
        context: context(store, aliceAddr, 1_700_000_100n),
        nextBigMapId: nextId,
      }),
    );
    commit(post);

    const req = applied(
      execute({
        script,
        storage,
        entrypoint: 'request',
        parameter: `Pair "${aliceAddr}" 0xcafe`,
        context: context(store, bobAddr, 1_700_000_200n),
        nextBigMapId: nextId,
      }),
    );
    commit(req);

    const view = (name: string, input: string) =>
      applied(runView({ script, view: name, input, storage, context: context(store, bobAddr) }))
        .readable;

    assert.deepEqual(view('get_user', `"${aliceAddr}"`), {
      prim: 'Some',
      args: [
        {
          prim: 'Pair',
          args: [
            { string: await alice.publicKey() },
            { bytes: '0102' },
            { int: '2' },
            { int: '1' },
          ],
        },
      ],
    });
    assert.deepEqual(view('get_user', `"${bobAddr}"`), { prim: 'None' });
    assert.deepEqual(view('get_postal', `Pair "${aliceAddr}" 0 10`), [
      { prim: 'Pair', args: [{ int: '0' }, { bytes: 'aa' }, { string: '2023-11-14T22:15:00Z' }] },
      { prim: 'Pair', args: [{ int: '1' }, { bytes: 'bbbb' }, { string: '2023-11-14T22:15:00Z' }] },
    ]);
    assert.deepEqual(view('get_requests', `Pair "${aliceAddr}" 0 5`), [
      { prim: 'Pair', args: [{ int: '0' }, { bytes: 'cafe' }, { string: '2023-11-14T22:16:40Z' }] },
    ]);
    assert.deepEqual(view('get_counters', `{ "${aliceAddr}" ; "${bobAddr}" }`), [
      { prim: 'Pair', args: [{ string: aliceAddr }, { int: '2' }, { int: '1' }] },
      { prim: 'Pair', args: [{ string: bobAddr }, { int: '0' }, { int: '0' }] },
    ]);
  });
});
