/**
 * Conformance: unmodified Taquito 25 against the sandbox, started in-process
 * on an ephemeral loopback port with a fast block time. Every flow here is
 * one Taquito runs against a real protocol-025 node.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalForger } from '@taquito/local-forging';
import { packDataBytes } from '@taquito/michel-codec';
import { RpcClient } from '@taquito/rpc';
import { InMemorySigner } from '@taquito/signer';
import { MichelsonMap, TezosOperationError, TezosToolkit } from '@taquito/taquito';
import { b58Encode, encodeExpr, PrefixV2 } from '@taquito/utils';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

const COUNTER_CONTRACT = `
parameter (or (int %set) (pair %put string int));
storage (pair (int %count) (big_map %bm string int));
code { UNPAIR ;
       IF_LEFT
         { DUP ; PUSH int 0 ; COMPARE ; GT ; IF { PUSH string "NEGATIVE" ; FAILWITH } {} ;
           SWAP ; CDR ; SWAP ; PAIR }
         { UNPAIR ; DIG 2 ; UNPAIR ; SWAP ; DIG 3 ; SOME ; DIG 3 ; UPDATE ; SWAP ; PAIR } ;
       NIL operation ; PAIR } ;
view "get_count" unit int { CDR ; CAR } ;
`;
const MIZU = readFileSync(new URL('../../contracts/mizu.tz', import.meta.url), 'utf8');

const dataDir = mkdtempSync(join(tmpdir(), 'mizu-sandbox-'));
let sandbox: Sandbox;

function toolkit(secretKey: string): TezosToolkit {
  const tz = new TezosToolkit(sandbox.url);
  tz.setProvider({ signer: new InMemorySigner(secretKey) });
  return tz;
}

const freshKey = () => b58Encode(randomBytes(32), PrefixV2.Ed25519Seed);

async function fund(address: string, mutez: bigint): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: String(mutez) }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  sandbox.bake();
}

/** Errors from a rejected promise, as text, for matching node error ids. */
async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { message?: string; body?: string; errors?: unknown };
    return `${err.message} ${err.body ?? ''} ${JSON.stringify(err.errors ?? '')}`;
  }
  assert.fail('expected a rejection');
}

/** Forge and sign a transaction by hand (to send what Taquito would not). */
async function signedTransfer(
  secretKey: string,
  fields: { branch: string; counter: bigint; amount?: string; signWith?: string },
): Promise<string> {
  const signer = new InMemorySigner(secretKey);
  const source = await signer.publicKeyHash();
  const bytes = await new LocalForger().forge({
    branch: fields.branch,
    contents: [
      {
        kind: 'transaction',
        source,
        fee: '1000',
        counter: String(fields.counter),
        gas_limit: '1500',
        storage_limit: '300',
        amount: fields.amount ?? '1',
        destination: sandbox.accounts[1]!.address,
      } as never,
    ],
  });
  const signing = new InMemorySigner(fields.signWith ?? secretKey);
  return (await signing.sign(bytes, new Uint8Array([3]))).sbytes;
}

describe('sandbox: unmodified Taquito 25', { timeout: 120_000 }, () => {
  let counterAddress = '';
  let user = '';
  let userKey = '';

  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.25, dataDir, maxOperationsTtl: 8 });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers as a protocol-025 node with the Mizu contract originated', async () => {
    const rpc = new RpcClient(sandbox.url);
    assert.equal((await rpc.getProtocols()).next_protocol.slice(0, 8), 'PsUshuai');
    assert.equal(await rpc.getChainId(), 'NetXdQprcVkpaWU');
    const head = await rpc.getBlockHeader();
    const prev = await rpc.getBlockHeader({ block: String(head.level - 1) });
    assert.equal(prev.hash, head.predecessor);
    assert.equal((await rpc.getBlockHeader({ block: prev.hash })).level, prev.level);
    // Blocks keep coming (0.25 s): head~1 is one below whatever the head is now.
    const back = await rpc.getBlockHeader({ block: 'head~1' });
    assert.ok(back.level >= head.level - 1);
    assert.equal((await rpc.getBlock({ block: String(back.level) })).hash, back.hash);
    assert.equal((await rpc.getBlock()).operations.length, 4);
    const c = await rpc.getConstants();
    assert.equal(c.cost_per_byte.toString(), '250');
    const r = await fetch(`${sandbox.url}/mizu/contract`);
    assert.equal(((await r.json()) as { address: string }).address, sandbox.contract);
    const ep = await rpc.getEntrypoints(sandbox.contract);
    assert.ok('register' in ep.entrypoints && 'post' in ep.entrypoints);
  });

  it('originates a contract from source and reads it back', async () => {
    const tz = toolkit(sandbox.accounts[0]!.secretKey);
    const op = await tz.contract.originate({
      code: COUNTER_CONTRACT,
      storage: { count: 1, bm: new MichelsonMap() },
    });
    assert.match(op.contractAddress ?? '', /^KT1/);
    const contract = await op.contract();
    counterAddress = contract.address;
    const storage = (await contract.storage()) as { count: { toString(): string } };
    assert.equal(storage.count.toString(), '1');
  });

  it('a fresh unrevealed account funded by the faucet calls an entrypoint (reveal batched)', async () => {
    userKey = freshKey();
    const tz = toolkit(userKey);
    user = await tz.signer.publicKeyHash();
    await fund(user, 50_000_000n);
    assert.equal((await tz.tz.getBalance(user)).toString(), '50000000');
    assert.equal(await tz.rpc.getManagerKey(user), null);
    const contract = await tz.contract.at(counterAddress);
    const est = await tz.estimate.contractCall(contract.methodsObject.set!(42));
    assert.ok(est.gasLimit > 0);
    const op = await contract.methodsObject.set!(42).send();
    await op.confirmation(2);
    assert.ok(await tz.rpc.getManagerKey(user));
    const storage = (await contract.storage()) as { count: { toString(): string } };
    assert.equal(storage.count.toString(), '42');
  });

  it('writes and reads a big map, and runs an on-chain view', async () => {
    const tz = toolkit(userKey);
    const contract = await tz.contract.at(counterAddress);
    const op = await contract.methodsObject.put!({ 0: 'alice', 1: 7 }).send();
    await op.confirmation(1);
    const storage = (await contract.storage()) as {
      bm: { get(k: string): Promise<unknown> };
    };
    assert.equal(String(await storage.bm.get('alice')), '7');
    assert.equal(await storage.bm.get('bob'), undefined);
    const id = (storage.bm as unknown as { id: { toString(): string } }).id.toString();
    const expr = encodeExpr(packDataBytes({ string: 'alice' }, { prim: 'string' }).bytes);
    assert.deepEqual(await tz.rpc.getBigMapExpr(id, expr), { int: '7' });
    await assert.rejects(
      tz.rpc.getBigMapExpr(id, encodeExpr('050100000003626f62')),
      /404|Not Found/,
    );
    const view = await contract.contractViews.get_count!().executeView({ viewCaller: user });
    assert.equal(String(view), '42');
  });

  it('registers on the Mizu contract and reads it through storage, big map and view', async () => {
    const tz = toolkit(userKey);
    const mizu = await tz.contract.at(sandbox.contract);
    const key = await tz.signer.publicKey();
    const op = await mizu.methodsObject.register!({ key, bundle: 'a1b2c3' }).send();
    await op.confirmation(1);
    const storage = (await mizu.storage()) as {
      users: { get(k: string): Promise<{ bundle: string } | undefined> };
    };
    assert.equal((await storage.users.get(user))?.bundle, 'a1b2c3');
    const view = (await mizu.contractViews.get_user!(user).executeView({ viewCaller: user })) as {
      Some?: { bundle: string; posts: { toString(): string } };
    };
    assert.equal(view.Some?.bundle, 'a1b2c3');
    assert.equal(view.Some?.posts.toString(), '0');
  });

  it('transfers tez to a new implicit account (allocation burnt)', async () => {
    const tz = toolkit(userKey);
    const dest = await new InMemorySigner(freshKey()).publicKeyHash();
    const before = BigInt((await tz.tz.getBalance(user)).toString());
    const op = await tz.contract.transfer({ to: dest, amount: 2 });
    await op.confirmation(1);
    assert.equal((await tz.tz.getBalance(dest)).toString(), '2000000');
    const after = BigInt((await tz.tz.getBalance(user)).toString());
    assert.ok(before - after >= 2_000_000n + 64_250n);
  });

  it('surfaces a FAILWITH as a node does (TezosOperationError, script_rejected)', async () => {
    const tz = toolkit(userKey);
    const contract = await tz.contract.at(counterAddress);
    await assert.rejects(contract.methodsObject.set!(-1).send(), (e: unknown) => {
      assert.ok(e instanceof TezosOperationError);
      assert.equal(e.message, 'NEGATIVE');
      assert.equal(e.id, 'proto.025-PsUshuai.michelson_v1.script_rejected');
      return true;
    });
  });

  it('refuses insufficient balance with balance_too_low', async () => {
    const tz = toolkit(userKey);
    await assert.rejects(
      tz.contract.transfer({ to: sandbox.accounts[1]!.address, amount: 1_000_000 }),
      (e: unknown) => {
        assert.ok(e instanceof TezosOperationError);
        assert.ok(e.errors.some((x) => x.id === 'proto.025-PsUshuai.contract.balance_too_low'));
        return true;
      },
    );
  });

  it('refuses a bad signature, a wrong counter and a stale branch at injection', async () => {
    const rpc = new RpcClient(sandbox.url);
    const head = await rpc.getBlockHeader({ block: 'head~1' });
    const counter = BigInt((await rpc.getContract(user)).counter ?? '0') + 1n;
    const badSig = await signedTransfer(userKey, {
      branch: head.hash,
      counter,
      signWith: freshKey(),
    });
    assert.match(await rejection(rpc.injectOperation(badSig)), /invalid_signature/);
    const future = await signedTransfer(userKey, { branch: head.hash, counter: counter + 5n });
    assert.match(await rejection(rpc.injectOperation(future)), /counter_in_the_future/);
    const past = await signedTransfer(userKey, { branch: head.hash, counter: counter - 1n });
    assert.match(await rejection(rpc.injectOperation(past)), /counter_in_the_past/);
    for (let i = 0; i < 9; i++) sandbox.bake();
    const genesis = await rpc.getBlockHash({ block: '0' });
    const stale = await signedTransfer(userKey, { branch: genesis, counter });
    assert.match(await rejection(rpc.injectOperation(stale)), /is branched on either/);
  });

  it('keeps every block, balance, counter, contract and big map across a restart', async () => {
    const rpc0 = new RpcClient(sandbox.url);
    const head = await rpc0.getBlockHeader();
    const balance = (await rpc0.getBalance(user)).toString();
    await sandbox.close();
    sandbox = await startSandbox({ port: 0, blockTime: 0.25, dataDir, maxOperationsTtl: 8 });
    const tz = toolkit(userKey);
    assert.equal((await tz.rpc.getBlockHeader({ block: String(head.level) })).hash, head.hash);
    assert.equal((await tz.tz.getBalance(user)).toString(), balance);
    const contract = await tz.contract.at(counterAddress);
    const storage = (await contract.storage()) as {
      count: { toString(): string };
      bm: { get(k: string): Promise<unknown> };
    };
    assert.equal(storage.count.toString(), '42');
    assert.equal(String(await storage.bm.get('alice')), '7');
    const op = await contract.methodsObject.set!(43).send();
    await op.confirmation(1);
    assert.equal(((await contract.storage()) as { count: object }).count.toString(), '43');
    assert.ok(MIZU.length > 0);
  });
});
