/**
 * The sandbox's application rules, driven through SandboxNode on an
 * in-memory SQLite store (the same code path as on disk), with operations
 * forged by Taquito's local forger and signed by its InMemorySigner:
 * fees, storage burn, result shapes (defaulted fields omitted), batch
 * failures, error ids and kinds, and the three signature schemes.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, encodeOpHash, PrefixV2 } from '@taquito/utils';
import { bootstrapAccounts } from '../../src/sandbox/accounts.js';
import { NodeError } from '../../src/sandbox/errors.js';
import { operationHashBytes, originatedAddress } from '../../src/sandbox/hashes.js';
import { SandboxNode } from '../../src/sandbox/node.js';
import { SqliteStore } from '../../src/sandbox/sqliteStore.js';

type Result = Record<string, unknown> & {
  status: string;
  errors?: { id: string; with?: unknown }[];
};

async function freshNode() {
  const accounts = await bootstrapAccounts();
  const node = new SandboxNode({ store: new SqliteStore(':memory:'), bootstrap: accounts });
  await node.init();
  return { node, accounts };
}

interface Signer {
  signer: InMemorySigner;
  address: string;
}

async function signerOf(secretKey: string): Promise<Signer> {
  const signer = await InMemorySigner.fromSecretKey(secretKey);
  return { signer, address: await signer.publicKeyHash() };
}

/** Forge and sign `contents` from `s` with counters following the head's. */
async function signed(
  node: SandboxNode,
  s: Signer,
  contents: Record<string, unknown>[],
  options: { counter?: bigint; signWith?: Signer } = {},
): Promise<string> {
  let counter = options.counter ?? node.pendingCounter(s.address) + 1n;
  const full = contents.map((c) => ({
    source: s.address,
    fee: '1000',
    gas_limit: '10000',
    storage_limit: '1000',
    counter: String(counter++),
    ...c,
  }));
  const bytes = await new LocalForger().forge({
    branch: node.head().hash,
    contents: full as never,
  });
  return (await (options.signWith ?? s).signer.sign(bytes, new Uint8Array([3]))).sbytes;
}

async function injected(node: SandboxNode, hex: string) {
  const hash = await node.inject(hex);
  node.bake();
  const ops = node.block('head').operations as {
    hash: string;
    contents: Record<string, unknown>[];
  }[][];
  const op = ops[3]!.find((o) => o.hash === hash)!;
  return {
    hash,
    contents: op.contents,
    results: op.contents.map((c) => (c.metadata as { operation_result: Result }).operation_result),
  };
}

async function nodeErrorOf(p: Promise<unknown>): Promise<NodeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NodeError) return e;
    throw e;
  }
  assert.fail('expected a NodeError');
}

const transfer = (destination: string, amount: string) => ({
  kind: 'transaction',
  amount,
  destination,
});

describe('sandbox application', () => {
  it('hashes operations as Tezos does and derives KT1 addresses from them', async () => {
    const { node, accounts } = await freshNode();
    const s = await signerOf(accounts[0]!.secretKey);
    const hex = await signed(node, s, [
      {
        kind: 'origination',
        balance: '0',
        script: {
          code: [
            { prim: 'parameter', args: [{ prim: 'unit' }] },
            { prim: 'storage', args: [{ prim: 'unit' }] },
            {
              prim: 'code',
              args: [
                [{ prim: 'CDR' }, { prim: 'NIL', args: [{ prim: 'operation' }] }, { prim: 'PAIR' }],
              ],
            },
          ],
          storage: { prim: 'Unit' },
        },
      },
    ]);
    const { hash, results } = await injected(node, hex);
    assert.equal(hash, encodeOpHash(hex));
    const kt1 = (results[0]!.originated_contracts as string[])[0]!;
    assert.equal(kt1, originatedAddress(operationHashBytes(hash), 0));
    assert.ok(node.store.account(kt1)?.script);
  });

  it('burns 257 bytes for a new implicit account and reports only non-default fields', async () => {
    const { node, accounts } = await freshNode();
    const s = await signerOf(accounts[0]!.secretKey);
    const dest = (await signerOf(b58Encode(randomBytes(32), PrefixV2.Ed25519Seed))).address;
    const before = node.store.account(s.address)!.balance;
    const first = await injected(node, await signed(node, s, [transfer(dest, '1000000')]));
    const r = first.results[0]!;
    assert.equal(r.status, 'applied');
    assert.equal(r.allocated_destination_contract, true);
    assert.ok(!('paid_storage_size_diff' in r));
    assert.deepEqual(r.balance_updates, [
      { kind: 'contract', contract: s.address, change: '-1000000', origin: 'block' },
      { kind: 'contract', contract: dest, change: '1000000', origin: 'block' },
      { kind: 'contract', contract: s.address, change: '-64250', origin: 'block' },
      { kind: 'burned', category: 'storage fees', change: '64250', origin: 'block' },
    ]);
    assert.deepEqual(
      (first.contents[0]!.metadata as { balance_updates: unknown }).balance_updates,
      [
        { kind: 'contract', contract: s.address, change: '-1000', origin: 'block' },
        { kind: 'accumulator', category: 'block fees', change: '1000', origin: 'block' },
      ],
    );
    assert.equal(node.store.account(s.address)!.balance, before - 1000n - 1_000_000n - 64_250n);
    const second = await injected(node, await signed(node, s, [transfer(dest, '5')]));
    assert.ok(!('allocated_destination_contract' in second.results[0]!));
  });

  it('reports a failing batch as backtracked / failed / skipped, fees kept, state unchanged', async () => {
    const { node, accounts } = await freshNode();
    const s = await signerOf(accounts[0]!.secretKey);
    const mizu = node.mizuContract()!;
    const dest = accounts[1]!.address;
    const balanceDest = node.store.account(dest)!.balance;
    const counter = node.store.account(s.address)!.counter;
    const { results } = await injected(
      node,
      await signed(node, s, [
        transfer(dest, '7'),
        {
          kind: 'transaction',
          amount: '0',
          destination: mizu,
          gas_limit: '50000',
          parameters: { entrypoint: 'post', value: [] },
        },
        transfer(dest, '9'),
      ]),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['backtracked', 'failed', 'skipped'],
    );
    const ids = results[1]!.errors!.map((e) => e.id);
    assert.deepEqual(ids, [
      'proto.025-PsUshuai.michelson_v1.runtime_error',
      'proto.025-PsUshuai.michelson_v1.script_rejected',
    ]);
    assert.deepEqual(results[1]!.errors![1]!.with, {
      string: 'MIZU_POST_EMPTY',
    });
    assert.equal(node.store.account(dest)!.balance, balanceDest);
    assert.equal(node.store.account(s.address)!.counter, counter + 3n);
  });

  it('fails with storage_exhausted and gas_exhausted under too low limits', async () => {
    const { node, accounts } = await freshNode();
    const s = await signerOf(accounts[0]!.secretKey);
    const register = {
      kind: 'transaction',
      amount: '0',
      destination: node.mizuContract()!,
      parameters: {
        entrypoint: 'register',
        value: { prim: 'Pair', args: [{ string: accounts[0]!.publicKey }, { bytes: 'aa' }] },
      },
    };
    const a = await injected(node, await signed(node, s, [{ ...register, storage_limit: '0' }]));
    assert.equal(a.results[0]!.errors![0]!.id, 'proto.025-PsUshuai.storage_exhausted.operation');
    const b = await injected(node, await signed(node, s, [{ ...register, gas_limit: '150' }]));
    assert.equal(b.results[0]!.errors![0]!.id, 'proto.025-PsUshuai.gas_exhausted.operation');
    const c = await injected(node, await signed(node, s, [register]));
    assert.equal(c.results[0]!.status, 'applied');
    assert.ok(Number(c.results[0]!.paid_storage_size_diff) > 0);
  });

  it('refuses bad counters (branch / temporary), unrevealed sources and bad signatures', async () => {
    const { node, accounts } = await freshNode();
    const s = await signerOf(accounts[0]!.secretKey);
    const counter = node.store.account(s.address)!.counter;
    const past = await nodeErrorOf(
      node.inject(await signed(node, s, [transfer(accounts[1]!.address, '1')], { counter })),
    );
    assert.equal(past.errors[0]!.id, 'proto.025-PsUshuai.contract.counter_in_the_past');
    assert.equal(past.errors[0]!.kind, 'branch');
    const future = await nodeErrorOf(
      node.inject(
        await signed(node, s, [transfer(accounts[1]!.address, '1')], { counter: counter + 2n }),
      ),
    );
    assert.equal(future.errors[0]!.id, 'proto.025-PsUshuai.contract.counter_in_the_future');
    assert.equal(future.errors[0]!.kind, 'temporary');
    const other = await signerOf(accounts[2]!.secretKey);
    const bad = await nodeErrorOf(
      node.inject(
        await signed(node, s, [transfer(accounts[1]!.address, '1')], { signWith: other }),
      ),
    );
    assert.equal(bad.errors[0]!.id, 'proto.025-PsUshuai.operation.invalid_signature');
    const fresh = await signerOf(b58Encode(randomBytes(32), PrefixV2.Ed25519Seed));
    await injected(node, await signed(node, s, [transfer(fresh.address, '1000000')]));
    const unrevealed = await nodeErrorOf(
      node.inject(await signed(node, fresh, [transfer(accounts[1]!.address, '1')])),
    );
    assert.equal(unrevealed.errors[0]!.id, 'proto.025-PsUshuai.contract.unrevealed_key');
    const poor = await nodeErrorOf(
      node.inject(
        await signed(node, fresh, [
          { kind: 'reveal', public_key: await fresh.signer.publicKey(), fee: '2000000' },
        ]),
      ),
    );
    assert.equal(poor.errors[0]!.id, 'proto.025-PsUshuai.contract.balance_too_low');
  });

  for (const [scheme, prefix] of [
    ['secp256k1', PrefixV2.Secp256k1SecretKey],
    ['P-256', PrefixV2.P256SecretKey],
  ] as const)
    it(`accepts ${scheme} sources (reveal + transfer) and refuses their forged signatures`, async () => {
      const { node, accounts } = await freshNode();
      const boot = await signerOf(accounts[0]!.secretKey);
      const s = await signerOf(b58Encode(randomBytes(32), prefix));
      await injected(node, await signed(node, boot, [transfer(s.address, '5000000')]));
      const reveal = { kind: 'reveal', public_key: await s.signer.publicKey() };
      const forged = await signerOf(b58Encode(randomBytes(32), prefix));
      const bad = await nodeErrorOf(
        node.inject(
          await signed(node, s, [reveal, transfer(accounts[1]!.address, '1')], {
            signWith: forged,
          }),
        ),
      );
      assert.equal(bad.errors[0]!.id, 'proto.025-PsUshuai.operation.invalid_signature');
      const ok = await injected(
        node,
        await signed(node, s, [reveal, transfer(accounts[1]!.address, '1')]),
      );
      assert.deepEqual(
        ok.results.map((r) => r.status),
        ['applied', 'applied'],
      );
    });
});
