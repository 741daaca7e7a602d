/**
 * Faults and lies between the adapter and the node: a fault-injecting
 * proxy in front of the real sandbox. Nodes that hang, answer 500, answer
 * garbage or malformed view data are retried elsewhere and marked down; an
 * injection accepted but never included is re-sent, and once expired the
 * re-injection reuses the counter so the entry lands once; a forged bundle
 * is caught by verification; an operation that fails on chain is 'failed'.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { TezosToolkit } from '@taquito/taquito';
import { ChainError, createChain, verifiedBundleOf } from '../../src/adapters/chain/index.js';
import type { ChainWriter } from '../../src/ports/chain.js';
import type { Random } from '../../src/ports/random.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { type FaultProxy, type FaultRule, startFaultProxy } from '../helpers/faultProxy.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../helpers/fixtures.js';

/** Always the first candidate: the pool tries urls[0] first, then the next one up. */
const firstChoice: Random = (n) => new Uint8Array(n);

let sandbox: Sandbox;
const proxies: FaultProxy[] = [];
let alice: TestUser;
const aliceKey = testSecretKey('faults alice');

async function proxy(...rules: FaultRule[]): Promise<FaultProxy> {
  const p = await startFaultProxy(sandbox.url);
  p.rules.push(...rules);
  proxies.push(p);
  return p;
}

async function fund(address: string): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: '100000000' }),
  });
  assert.equal(r.status, 200);
  sandbox.bake();
}

const entry = (fill: number) => new Uint8Array(40).fill(fill);

describe('chain adapter: faults and lies', { timeout: 120_000 }, () => {
  let writer: ChainWriter;

  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2, maxOperationsTtl: 6 });
    alice = await makeUser('alice', aliceKey, seededRandom('faults'), {
      contract: sandbox.contract,
    });
    await fund(alice.address);
    const chain = await createChain({ urls: [sandbox.url], pollMs: 50 });
    writer = await chain.writer(aliceKey);
    await writer.waitForInclusion(
      await writer.inject({ kind: 'register', bundle: alice.bundleBytes }),
    );
  });
  after(async () => {
    for (const p of proxies) await p.close();
    await sandbox.close();
  });

  for (const [name, rule] of [
    ['hangs (timeout)', { action: 'hang' }],
    ['answers 500 with no error list', { action: 'error500' }],
    ['answers garbage instead of JSON', { action: 'garbage' }],
    ['rate-limits (429)', { action: 'status', status: 429 }],
    [
      'answers view data out of the requested range',
      {
        action: 'rewrite',
        path: /run_script_view/,
        rewrite: () => ({
          data: [{ prim: 'Pair', args: [{ int: '7' }, { bytes: '00' }, { int: '0' }] }],
        }),
      },
    ],
  ] as [string, FaultRule][]) {
    it(`retries elsewhere and marks down a node that ${name}`, async () => {
      const bad = await proxy(rule);
      const good = await proxy();
      const chain = await createChain({
        urls: [bad.url, good.url],
        contract: sandbox.contract,
        timeoutMs: 300,
        random: firstChoice,
      });
      // Reach the bad node first: a view (the garbage and rewrite faults hit it).
      const first = await chain.getPostal(alice.address, 0, 5, 'directory');
      assert.deepEqual(first, []);
      for (let i = 0; i < 5; i++)
        assert.deepEqual(
          (await chain.getCounters([alice.address], 'directory')).get(alice.address),
          { posts: 0, requests: 0 },
        );
      const faulty = bad.requests.filter((r) => r.action !== 'pass');
      assert.equal(faulty.length, 1, 'the bad node is tried once, then avoided');
      assert.ok(good.requests.length >= 6, 'good.requests.length >= 6');
    });
  }

  it('follows an operation past a lagging node (404 on recent blocks)', async () => {
    const lagging = await proxy({ action: 'status', status: 404, path: /\/blocks\/\d+\// });
    const good = await proxy();
    const chain = await createChain({
      urls: [lagging.url, good.url],
      contract: sandbox.contract,
      random: firstChoice,
      pollMs: 50,
      markDownMs: 100,
    });
    const w = await chain.writer(aliceKey);
    const op = await w.inject({ kind: 'post', entries: [entry(9)] });
    const inc = await w.waitForInclusion(op);
    assert.equal((await w.status(op)).state, 'included');
    assert.ok(inc.level > op.branchLevel, 'included after its branch');
    assert.ok(
      lagging.requests.some((r) => r.action === 'status'),
      'the lagging node was asked and answered 404',
    );
  });

  it('reports unreachable, promptly, when every node fails', async () => {
    const a = await proxy({ action: 'error500' });
    const b = await proxy({ action: 'hang' });
    const t0 = Date.now();
    await assert.rejects(
      createChain({ urls: [a.url, b.url], contract: sandbox.contract, timeoutMs: 300 }),
      (e: unknown) =>
        e instanceof ChainError && e.code === 'unreachable' && /answered 500/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 3_000, 'Date.now() - t0 < 3_000');
  });

  it('re-sends an injection a node accepted but never passed on', async () => {
    const p = await proxy({ action: 'drop-injection', path: /^\/injection/, times: 1 });
    const chain = await createChain({ urls: [p.url], pollMs: 50, rebroadcastEveryLevels: 2 });
    const w = await chain.writer(aliceKey);
    const op = await w.inject({ kind: 'post', entries: [entry(1)] });
    assert.equal(p.held.length, 1);
    const inc = await w.waitForInclusion(op);
    assert.ok(inc.level > op.branchLevel, 'inc.level > op.branchLevel');
    const injections = p.requests.filter((r) => r.path === '/injection/operation');
    assert.ok(injections.length >= 2, 'injections.length >= 2');
    const box = await chain.getPostal(alice.address, 0, 100, 'directory');
    assert.equal(box.filter((e) => e.bytes[0] === 1).length, 1);
    // The held copy (same bytes) can no longer land: its counter is used (or its branch expired).
    const [late] = await p.release();
    assert.equal(late!.status, 500);
    assert.match(late!.text, /counter_in_the_past|too old/);
    const again = await chain.getPostal(alice.address, 0, 100, 'directory');
    assert.equal(again.length, box.length);
  });

  it('an operation that expires is dropped; its re-injection reuses the counter and lands once', async () => {
    const p = await proxy({ action: 'drop-injection', path: /^\/injection/ });
    const chain = await createChain({ urls: [p.url], pollMs: 50 });
    const w = await chain.writer(aliceKey);
    const before = (await chain.getCounters([alice.address], 'directory')).get(alice.address)!;
    const op1 = await w.inject({ kind: 'post', entries: [entry(2)] });
    await assert.rejects(
      w.waitForInclusion(op1),
      (e: unknown) => e instanceof ChainError && e.code === 'dropped' && e.operation === op1,
    );
    assert.ok(
      (await chain.head('writes')).level >= op1.expiresAfterLevel,
      'dropped only once expired',
    );
    assert.deepEqual(await w.status(op1), { state: 'dropped' });
    p.rules.length = 0; // the node behaves again
    const op2 = await w.inject({ kind: 'post', entries: [entry(2)] });
    assert.equal(op2.counter, op1.counter);
    assert.notEqual(op2.hash, op1.hash);
    await w.waitForInclusion(op2);
    for (const r of await p.release()) assert.equal(r.status, 500); // stale branch or used counter
    const after = (await chain.getCounters([alice.address], 'directory')).get(alice.address)!;
    assert.equal(after.posts, before.posts + 1);
    const box = await chain.getPostal(alice.address, 0, 100, 'directory');
    assert.equal(box.filter((e) => e.bytes[0] === 2).length, 1);
  });

  it('catches a node that serves a forged bundle, naming the address', async () => {
    const tamper = (flip: (bundleHex: string) => string): FaultRule => ({
      action: 'rewrite',
      path: /run_script_view/,
      rewrite: (answer, body) => {
        if ((body as { view: string }).view !== 'get_user') return answer;
        const data = (answer as { data: { args: [{ args: { bytes: string }[] }] } }).data;
        const b = data.args[0].args[1]!;
        b.bytes = flip(b.bytes);
        return answer;
      },
    });
    const cases: [string, (h: string) => string][] = [
      ['a flipped byte', (h) => `${h.slice(0, 200)}${h[200] === '0' ? '1' : '0'}${h.slice(201)}`],
      ['a truncated bundle', (h) => h.slice(0, 100)],
    ];
    for (const [, flip] of cases) {
      const p = await proxy(tamper(flip));
      const chain = await createChain({ urls: [p.url], contract: sandbox.contract });
      const user = await chain.getUser(alice.address, 'contact:x');
      assert.ok(user, 'user');
      assert.notDeepEqual(user.bundle, alice.bundleBytes);
      assert.throws(
        () => verifiedBundleOf(user, chain),
        (e: unknown) =>
          e instanceof ChainError &&
          e.code === 'forged-bundle' &&
          e.address === alice.address &&
          e.message.includes(alice.address),
      );
    }
    // Through an honest node, the same read verifies.
    const honest = await createChain({ urls: [sandbox.url] });
    const user = (await honest.getUser(alice.address, 'directory'))!;
    assert.deepEqual(verifiedBundleOf(user, honest).identityKey, alice.bundle.identityKey);
  });

  it("reports an operation that fails on chain as 'failed' with the contract's error", async () => {
    // Bypass estimation (explicit limits) so that a post by an unregistered account is injected.
    const key = testSecretKey('faults erin');
    const tz = new TezosToolkit(sandbox.url);
    tz.setProvider({ signer: new InMemorySigner(key) });
    const address = await tz.signer.publicKeyHash();
    await fund(address);
    const head = await (await createChain({ urls: [sandbox.url] })).head('directory');
    const prepared = await tz.prepare.transaction({
      to: sandbox.contract,
      amount: 0,
      parameter: { entrypoint: 'post', value: [{ bytes: 'aa' }] },
      fee: 5000,
      gasLimit: 5000,
      storageLimit: 500,
    });
    const forged = await new LocalForger().forge(tz.prepare.toForge(prepared) as never);
    const signed = await new InMemorySigner(key).sign(forged, new Uint8Array([3]));
    const hash = await tz.rpc.injectOperation(signed.sbytes);
    const contents = prepared.opOb.contents as { counter?: string }[];
    const chain = await createChain({ urls: [sandbox.url], pollMs: 50 });
    const w = await chain.writer(key);
    const op = {
      hash,
      counter: String(contents[contents.length - 1]!.counter),
      branchLevel: head.level - 3,
      expiresAfterLevel: head.level + 3,
    };
    await assert.rejects(
      w.waitForInclusion(op),
      (e: unknown) =>
        e instanceof ChainError && e.code === 'failed' && e.errors.includes('MIZU_NOT_REGISTERED'),
    );
    const s = await w.status(op);
    assert.equal(s.state, 'failed');
  });
});
