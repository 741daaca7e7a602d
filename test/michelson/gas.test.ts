/**
 * Gas: exhaustion is a typed result; consumption grows with the work done;
 * a mizu.tz post costs the same gas and storage whatever the box length
 * (BRIEF §7). Runtime failures other than FAILWITH are typed too.
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
  typecheckContract,
} from '../../src/michelson/contract.js';
import { GasMeter } from '../../src/michelson/gas.js';
import { testSecretKey } from '../helpers/fixtures.js';

const ctx = (
  sender = 'tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx',
  store?: InMemoryBigMapStore,
): ExecutionContext => ({
  self: 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi',
  sender,
  source: sender,
  amount: 0n,
  balance: 0n,
  now: 0n,
  level: 1n,
  chainId: 'NetXdQprcVkpaWU',
  ...(store ? { bigMaps: store } : {}),
});

const COUNTDOWN = typecheckContract(`parameter nat; storage unit;
  code { CAR ; PUSH bool True ; LOOP { PUSH nat 1 ; SWAP ; SUB ; ISNAT ; IF_NONE { PUSH bool False ; PUSH nat 0 ; SWAP } { PUSH bool True } } ;
         DROP ; UNIT ; NIL operation ; PAIR }`);

describe('gas', () => {
  it('reports exhaustion as a typed failure consuming exactly the limit', () => {
    const forever = typecheckContract(
      'parameter unit; storage unit; code { DROP ; PUSH bool True ; LOOP { PUSH bool True } ; UNIT ; NIL operation ; PAIR }',
    );
    const r = execute({
      script: forever,
      storage: 'Unit',
      parameter: 'Unit',
      context: ctx(),
      gasLimit: 5_000_000,
    });
    assert.equal(r.status, 'failed');
    assert.deepEqual((r as Failed).error, { kind: 'gas_exhausted' });
    assert.equal(r.consumedMilligas, 5_000_000);
  });

  it('grows linearly with the iterations run', () => {
    const cost = (n: number) =>
      (
        execute({
          script: COUNTDOWN,
          storage: 'Unit',
          parameter: String(n),
          context: ctx(),
        }) as Applied
      ).consumedMilligas;
    const c10 = cost(10);
    const c20 = cost(20);
    const c40 = cost(40);
    assert.ok(c10 < c20 && c20 < c40);
    assert.equal(c40 - c20, 2 * (c20 - c10));
  });

  it('refuses a negative or fractional limit', () => {
    assert.throws(() => new GasMeter(-1), RangeError);
    assert.throws(() => new GasMeter(1.5), RangeError);
  });

  it('reports mutez overflow as a typed failure', () => {
    const s = typecheckContract(
      'parameter mutez; storage mutez; code { UNPAIR ; ADD ; NIL operation ; PAIR }',
    );
    const r = execute({
      script: s,
      storage: '9223372036854775807',
      parameter: '1',
      context: ctx(),
    });
    assert.equal(r.status, 'failed');
    assert.equal((r as Failed).error.kind, 'overflow');
  });
});

describe('mizu.tz post cost', () => {
  it('does not depend on the length of the postal box', async () => {
    const mizu = typecheckContract(
      readFileSync(path.resolve(import.meta.dirname, '../../contracts/mizu.tz'), 'utf8'),
    );
    const store = new InMemoryBigMapStore();
    const signer = await InMemorySigner.fromSecretKey(testSecretKey('gas-poster'));
    const me = await signer.publicKeyHash();
    const o = originate({
      script: mizu,
      storage: 'Pair {} {} {} {}',
      context: ctx(me, store),
      nextBigMapId: 0n,
    });
    if (o.status !== 'applied') assert.fail(JSON.stringify(o.error));
    let storage = o.storage;
    store.apply(o.lazyStorageDiff);
    const call = (entrypoint: string, parameter: string) => {
      const r = execute({
        script: mizu,
        storage,
        entrypoint,
        parameter,
        context: ctx(me, store),
        nextBigMapId: 4n,
      });
      if (r.status !== 'applied') assert.fail(JSON.stringify(r.error));
      store.apply(r.lazyStorageDiff);
      storage = r.storage;
      return r;
    };
    call('register', `Pair "${await signer.publicKey()}" 0x00`);
    const first = call('post', '{ 0x0102 }');
    for (let i = 0; i < 30; i++) call('post', '{ 0x0102 }');
    const later = call('post', '{ 0x0102 }');
    assert.equal(later.consumedMilligas, first.consumedMilligas);
    assert.equal(later.storageSizeDiff, first.storageSizeDiff);
  });
});
