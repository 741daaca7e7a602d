/**
 * The Taquito chain adapter against the real sandbox node (in-process,
 * ephemeral port, 0.2 s blocks): every method of the chain port.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ChainError } from '../../src/adapters/chain/errors.js';
import { createChain, type MizuChain, verifiedBundleOf } from '../../src/adapters/chain/index.js';
import { originateMizu } from '../../src/adapters/chain/originate.js';
import type { ChainWriter } from '../../src/ports/chain.js';
import { MIZU_SOURCE_URL } from '../../src/sandbox/node.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../helpers/fixtures.js';

let sandbox: Sandbox;
let chain: MizuChain;
let alice: TestUser;
let bob: TestUser;
let aliceWriter: ChainWriter;
let bobWriter: ChainWriter;
const aliceKey = testSecretKey('chain alice');
const bobKey = testSecretKey('chain bob', 'secp256k1');

async function fund(address: string, tez: number): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: String(tez * 1_000_000) }),
  });
  assert.equal(r.status, 200);
  sandbox.bake();
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('chain adapter on the sandbox', { timeout: 120_000 }, () => {
  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
    chain = await createChain({ urls: [sandbox.url], pollMs: 50, random: seededRandom('chain') });
    const random = seededRandom('users');
    const ctx = { contract: sandbox.contract, chainId: chain.chainId };
    alice = await makeUser('alice', aliceKey, random, ctx);
    bob = await makeUser('bob', bobKey, random, { ...ctx, withKem: false });
    await fund(alice.address, 100);
    await fund(bob.address, 100);
    aliceWriter = await chain.writer(aliceKey);
    bobWriter = await chain.writer(bobKey);
  });
  after(async () => {
    await chain.close();
    await sandbox.close();
  });

  it('discovers the contract and the chain id from the sandbox', async () => {
    assert.equal(chain.contract, sandbox.contract);
    assert.equal(chain.chainId, 'NetXdQprcVkpaWU');
    const head = await chain.head('directory');
    assert.ok(head.level >= 1, 'head.level >= 1');
    assert.match(head.hash, /^B/);
    assert.ok(head.time > Date.parse('2026-01-01'), 'head.time > Date.parse(2026-01-01)');
    assert.equal(aliceWriter.address, alice.address);
  });

  it('reads an unregistered user as null and its counters as zero', async () => {
    assert.equal(await chain.getUser(alice.address, 'directory'), null);
    const c = await chain.getCounters([alice.address], 'directory');
    assert.deepEqual(c.get(alice.address), { posts: 0, requests: 0 });
    assert.deepEqual(await chain.getPostal(alice.address, 0, 10, 'directory'), []);
  });

  it('estimates a first registration: reveal + register, burn = bytes × 250', async () => {
    const cost = await aliceWriter.estimate({ kind: 'register', bundle: alice.bundleBytes });
    // docs/contract.md: a first hybrid registration stores 1560 bytes.
    assert.equal(cost.storageBytes, 65 + alice.bundleBytes.length + 116);
    assert.equal(cost.burnMutez, BigInt(cost.storageBytes) * 250n);
    assert.equal(cost.totalMutez, cost.feeMutez + cost.burnMutez);
    assert.ok(
      cost.feeMutez > 100n && cost.feeMutez < 100_000n,
      'cost.feeMutez > 100n && cost.feeMutez < 100_000n',
    );
    assert.ok(cost.gasLimit > 100, 'cost.gasLimit > 100');
  });

  it('refuses a post before registration as not-registered', async () => {
    await assert.rejects(
      aliceWriter.estimate({ kind: 'post', entries: [bytes(10, 1)] }),
      (e: unknown) => e instanceof ChainError && e.code === 'not-registered',
    );
  });

  it('registers, waits for inclusion and finality, and reads the bundle back', async () => {
    const balance = await chain.balance(alice.address, 'writes');
    const op = await aliceWriter.inject({ kind: 'register', bundle: alice.bundleBytes });
    assert.match(op.hash, /^o/);
    assert.equal(op.counter, '2'); // the reveal takes counter 1
    assert.ok(op.expiresAfterLevel > op.branchLevel, 'op.expiresAfterLevel > op.branchLevel');
    const levels: number[] = [];
    const inc = await aliceWriter.waitForInclusion(op, { onLevel: (l) => levels.push(l) });
    assert.deepEqual(await aliceWriter.status(op), { state: 'included', ...inc });
    await aliceWriter.waitForFinality(inc.level);
    assert.ok(
      (await chain.head('writes')).level >= inc.level + 2,
      '(await chain.head(writes)).level >= inc.level + 2',
    );
    const user = await chain.getUser(alice.address, 'directory');
    assert.ok(user, 'user');
    assert.equal(user.publicKey, alice.publicKey);
    assert.deepEqual(user.bundle, alice.bundleBytes);
    assert.equal(user.posts, 0);
    const verified = verifiedBundleOf(user, chain);
    assert.deepEqual(verified.identityKey, alice.bundle.identityKey);
    assert.ok(
      (await chain.balance(alice.address, 'writes')) < balance - 1560n * 250n,
      '(await chain.balance(alice.address, writes)) < balance - 1560n * 250n',
    );
  });

  it('posts a batch of entries and reads them back in order with their block time', async () => {
    const entries = [bytes(5, 1), bytes(3584, 2), bytes(166, 3)];
    // The sandbox's block timestamps run ahead of the wall clock at 0.2 s blocks (≥ 1 s apart).
    const before = await chain.head('directory');
    const op = await aliceWriter.inject({ kind: 'post', entries });
    await aliceWriter.waitForInclusion(op);
    const got = await chain.getPostal(alice.address, 0, 10, `contact:${alice.address}`);
    assert.deepEqual(
      got.map((e) => [e.index, e.bytes]),
      entries.map((b, i) => [i, b]),
    );
    const after = await chain.head('directory');
    for (const e of got)
      assert.ok(
        e.time > before.time && e.time <= after.time,
        'e.time > before.time && e.time <= after.time',
      );
    assert.deepEqual(
      (await chain.getPostal(alice.address, 1, 1, 'directory')).map((e) => e.index),
      [1],
    );
    assert.deepEqual(await chain.getPostal(alice.address, 3, 5, 'directory'), []);
  });

  it('sends a discovery request and reads the request box and counters', async () => {
    const r1 = await bobWriter.inject({ kind: 'register', bundle: bob.bundleBytes });
    await bobWriter.waitForInclusion(r1);
    const sealed = bytes(401, 7);
    const op = await aliceWriter.inject({ kind: 'request', recipient: bob.address, sealed });
    await aliceWriter.waitForInclusion(op);
    const box = await chain.getRequests(bob.address, 0, 100, 'requests');
    assert.equal(box.length, 1);
    assert.deepEqual(box[0]!.bytes, sealed);
    const stranger = 'tz1aNrBEkjBaoQ82B5jJd6kjvLaKdHzgiqcj';
    const counters = await chain.getCounters([bob.address, alice.address, stranger], 'directory');
    assert.deepEqual(
      [...counters.entries()],
      [
        [bob.address, { posts: 0, requests: 1 }],
        [alice.address, { posts: 3, requests: 0 }],
        [stranger, { posts: 0, requests: 0 }],
      ],
    );
    assert.ok(
      verifiedBundleOf((await chain.getUser(bob.address, 'directory'))!, chain),
      'verifiedBundleOf((await chain.getUser(bob.address, directory))!, chain)',
    );
  });

  it('replaces a bundle (the counters are kept)', async () => {
    const op = await aliceWriter.inject({ kind: 'register', bundle: bob.bundleBytes });
    await aliceWriter.waitForInclusion(op);
    const user = (await chain.getUser(alice.address, 'directory'))!;
    assert.deepEqual(user.bundle, bob.bundleBytes);
    assert.equal(user.posts, 3);
    // Bob's bundle under Alice's address: verification names Alice.
    assert.throws(
      () => verifiedBundleOf(user, chain),
      (e: unknown) =>
        e instanceof ChainError && e.code === 'forged-bundle' && e.address === alice.address,
    );
    const back = await aliceWriter.inject({ kind: 'register', bundle: alice.bundleBytes });
    await aliceWriter.waitForInclusion(back);
  });

  it('splits ranges over 128 entries and counters over 200 addresses', async () => {
    // 17 posts of 8: 136 more entries (139 in all); injections queue behind each other.
    const ops = [];
    for (let p = 0; p < 17; p++)
      ops.push(
        await aliceWriter.inject({
          kind: 'post',
          entries: Array.from({ length: 8 }, (_, i) => bytes(1 + p, 8 * p + i)),
        }),
      );
    await aliceWriter.waitForInclusion(ops[ops.length - 1]!);
    const all = await chain.getPostal(alice.address, 0, 1000, 'directory');
    assert.equal(all.length, 139);
    assert.deepEqual(
      all.map((e) => e.index),
      Array.from({ length: 139 }, (_, i) => i),
    );
    assert.deepEqual(all[138]!.bytes, bytes(17, 135));
    const some = await chain.getPostal(alice.address, 123, 10, 'directory');
    assert.deepEqual(
      some.map((e) => e.index),
      [123, 124, 125, 126, 127, 128, 129, 130, 131, 132],
    );
    const many = Array.from({ length: 450 }, (_, i) => (i === 333 ? alice.address : bob.address));
    const counters = await chain.getCounters(many, 'directory');
    assert.equal(counters.get(alice.address)?.posts, 139);
  });

  it('reads a contract originated with the earlier range bound (100) at that bound', async () => {
    const source = readFileSync(MIZU_SOURCE_URL, 'utf8');
    const bound = /PUSH nat 128 ; COMPARE ; LT ;/g;
    assert.equal(source.match(bound)?.length, 2, 'both range views are bounded at 128');
    const legacy = await originateMizu({
      urls: [sandbox.url],
      secretKey: aliceKey,
      code: source.replace(bound, 'PUSH nat 100 ; COMPARE ; LT ;'),
    });
    const old = await createChain({ urls: [sandbox.url], contract: legacy.contract, pollMs: 50 });
    try {
      const writer = await old.writer(aliceKey);
      await writer.waitForInclusion(
        await writer.inject({ kind: 'register', bundle: alice.bundleBytes }),
      );
      const entries = Array.from({ length: 8 }, (_, i) => bytes(3, i));
      await writer.waitForInclusion(await writer.inject({ kind: 'post', entries }));
      const read = await old.getPostal(alice.address, 0, 1000, 'directory');
      assert.deepEqual(
        read.map((e) => e.bytes),
        entries,
      );
      assert.equal((await old.getPostal(alice.address, 2, 120, 'directory')).length, 6);
    } finally {
      await old.close();
    }
  });

  it('refuses a post by an unregistered account and a registration by an unfunded one', async () => {
    const carol = await chain.writer(testSecretKey('chain carol'));
    await fund(carol.address, 10);
    await assert.rejects(
      carol.inject({ kind: 'post', entries: [bytes(1, 1)] }),
      (e: unknown) =>
        e instanceof ChainError &&
        e.code === 'not-registered' &&
        e.errors.includes('MIZU_NOT_REGISTERED'),
    );
    const broke = await chain.writer(testSecretKey('chain dave'));
    await assert.rejects(
      broke.estimate({ kind: 'register', bundle: alice.bundleBytes }),
      (e: unknown) => e instanceof ChainError && e.code === 'insufficient-funds',
    );
  });

  it('refuses reads of what is not an address, or a negative range', async () => {
    const bad = (e: unknown) => e instanceof ChainError && e.code === 'invalid-argument';
    await assert.rejects(chain.getUser('tz1nope', 'directory'), bad);
    await assert.rejects(chain.balance('../../../mizu/status', 'directory'), bad);
    await assert.rejects(chain.getCounters([alice.address, 'KT1x'], 'directory'), bad);
    await assert.rejects(chain.getPostal(alice.address, -1, 5, 'directory'), bad);
    await assert.rejects(chain.getRequests(alice.address, 0, 1.5, 'directory'), bad);
  });

  it('refuses arguments out of the contract bounds before sending', async () => {
    for (const op of [
      { kind: 'post', entries: [] },
      { kind: 'post', entries: Array.from({ length: 9 }, () => bytes(1, 1)) },
      { kind: 'post', entries: [bytes(3585, 1)] },
      { kind: 'register', bundle: bytes(2049, 1) },
      { kind: 'request', recipient: bob.address, sealed: bytes(1025, 1) },
    ] as const)
      await assert.rejects(
        aliceWriter.estimate(op),
        (e: unknown) => e instanceof ChainError && e.code === 'invalid-argument',
      );
  });
});
