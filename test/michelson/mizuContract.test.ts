/**
 * contracts/mizu.tz through the interpreter: every entrypoint, every view,
 * every bound and every documented rejection (docs/contract.md), and the
 * property the brief asks of the storage layout: a post costs the same gas
 * and storage whether the box holds 1 entry or 10,000.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { InMemorySigner } from '@taquito/signer';
import { testSecretKey } from '../helpers/fixtures.js';
import { MizuHarness, START_TIME } from '../helpers/mizuHarness.js';

interface Account {
  readonly address: string;
  readonly publicKey: string;
}

async function account(label: string, curve: 'ed25519' | 'secp256k1' | 'p256' = 'ed25519') {
  const signer = await InMemorySigner.fromSecretKey(testSecretKey(label, curve));
  return { address: await signer.publicKeyHash(), publicKey: await signer.publicKey() };
}

const hex = (n: number, byte = 0xab) => Buffer.alloc(n, byte).toString('hex');
const iso = (seconds: bigint) =>
  new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
const register = (a: Account, bundle = '0102') => `Pair "${a.publicKey}" 0x${bundle}`;
const entries = (...items: string[]) => `{ ${items.map((b) => `0x${b}`).join(' ; ')} }`;
const range = (owner: Account, from: number, count: number) =>
  `Pair "${owner.address}" ${from} ${count}`;
const entry = (index: number, bytes: string, time: bigint) => ({
  prim: 'Pair',
  args: [{ int: String(index) }, { bytes }, { string: iso(time) }],
});

let alice: Account;
let bob: Account;
let carol: Account;

before(async () => {
  alice = await account('alice');
  bob = await account('bob');
  carol = await account('carol');
});

describe('register', () => {
  test('stores the key and bundle for SENDER, with zero counters', () => {
    const c = new MizuHarness();
    c.ok('register', register(alice, 'c0ffee'), { sender: alice.address });
    assert.deepEqual(c.view('get_user', `"${alice.address}"`), {
      prim: 'Some',
      args: [
        {
          prim: 'Pair',
          args: [{ string: alice.publicKey }, { bytes: 'c0ffee' }, { int: '0' }, { int: '0' }],
        },
      ],
    });
  });

  test('works for tz1, tz2 and tz3 accounts', async () => {
    const c = new MizuHarness();
    for (const curve of ['ed25519', 'secp256k1', 'p256'] as const) {
      const a = await account(`register-${curve}`, curve);
      c.ok('register', register(a), { sender: a.address });
      assert.equal((c.view('get_user', `"${a.address}"`) as { prim: string }).prim, 'Some');
    }
  });

  test('a key that does not hash to SENDER is refused', () => {
    const c = new MizuHarness();
    c.refused('register', register(bob), { sender: alice.address }, 'MIZU_KEY_NOT_SENDER');
  });

  test('replacing the bundle keeps the counters', () => {
    const c = new MizuHarness();
    c.ok('register', register(alice, '01'), { sender: alice.address });
    c.ok('post', entries('aa', 'bb'), { sender: alice.address });
    c.ok('request', `Pair "${alice.address}" 0x77`, { sender: bob.address });
    c.ok('register', register(alice, '02'), { sender: alice.address });
    assert.deepEqual(c.view('get_user', `"${alice.address}"`), {
      prim: 'Some',
      args: [
        {
          prim: 'Pair',
          args: [{ string: alice.publicKey }, { bytes: '02' }, { int: '2' }, { int: '1' }],
        },
      ],
    });
  });

  test('bundle bounds: 1 to 2048 bytes', () => {
    const c = new MizuHarness();
    c.refused('register', register(alice, ''), { sender: alice.address }, 'MIZU_BUNDLE_EMPTY');
    c.refused(
      'register',
      register(alice, hex(2049)),
      { sender: alice.address },
      'MIZU_BUNDLE_TOO_LONG',
    );
    c.ok('register', register(alice, hex(2048)), { sender: alice.address });
  });

  test('tez sent with any call is refused', () => {
    const c = new MizuHarness();
    c.refused(
      'register',
      register(alice),
      { sender: alice.address, amount: 1n },
      'MIZU_TEZ_NOT_ACCEPTED',
    );
    c.ok('register', register(alice), { sender: alice.address });
    c.refused(
      'post',
      entries('aa'),
      { sender: alice.address, amount: 5n },
      'MIZU_TEZ_NOT_ACCEPTED',
    );
    c.refused(
      'request',
      `Pair "${alice.address}" 0x01`,
      { sender: bob.address, amount: 1n },
      'MIZU_TEZ_NOT_ACCEPTED',
    );
  });
});

describe('post', () => {
  let c: MizuHarness;
  before(() => {
    c = new MizuHarness();
    c.ok('register', register(alice), { sender: alice.address });
    c.ok('register', register(bob), { sender: bob.address });
  });

  test('appends with consecutive indices and the block timestamp', () => {
    c.ok('post', entries('a0', 'a1'), { sender: alice.address, now: START_TIME + 10n });
    c.ok('post', entries('a2'), { sender: alice.address, now: START_TIME + 20n });
    c.ok('post', entries('b0'), { sender: bob.address, now: START_TIME + 30n });
    assert.deepEqual(c.view('get_postal', range(alice, 0, 10)), [
      entry(0, 'a0', START_TIME + 10n),
      entry(1, 'a1', START_TIME + 10n),
      entry(2, 'a2', START_TIME + 20n),
    ]);
    assert.deepEqual(c.view('get_postal', range(bob, 0, 10)), [entry(0, 'b0', START_TIME + 30n)]);
  });

  test('by an unregistered account is refused', () => {
    c.refused('post', entries('aa'), { sender: carol.address }, 'MIZU_NOT_REGISTERED');
  });

  test('bounds: 1 to 8 entries of 1 to 3584 bytes', () => {
    c.refused('post', '{}', { sender: alice.address }, 'MIZU_POST_EMPTY');
    c.refused(
      'post',
      entries(...Array(9).fill('aa')),
      { sender: alice.address },
      'MIZU_TOO_MANY_ENTRIES',
    );
    c.refused('post', entries('aa', ''), { sender: alice.address }, 'MIZU_ENTRY_EMPTY');
    c.refused('post', entries('aa', hex(3585)), { sender: alice.address }, 'MIZU_ENTRY_TOO_LONG');
    c.ok('post', entries(...Array(8).fill(hex(3584))), { sender: bob.address });
  });
});

describe('request', () => {
  test('anyone, registered or not, can append to a registered account’s request box', () => {
    const c = new MizuHarness();
    c.ok('register', register(alice), { sender: alice.address });
    c.ok('request', `Pair "${alice.address}" 0x01`, {
      sender: carol.address,
      now: START_TIME + 1n,
    });
    c.ok('request', `Pair "${alice.address}" 0x02`, { sender: bob.address, now: START_TIME + 2n });
    assert.deepEqual(c.view('get_requests', range(alice, 0, 10)), [
      entry(0, '01', START_TIME + 1n),
      entry(1, '02', START_TIME + 2n),
    ]);
    // Requests do not touch the postal counter.
    assert.deepEqual(c.view('get_counters', `{ "${alice.address}" }`), [
      { prim: 'Pair', args: [{ string: alice.address }, { int: '0' }, { int: '2' }] },
    ]);
  });

  test('to an unregistered account, or outside 1 to 1024 bytes, is refused', () => {
    const c = new MizuHarness();
    c.ok('register', register(alice), { sender: alice.address });
    c.refused(
      'request',
      `Pair "${bob.address}" 0x01`,
      { sender: alice.address },
      'MIZU_RECIPIENT_NOT_REGISTERED',
    );
    c.refused(
      'request',
      `Pair "${alice.address}" 0x`,
      { sender: bob.address },
      'MIZU_REQUEST_EMPTY',
    );
    c.refused(
      'request',
      `Pair "${alice.address}" 0x${hex(1025)}`,
      { sender: bob.address },
      'MIZU_REQUEST_TOO_LONG',
    );
    c.ok('request', `Pair "${alice.address}" 0x${hex(1024)}`, { sender: bob.address });
  });
});

describe('views', () => {
  let c: MizuHarness;
  before(() => {
    c = new MizuHarness();
    c.ok('register', register(alice), { sender: alice.address });
    for (let i = 0; i < 5; i++) {
      c.ok('post', entries(`0${i}`, `1${i}`), {
        sender: alice.address,
        now: START_TIME + BigInt(i),
      });
    }
  });

  test('get_user of an unknown address is None', () => {
    assert.deepEqual(c.view('get_user', `"${carol.address}"`), { prim: 'None' });
  });

  test('get_postal returns exact ranges, partial ranges at the end, and nothing past it', () => {
    const all = Array.from({ length: 10 }, (_, k) =>
      entry(k, `${k % 2}${Math.floor(k / 2)}`, START_TIME + BigInt(Math.floor(k / 2))),
    );
    assert.deepEqual(c.view('get_postal', range(alice, 0, 10)), all);
    assert.deepEqual(c.view('get_postal', range(alice, 3, 4)), all.slice(3, 7));
    assert.deepEqual(c.view('get_postal', range(alice, 8, 5)), all.slice(8));
    assert.deepEqual(c.view('get_postal', range(alice, 10, 5)), []);
    assert.deepEqual(c.view('get_postal', range(alice, 50, 100)), []);
    assert.deepEqual(c.view('get_postal', range(alice, 2, 0)), []);
    assert.deepEqual(c.view('get_postal', range(bob, 0, 10)), []);
  });

  test('ranges longer than 128 entries are refused', () => {
    assert.equal((c.view('get_postal', range(alice, 0, 128)) as unknown[]).length, 10);
    assert.deepEqual(c.viewError('get_postal', range(alice, 0, 129)), {
      kind: 'failwith',
      with: { string: 'MIZU_RANGE_TOO_LONG' },
      readable: { string: 'MIZU_RANGE_TOO_LONG' },
    });
    assert.equal(
      (c.viewError('get_requests', range(alice, 0, 129)) as { kind: string }).kind,
      'failwith',
    );
  });

  test('a full range of the largest entries stays far below the gas a view may use', (t) => {
    const big = new MizuHarness();
    big.ok('register', register(alice), { sender: alice.address });
    const largest = hex(3584);
    for (let p = 0; p < 16; p++) {
      big.ok('post', entries(...Array<string>(8).fill(largest)), { sender: alice.address });
    }
    assert.equal((big.view('get_postal', range(alice, 0, 128)) as unknown[]).length, 128);
    const gas = big.viewGas('get_postal', range(alice, 0, 128));
    t.diagnostic(`get_postal of 128 entries of 3584 bytes: ${gas} gas`);
    // hard_gas_limit_per_operation, the budget of a run_script_view: keep 20x headroom.
    assert.ok(gas < 1_040_000 / 20, `${gas} gas`);
  });

  test('get_counters reads many addresses in one call (zeros for unknown ones), at most 200', () => {
    assert.deepEqual(c.view('get_counters', `{ "${alice.address}" ; "${carol.address}" }`), [
      { prim: 'Pair', args: [{ string: alice.address }, { int: '10' }, { int: '0' }] },
      { prim: 'Pair', args: [{ string: carol.address }, { int: '0' }, { int: '0' }] },
    ]);
    const many = (n: number) => `{ ${Array(n).fill(`"${carol.address}"`).join(' ; ')} }`;
    assert.equal((c.view('get_counters', many(200)) as unknown[]).length, 200);
    assert.deepEqual(c.viewError('get_counters', many(201)), {
      kind: 'failwith',
      with: { string: 'MIZU_TOO_MANY_ADDRESSES' },
      readable: { string: 'MIZU_TOO_MANY_ADDRESSES' },
    });
  });
});

describe('cost of a post does not depend on the length of the box', () => {
  // What is paid is whole gas units (milligas rounded up per operation) and
  // bytes. Milligas is not perfectly flat: like the protocol, the interpreter
  // charges integer arithmetic, comparison and key hashing by the byte length
  // of the numbers, and the counter grows from 1 to 2 to 3 bytes; that is a
  // few milligas, never a whole gas unit, and does not grow with history.
  const gasUnits = (milligas: number) => Math.ceil(milligas / 1000);

  test('the 10,000th post costs the gas units and storage bytes of the 1st', () => {
    const c = new MizuHarness();
    c.ok('register', register(alice), { sender: alice.address });
    const post = () => c.ok('post', entries(hex(100)), { sender: alice.address });
    const first = post();
    let thousandth = first;
    for (let i = 2; i < 10_000; i++) {
      const r = post();
      if (i === 1_000) thousandth = r;
    }
    const last = post();
    assert.equal(gasUnits(last.consumedMilligas), gasUnits(first.consumedMilligas));
    assert.ok(
      Math.abs(last.consumedMilligas - first.consumedMilligas) < 50,
      'milligas: a few, from integer sizes',
    );
    assert.ok(last.consumedMilligas - thousandth.consumedMilligas < 10, 'no growth with history');
    assert.equal(last.storageSizeDiff, first.storageSizeDiff);
    assert.equal(last.storageSizeDiff, thousandth.storageSizeDiff);
    assert.ok(first.storageSizeDiff > 100, 'the entry bytes are paid for');
    assert.deepEqual(c.view('get_postal', range(alice, 9_999, 5)), [
      entry(9_999, hex(100), START_TIME),
    ]);
  });
});
