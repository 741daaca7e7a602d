/**
 * Contract abuse: every entrypoint of contracts/mizu.tz called by the wrong
 * account, with oversized or malformed arguments, with tez attached, and
 * with too little balance, on the sandbox node through Taquito. Each call
 * must be refused with the error docs/contract.md documents, and leave the
 * contract's storage and big maps exactly as they were.
 *
 * Every refused call is tried twice: through Taquito (whose simulation
 * refuses it before anything is injected, as a client sees it), and as a
 * hand-forged operation injected straight into the node (rawCall.ts), which
 * the node puts in a block as `failed`: the fee and counter are taken, and
 * nothing else may change.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RpcClient } from '@taquito/rpc';
import { InMemorySigner } from '@taquito/signer';
import { TezosOperationError, TezosToolkit } from '@taquito/taquito';
import { toHex } from '../../src/protocol/bytes.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { makeUser, seededRandom, testSecretKey } from '../helpers/fixtures.js';
import { type ContractSnapshot, snapshot, view } from './contractSnapshot.js';
import { includedResult, injectRaw, RAW_FEE } from './rawCall.js';

const CHAIN_ID = 'NetXdQprcVkpaWU';
const PROTO = 'proto.025-PsUshuai.';

interface Party {
  readonly name: string;
  readonly address: string;
  readonly publicKey: string;
  readonly signer: InMemorySigner;
  readonly tz: TezosToolkit;
  bundleHex: string;
}

interface Call {
  readonly entrypoint: string;
  readonly value: unknown;
  /** Mutez sent with the call. */
  readonly amount?: bigint;
}

type Refusal = { readonly failwith: string } | { readonly id: string };

const dataDir = mkdtempSync(join(tmpdir(), 'mizu-abuse-'));
const random = seededRandom('contract abuse');
let sandbox: Sandbox;
let rpc: RpcClient;
const parties: Party[] = [];

const bytes = (n: number, byte = 0xab) => ({ bytes: byte.toString(16).repeat(n) });
const str = (s: string) => ({ string: s });
const register = (key: string, bundle: { bytes: string }): Call => ({
  entrypoint: 'register',
  value: { prim: 'Pair', args: [str(key), bundle] },
});
const post = (...entries: { bytes: string }[]): Call => ({ entrypoint: 'post', value: entries });
const request = (recipient: string, sealed: { bytes: string }): Call => ({
  entrypoint: 'request',
  value: { prim: 'Pair', args: [str(recipient), sealed] },
});

async function fund(address: string, mutez: bigint): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: String(mutez) }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  sandbox.bake();
}

async function newParty(name: string, mutez: bigint): Promise<Party> {
  const secretKey = testSecretKey(`abuse ${name}`);
  const user = await makeUser(name, secretKey, random, {
    contract: sandbox.contract,
    chainId: CHAIN_ID,
  });
  const tz = new TezosToolkit(sandbox.url);
  const signer = new InMemorySigner(secretKey);
  tz.setProvider({ signer });
  const p = {
    name,
    address: user.address,
    publicKey: user.publicKey,
    signer,
    tz,
    bundleHex: toHex(user.bundleBytes),
  };
  parties.push(p);
  if (mutez > 0n) await fund(p.address, mutez);
  return p;
}

/** Sends a call that must be applied (the setup, and the control cases). */
async function applied(p: Party, call: Call): Promise<void> {
  const op = await p.tz.contract.transfer({
    to: sandbox.contract,
    amount: Number(call.amount ?? 0n),
    mutez: true,
    parameter: { entrypoint: call.entrypoint, value: call.value as never },
  });
  sandbox.bake();
  assert.equal((await includedResult(rpc, op.hash)).status, 'applied');
}

const balanceOf = async (address: string) => BigInt((await rpc.getBalance(address)).toFixed());
const counterOf = async (address: string) =>
  BigInt((await rpc.getContract(address)).counter ?? '0');
const state = (): Promise<ContractSnapshot> =>
  snapshot(
    sandbox,
    rpc,
    parties.map((p) => p.address),
  );

function matches(errors: readonly { id: string; with?: unknown }[], refusal: Refusal): boolean {
  if ('failwith' in refusal)
    return errors.some(
      (e) =>
        e.id === `${PROTO}michelson_v1.script_rejected` &&
        JSON.stringify(e.with) === JSON.stringify({ string: refusal.failwith }),
    );
  return errors.some((e) => e.id === `${PROTO}${refusal.id}`);
}

/**
 * `call` from `p` is refused through Taquito and, injected by hand, is
 * included as failed with `refusal`; only `p`'s fee and counter move.
 */
async function refused(p: Party, call: Call, refusal: Refusal): Promise<void> {
  const before = await state();
  await assert.rejects(
    p.tz.contract.transfer({
      to: sandbox.contract,
      amount: Number(call.amount ?? 0n),
      mutez: true,
      parameter: { entrypoint: call.entrypoint, value: call.value as never },
    }),
    (e: unknown) => {
      assert.ok(e instanceof TezosOperationError, String(e));
      if ('failwith' in refusal) assert.equal(e.message, refusal.failwith);
      assert.ok(matches(e.errors as never, refusal), JSON.stringify(e.errors));
      return true;
    },
  );
  assert.deepEqual(await state(), before, 'Taquito injected nothing');

  const balance = await balanceOf(p.address);
  const counter = await counterOf(p.address);
  const hash = await injectRaw(rpc, p.signer, {
    destination: sandbox.contract,
    ...(call.amount ? { amount: call.amount } : {}),
    parameters: { entrypoint: call.entrypoint, value: call.value },
  });
  sandbox.bake();
  const included = await includedResult(rpc, hash);
  assert.equal(included.status, 'failed');
  assert.ok(matches(included.errors, refusal), JSON.stringify(included.errors));
  assert.equal(included.feeMutez, RAW_FEE);
  assert.equal(await balanceOf(p.address), balance - RAW_FEE, 'only the fee left the account');
  assert.equal(await counterOf(p.address), counter + 1n);
  assert.deepEqual(await state(), before);
}

/**
 * The node refused an operation because the source cannot pay: at validation
 * (HTTP 500 with the node's errors: the fees exceed the balance), or in
 * Taquito's simulation (TezosOperationError: the storage burn does).
 */
function balanceTooLow(e: unknown): boolean {
  const errors =
    e instanceof TezosOperationError
      ? JSON.stringify(e.errors)
      : ((e as { body?: string }).body ?? String(e));
  assert.ok(errors.includes(`"id":"${PROTO}contract.balance_too_low"`), errors);
  return true;
}

/** A view call refused with `failwith` by run_script_view. */
async function viewRefused(name: string, input: unknown, failwith: string): Promise<void> {
  await assert.rejects(view(rpc, sandbox.contract, name, input), (e: unknown) => {
    const body = (e as { body?: string }).body ?? '';
    assert.match(body, /michelson_v1\.script_rejected/);
    assert.match(body, new RegExp(`"string":"${failwith}"`));
    return true;
  });
}

describe('contract abuse: refused with the documented error, storage unchanged', {
  timeout: 120_000,
}, () => {
  let alice: Party;
  let bob: Party;
  let mallory: Party;

  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0, dataDir });
    rpc = new RpcClient(sandbox.url);
    alice = await newParty('alice', 100_000_000n);
    bob = await newParty('bob', 100_000_000n);
    mallory = await newParty('mallory', 100_000_000n);
    // Two registered users with entries in both boxes; Mallory revealed but not registered.
    // `request` has no wrong account: anyone may call it (docs/contract.md), and Mallory's
    // request here, from an unregistered account, is applied.
    await applied(alice, register(alice.publicKey, { bytes: alice.bundleHex }));
    await applied(bob, register(bob.publicKey, { bytes: bob.bundleHex }));
    await applied(alice, post(bytes(166, 0x11), bytes(200, 0x12)));
    await applied(mallory, request(alice.address, bytes(401, 0x14)));
  });
  after(async () => {
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the snapshot sees a change: a valid hand-forged post is applied', async () => {
    const before = await state();
    const hash = await injectRaw(rpc, alice.signer, {
      destination: sandbox.contract,
      parameters: post(bytes(10)),
    });
    sandbox.bake();
    assert.equal((await includedResult(rpc, hash)).status, 'applied');
    const after = await state();
    assert.notDeepEqual(after.counters, before.counters);
    assert.notDeepEqual(after.postal, before.postal);
    assert.notDeepEqual(after.bigMapBytes, before.bigMapBytes);
  });

  it('wrong account: a key that is not the sender’s, a post by an unregistered account', async () => {
    await refused(alice, register(bob.publicKey, { bytes: alice.bundleHex }), {
      failwith: 'MIZU_KEY_NOT_SENDER',
    });
    await refused(mallory, register(alice.publicKey, { bytes: alice.bundleHex }), {
      failwith: 'MIZU_KEY_NOT_SENDER',
    });
    await refused(mallory, post(bytes(166)), { failwith: 'MIZU_NOT_REGISTERED' });
  });

  it('register: empty and oversized bundles (2049 bytes)', async () => {
    await refused(alice, register(alice.publicKey, { bytes: '' }), {
      failwith: 'MIZU_BUNDLE_EMPTY',
    });
    await refused(alice, register(alice.publicKey, bytes(2049)), {
      failwith: 'MIZU_BUNDLE_TOO_LONG',
    });
  });

  it('post: 0 or 9 entries, an empty entry, an entry of 3585 bytes', async () => {
    await refused(alice, post(), { failwith: 'MIZU_POST_EMPTY' });
    const nine = Array.from({ length: 9 }, () => bytes(1));
    await refused(alice, post(...nine), { failwith: 'MIZU_TOO_MANY_ENTRIES' });
    await refused(alice, post(bytes(1), { bytes: '' }), { failwith: 'MIZU_ENTRY_EMPTY' });
    await refused(alice, post(bytes(8), bytes(3585)), { failwith: 'MIZU_ENTRY_TOO_LONG' });
  });

  it('request: empty, 1025 bytes, to an unregistered recipient', async () => {
    await refused(mallory, request(bob.address, { bytes: '' }), {
      failwith: 'MIZU_REQUEST_EMPTY',
    });
    await refused(mallory, request(bob.address, bytes(1025)), {
      failwith: 'MIZU_REQUEST_TOO_LONG',
    });
    await refused(alice, request(mallory.address, bytes(401)), {
      failwith: 'MIZU_RECIPIENT_NOT_REGISTERED',
    });
  });

  it('every entrypoint refuses tez (1 mutez), and the contract keeps none', async () => {
    const calls = [
      register(alice.publicKey, { bytes: alice.bundleHex }),
      post(bytes(166)),
      request(bob.address, bytes(401)),
    ];
    for (const c of calls)
      await refused(alice, { ...c, amount: 1n }, { failwith: 'MIZU_TEZ_NOT_ACCEPTED' });
    assert.equal(await balanceOf(sandbox.contract), 0n);
  });

  it('malformed parameters: wrong type, not a key, unknown entrypoint', async () => {
    await refused(
      alice,
      { entrypoint: 'post', value: { int: '5' } },
      { id: 'michelson_v1.bad_contract_parameter' },
    );
    await refused(
      alice,
      { entrypoint: 'register', value: { prim: 'Pair', args: [bytes(3), bytes(3)] } },
      { id: 'michelson_v1.bad_contract_parameter' },
    );
    await refused(
      alice,
      { entrypoint: 'withdraw', value: { prim: 'Unit' } },
      { id: 'michelson_v1.entrypoint_not_found' },
    );
  });

  it('views: ranges over 128 entries and lists over 200 addresses', async () => {
    const range = (owner: string, count: number) => ({
      prim: 'Pair',
      args: [str(owner), { int: '0' }, { int: String(count) }],
    });
    await viewRefused('get_postal', range(alice.address, 129), 'MIZU_RANGE_TOO_LONG');
    await viewRefused('get_requests', range(alice.address, 129), 'MIZU_RANGE_TOO_LONG');
    const postal = (await view(
      rpc,
      sandbox.contract,
      'get_postal',
      range(alice.address, 128),
    )) as unknown[];
    assert.ok(postal.length >= 2);
    const many = (n: number) => Array.from({ length: n }, (_, i) => str(parties[i % 3]!.address));
    await viewRefused('get_counters', many(201), 'MIZU_TOO_MANY_ADDRESSES');
    const counters = (await view(rpc, sandbox.contract, 'get_counters', many(200))) as unknown[];
    assert.equal(counters.length, 200);
  });

  it('too little balance: 1 mutez for a first register or a request', async () => {
    const poor = await newParty('poor', 1n);
    const before = await state();
    await assert.rejects(
      poor.tz.contract.transfer({
        to: sandbox.contract,
        amount: 0,
        parameter: {
          entrypoint: 'register',
          value: register(poor.publicKey, { bytes: poor.bundleHex }).value as never,
        },
      }),
      balanceTooLow,
    );
    const call = register(poor.publicKey, { bytes: poor.bundleHex });
    await assert.rejects(
      injectRaw(rpc, poor.signer, {
        destination: sandbox.contract,
        parameters: call,
        reveal: poor.publicKey,
      }),
      balanceTooLow,
    );
    assert.equal(sandbox.node.pendingCount(), 0, 'nothing entered the mempool');
    sandbox.bake();
    assert.equal(await balanceOf(poor.address), 1n);
    assert.deepEqual(await state(), before);

    // Mallory (revealed) keeps 1 mutez, then sends a request.
    const drain = await injectRaw(rpc, mallory.signer, {
      destination: sandbox.accounts[1]!.address,
      amount: (await balanceOf(mallory.address)) - RAW_FEE - 1n,
      gasLimit: 1_000n,
      storageLimit: 0n,
    });
    sandbox.bake();
    assert.equal((await includedResult(rpc, drain)).status, 'applied');
    assert.equal(await balanceOf(mallory.address), 1n);
    const counter = await counterOf(mallory.address);
    await assert.rejects(
      mallory.tz.contract.transfer({
        to: sandbox.contract,
        amount: 0,
        parameter: {
          entrypoint: 'request',
          value: request(bob.address, bytes(401)).value as never,
        },
      }),
      balanceTooLow,
    );
    await assert.rejects(
      injectRaw(rpc, mallory.signer, {
        destination: sandbox.contract,
        parameters: request(bob.address, bytes(401)),
      }),
      balanceTooLow,
    );
    sandbox.bake();
    assert.equal(await balanceOf(mallory.address), 1n);
    assert.equal(await counterOf(mallory.address), counter);
    assert.deepEqual(await state(), before);
  });

  it('too little balance: one mutez short of fee + storage burn for a post, then exactly enough', async () => {
    const payer = await newParty('payer', 10_000_000n);
    await applied(payer, register(payer.publicKey, { bytes: payer.bundleHex }));
    // The burn of a 166-byte entry, from the receipt of one such post.
    const first = await injectRaw(rpc, payer.signer, {
      destination: sandbox.contract,
      parameters: post(bytes(166)),
    });
    sandbox.bake();
    const burn = (await includedResult(rpc, first)).burnMutez;
    assert.ok(burn > 0n);

    const drain = await injectRaw(rpc, payer.signer, {
      destination: sandbox.accounts[1]!.address,
      amount: (await balanceOf(payer.address)) - RAW_FEE - (RAW_FEE + burn - 1n),
      gasLimit: 1_000n,
      storageLimit: 0n,
    });
    sandbox.bake();
    assert.equal((await includedResult(rpc, drain)).status, 'applied');
    assert.equal(await balanceOf(payer.address), RAW_FEE + burn - 1n);

    const before = await state();
    await assert.rejects(
      // Taquito with the same fee and limits as the hand-forged operation below.
      payer.tz.contract.transfer({
        to: sandbox.contract,
        amount: 0,
        fee: Number(RAW_FEE),
        gasLimit: 20_000,
        storageLimit: 5_000,
        parameter: { entrypoint: 'post', value: post(bytes(166)).value as never },
      }),
      (e: unknown) => {
        assert.ok(e instanceof TezosOperationError, String(e));
        assert.ok(matches(e.errors as never, { id: 'contract.balance_too_low' }));
        return true;
      },
    );
    assert.equal(await balanceOf(payer.address), RAW_FEE + burn - 1n, 'Taquito injected nothing');
    const short = await injectRaw(rpc, payer.signer, {
      destination: sandbox.contract,
      parameters: post(bytes(166)),
    });
    sandbox.bake();
    const r = await includedResult(rpc, short);
    assert.equal(r.status, 'failed');
    assert.ok(matches(r.errors, { id: 'contract.balance_too_low' }), JSON.stringify(r.errors));
    assert.equal(await balanceOf(payer.address), burn - 1n, 'only the fee was taken');
    assert.deepEqual(await state(), before);

    // With exactly fee + burn the same post goes through and empties the account.
    await fund(payer.address, RAW_FEE + 1n);
    const enough = await injectRaw(rpc, payer.signer, {
      destination: sandbox.contract,
      parameters: post(bytes(166)),
    });
    sandbox.bake();
    assert.equal((await includedResult(rpc, enough)).status, 'applied');
    assert.equal(await balanceOf(payer.address), 0n);
    assert.notDeepEqual((await state()).counters, before.counters);
  });
});
