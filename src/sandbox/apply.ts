/**
 * Validation and application of a manager-operation batch, as protocol 025
 * does it (`validate.ml`, `apply.ml`; TEZOS_RPC_NOTES §4). Pure: state comes
 * in as an Overlay, the block's level, time and chain as a BlockContext.
 *
 * Validation (any failure refuses the whole operation, NodeError):
 *   live branch; one source; allocated source; reveal first when unrevealed,
 *   at most once; counters stored+1, +2, …; limits under the hard limits;
 *   Σ fees ≤ balance; signature by the manager key (except in simulation).
 *
 * Application: fees taken and counters set first (never undone), the reveal
 * recorded; then each operation in a child overlay. If one fails, the
 * earlier ones are reported `backtracked`, it `failed` with errors, the rest
 * `skipped`, and the child overlay is dropped.
 */

import { getPkhfromPk } from '@taquito/utils';
import {
  BASE_COSTS,
  type ExecutionError,
  type Expr,
  execute,
  type LazyStorageDiffItem,
  originate,
  type Script,
  typecheckContract,
} from '../michelson/index.js';
import { type BalanceUpdate, burnUpdates, feeUpdates, transferUpdates } from './balanceUpdates.js';
import {
  COST_PER_BYTE,
  HARD_GAS_LIMIT_PER_OPERATION,
  HARD_STORAGE_LIMIT_PER_OPERATION,
  ORIGINATION_SIZE,
  REVEAL_MILLIGAS,
  TRANSFER_MILLIGAS,
} from './constants.js';
import { NodeError, protoError, type RpcError } from './errors.js';
import { operationHashBytes, originatedAddress } from './hashes.js';
import {
  type ManagerContent,
  type Operation,
  type OriginationContent,
  signatureValid,
  type TransactionContent,
} from './operation.js';
import type { ScriptCache } from './scripts.js';
import { type AccountRecord, bigMapStoreOf, Overlay } from './state.js';

export interface BlockContext {
  /** Level and time (seconds) of the block the operation goes into. */
  readonly level: bigint;
  readonly timestamp: bigint;
  readonly chainId: string;
  readonly isLiveBranch: (hash: string) => boolean;
  readonly scripts: ScriptCache;
  /** Simulation: no signature check. */
  readonly simulate?: boolean;
}

/** An operation's contents with their metadata, as blocks and preapply show them. */
export type AppliedContent = Record<string, unknown>;

/** Throw the node's validation errors for `op` against `state`. */
export function validate(state: Overlay, op: Operation, ctx: BlockContext): void {
  const fail = (e: RpcError): never => {
    throw new NodeError([e]);
  };
  if (!ctx.isLiveBranch(op.branch))
    // What octez's injection answers (a generic `failure` with this message).
    fail({
      kind: 'temporary',
      id: 'failure',
      msg:
        `Operation ${op.hash} is branched on either:\n` +
        ` - a block ${op.branch} which is too old\n` +
        ' - a predecessor block from an alternative branch which is now unknown',
    });
  const source = op.contents[0]!.source;
  if (op.contents.some((c) => c.source !== source))
    fail(protoError('permanent', 'validate.operation.inconsistent_sources'));
  const acc = state.account(source);
  if (!acc || acc.balance === 0n)
    fail(protoError('branch', 'implicit.empty_implicit_contract', { implicit: source }));
  let manager = acc!.manager;
  let expected = acc!.counter + 1n;
  let fees = 0n;
  op.contents.forEach((c, i) => {
    if (c.kind === 'reveal') {
      if (i !== 0) fail(protoError('permanent', 'validate.operation.incorrect_reveal_position'));
      if (manager !== undefined)
        fail(
          protoError('branch', 'contract.manager.previously_revealed_key', { contract: source }),
        );
      if (getPkhfromPk(c.public_key) !== source)
        fail(
          protoError('permanent', 'contract.manager.inconsistent_hash', {
            public_key: c.public_key,
            expected_hash: source,
            provided_hash: getPkhfromPk(c.public_key),
          }),
        );
      manager = c.public_key;
    } else if (manager === undefined)
      fail(protoError('branch', 'contract.unrevealed_key', { contract: source }));
    const counter = BigInt(c.counter);
    if (counter < expected)
      fail(
        protoError('branch', 'contract.counter_in_the_past', {
          contract: source,
          expected: String(expected),
          found: String(counter),
        }),
      );
    if (counter > expected)
      fail(
        protoError('temporary', 'contract.counter_in_the_future', {
          contract: source,
          expected: String(expected),
          found: String(counter),
        }),
      );
    expected++;
    if (BigInt(c.gas_limit) > HARD_GAS_LIMIT_PER_OPERATION)
      fail(protoError('permanent', 'gas_limit_too_high'));
    if (BigInt(c.storage_limit) > HARD_STORAGE_LIMIT_PER_OPERATION)
      fail(protoError('permanent', 'storage_limit_too_high'));
    fees += BigInt(c.fee);
  });
  if (fees > acc!.balance)
    throw new NodeError([
      protoError('temporary', 'contract.balance_too_low', {
        contract: source,
        balance: String(acc!.balance),
        amount: String(fees),
      }),
      protoError('temporary', 'tez.subtraction_underflow', {
        amounts: [String(acc!.balance), String(fees)],
      }),
    ]);
  if (!ctx.simulate && !signatureValid(op, manager!))
    fail(protoError('permanent', 'operation.invalid_signature'));
}

/** Validate and apply `op` in `state`; returns the contents with their metadata. */
export function applyOperation(state: Overlay, op: Operation, ctx: BlockContext): AppliedContent[] {
  validate(state, op, ctx);
  const source = op.contents[0]!.source;
  const feeUpdatesOf: BalanceUpdate[][] = [];
  for (const c of op.contents) {
    const acc = state.account(source)!;
    const fee = BigInt(c.fee);
    state.setAccount(source, {
      ...acc,
      balance: acc.balance - fee,
      counter: BigInt(c.counter),
      ...(c.kind === 'reveal' ? { manager: c.public_key } : {}),
    });
    feeUpdatesOf.push(fee === 0n ? [] : feeUpdates(source, fee));
  }
  const batch = new Overlay(state);
  const results: Record<string, unknown>[] = [];
  const originations = { index: 0 };
  let failedAt = -1;
  for (let i = 0; i < op.contents.length; i++) {
    const r = applyContent(batch, op, op.contents[i]!, ctx, originations);
    results.push(r);
    if (r.status === 'failed') {
      failedAt = i;
      break;
    }
  }
  if (failedAt < 0) batch.commitTo(state);
  return op.contents.map((c, i) => {
    let result: Record<string, unknown>;
    if (failedAt < 0 || i === failedAt) result = results[i]!;
    else if (i < failedAt) result = { ...results[i], status: 'backtracked' };
    else result = { status: 'skipped' };
    const metadata: Record<string, unknown> = {};
    if (feeUpdatesOf[i]!.length) metadata.balance_updates = feeUpdatesOf[i];
    metadata.operation_result = result;
    return { ...c, metadata };
  });
}

class OperationFailure extends Error {
  constructor(
    readonly errors: RpcError[],
    readonly consumedMilligas = 0,
  ) {
    super(errors.map((e) => e.id).join(', '));
  }
}

function applyContent(
  state: Overlay,
  op: Operation,
  c: ManagerContent,
  ctx: BlockContext,
  originations: { index: number },
): Record<string, unknown> {
  try {
    switch (c.kind) {
      case 'reveal':
        checkGas(c, REVEAL_MILLIGAS);
        return { status: 'applied', consumed_milligas: String(REVEAL_MILLIGAS) };
      case 'transaction':
        return c.destination.startsWith('KT1')
          ? callContract(state, c, ctx, op, originations)
          : transferToImplicit(state, c);
      case 'origination':
        return originateContract(state, c, ctx, op, originations);
    }
  } catch (e) {
    if (e instanceof OperationFailure) return { status: 'failed', errors: e.errors };
    // Anything else is a sandbox or interpreter defect: the operation fails
    // (its fees stay taken, as for any failure) instead of leaving the state half-applied.
    return {
      status: 'failed',
      errors: [
        protoError('temporary', 'michelson_v1.runtime_error', {
          message: `sandbox internal error: ${(e as Error).message}`,
        }),
      ],
    };
  }
}

function checkGas(c: ManagerContent, milligas: number): void {
  if (BigInt(milligas) > BigInt(c.gas_limit) * 1000n)
    throw new OperationFailure([protoError('temporary', 'gas_exhausted.operation')]);
}

function debit(state: Overlay, address: string, amount: bigint): void {
  const acc = state.account(address);
  const balance = acc?.balance ?? 0n;
  if (amount > balance)
    throw new OperationFailure([
      protoError('temporary', 'contract.balance_too_low', {
        contract: address,
        balance: String(balance),
        amount: String(amount),
      }),
      protoError('temporary', 'tez.subtraction_underflow', {
        amounts: [String(balance), String(amount)],
      }),
    ]);
  state.setAccount(address, { ...acc!, balance: balance - amount });
}

function credit(state: Overlay, address: string, amount: bigint): AccountRecord {
  const acc = state.account(address) ?? { balance: 0n, counter: 0n };
  const next = { ...acc, balance: acc.balance + amount };
  state.setAccount(address, next);
  return next;
}

/** Burn `bytes` of storage from `payer`, within the operation's storage limit. */
function burn(
  state: Overlay,
  c: ManagerContent,
  payer: string,
  bytes: bigint,
  used: { n: bigint },
) {
  used.n += bytes;
  if (used.n > BigInt(c.storage_limit))
    throw new OperationFailure([protoError('temporary', 'storage_exhausted.operation')]);
  const amount = bytes * COST_PER_BYTE;
  debit(state, payer, amount);
  return burnUpdates(payer, amount);
}

function transferToImplicit(state: Overlay, c: TransactionContent): Record<string, unknown> {
  checkGas(c, TRANSFER_MILLIGAS);
  const amount = BigInt(c.amount);
  if (c.parameters && c.parameters.entrypoint !== 'default')
    throw new OperationFailure([
      protoError('permanent', 'contract.no_entrypoint_for_implicit_account'),
    ]);
  if (amount === 0n)
    throw new OperationFailure([
      protoError('branch', 'contract.empty_transaction', { contract: c.destination }),
    ]);
  const existed = (state.account(c.destination)?.balance ?? 0n) > 0n;
  const updates: BalanceUpdate[] = [];
  if (amount > 0n) {
    debit(state, c.source, amount);
    credit(state, c.destination, amount);
    updates.push(...transferUpdates(c.source, c.destination, amount));
  }
  const allocated = !existed && amount > 0n;
  if (allocated) updates.push(...burn(state, c, c.source, BigInt(ORIGINATION_SIZE), { n: 0n }));
  return {
    status: 'applied',
    ...(updates.length ? { balance_updates: updates } : {}),
    consumed_milligas: String(TRANSFER_MILLIGAS),
    ...(allocated ? { allocated_destination_contract: true } : {}),
  };
}

/** Errors of a failed script, as the node names them. */
function scriptErrors(address: string, e: ExecutionError, origination: boolean): RpcError[] {
  const handle = origination
    ? []
    : [
        protoError('temporary', 'michelson_v1.runtime_error', {
          contract_handle: address,
          contract_code: 'Deprecated',
        }),
      ];
  switch (e.kind) {
    case 'failwith':
      return [
        ...handle,
        protoError('temporary', 'michelson_v1.script_rejected', {
          location: 0,
          with: e.readable,
        }),
      ];
    case 'gas_exhausted':
      return [protoError('temporary', 'gas_exhausted.operation')];
    case 'entrypoint_not_found':
      return [
        protoError('permanent', 'michelson_v1.bad_contract_parameter', { contract: address }),
        protoError('permanent', 'michelson_v1.entrypoint_not_found', { entrypoint: e.entrypoint }),
      ];
    case 'bad_parameter':
      return [
        protoError('permanent', 'michelson_v1.bad_contract_parameter', {
          contract: address,
          message: e.message,
        }),
      ];
    case 'bad_storage':
    case 'bad_script':
      return [protoError('permanent', 'michelson_v1.ill_typed_data', { message: e.message })];
    case 'overflow':
      return [...handle, protoError('temporary', 'michelson_v1.script_overflow', { location: 0 })];
    default:
      return [
        ...handle,
        protoError('temporary', 'michelson_v1.runtime_error_sandbox', {
          message: 'message' in e ? e.message : e.kind,
        }),
      ];
  }
}

/** Apply a lazy storage diff whose ids are final. */
function applyLazyDiff(state: Overlay, diff: readonly LazyStorageDiffItem[]): void {
  for (const item of diff) {
    const id = BigInt(item.id);
    const d = item.diff;
    if (d.action === 'remove') {
      state.removeBigMap(id);
      continue;
    }
    if (d.action === 'copy')
      throw new OperationFailure([
        protoError('permanent', 'michelson_v1.unsupported_by_sandbox', { feature: 'big_map copy' }),
      ]);
    if (d.action === 'alloc')
      state.allocBigMap(id, { keyType: d.key_type, valueType: d.value_type });
    for (const u of d.updates)
      state.setEntry(id, u.key_hash, u.value === undefined ? null : { key: u.key, value: u.value });
  }
}

function callContract(
  state: Overlay,
  c: TransactionContent,
  ctx: BlockContext,
  op: Operation,
  originations: { index: number },
): Record<string, unknown> {
  const acc = state.account(c.destination);
  if (!acc?.script)
    throw new OperationFailure([
      protoError('temporary', 'contract.non_existing_contract', {
        contract: c.destination,
      }),
    ]);
  const amount = BigInt(c.amount);
  const updates: BalanceUpdate[] = [];
  if (amount > 0n) {
    debit(state, c.source, amount);
    credit(state, c.destination, amount);
    updates.push(...transferUpdates(c.source, c.destination, amount));
  }
  const script = ctx.scripts.get(c.destination, acc.script.code);
  const base = BASE_COSTS.MANAGER_OPERATION;
  const limit = Number(c.gas_limit) * 1000 - base;
  if (limit < 0) throw new OperationFailure([protoError('temporary', 'gas_exhausted.operation')]);
  const r = execute({
    script,
    storage: acc.script.storage,
    parameter: c.parameters?.value ?? { prim: 'Unit' },
    entrypoint: c.parameters?.entrypoint ?? 'default',
    context: {
      self: c.destination,
      sender: c.source,
      source: c.source,
      amount,
      balance: acc.balance + amount,
      now: ctx.timestamp,
      level: ctx.level,
      chainId: ctx.chainId,
      contract: ctx.scripts.lookup(state),
      origination: { operationHash: operationHashBytes(op.hash), index: originations.index },
    },
    bigMaps: bigMapStoreOf(state),
    gasLimit: limit,
    nextBigMapId: state.nextBigMapId(),
  });
  if (r.status === 'failed')
    throw new OperationFailure(scriptErrors(c.destination, r.error, false));
  if (r.operations.length > 0)
    throw new OperationFailure([
      protoError('permanent', 'michelson_v1.unsupported_by_sandbox', {
        feature: 'internal operations',
      }),
    ]);
  applyLazyDiff(state, r.lazyStorageDiff);
  if (r.nextBigMapId !== undefined) state.setNextBigMapId(r.nextBigMapId);
  const consumed = base + r.consumedMilligas;
  const used = (acc.usedBytes ?? 0) + r.storageSizeDiff;
  const paidBefore = acc.paidBytes ?? 0;
  const paidDiff = Math.max(0, used - paidBefore);
  const now = state.account(c.destination)!;
  state.setAccount(c.destination, {
    ...now,
    script: { code: acc.script.code, storage: r.storage },
    usedBytes: used,
    paidBytes: Math.max(paidBefore, used),
  });
  if (paidDiff > 0) updates.push(...burn(state, c, c.source, BigInt(paidDiff), { n: 0n }));
  return {
    status: 'applied',
    storage: r.storage,
    ...(updates.length ? { balance_updates: updates } : {}),
    consumed_milligas: String(consumed),
    storage_size: String(used),
    ...(paidDiff > 0 ? { paid_storage_size_diff: String(paidDiff) } : {}),
    ...(r.lazyStorageDiff.length ? { lazy_storage_diff: r.lazyStorageDiff } : {}),
  };
}

function originateContract(
  state: Overlay,
  c: OriginationContent,
  ctx: BlockContext,
  op: Operation,
  originations: { index: number },
): Record<string, unknown> {
  const address = originatedAddress(operationHashBytes(op.hash), originations.index++);
  const base = BASE_COSTS.MANAGER_OPERATION + BASE_COSTS.ORIGINATION;
  const limit = Number(c.gas_limit) * 1000 - base;
  if (limit < 0) throw new OperationFailure([protoError('temporary', 'gas_exhausted.operation')]);
  let script: Script;
  try {
    script = typecheckContract(c.script.code);
  } catch (e) {
    throw new OperationFailure([
      protoError('permanent', 'michelson_v1.ill_typed_contract', { message: (e as Error).message }),
    ]);
  }
  const o = originate({
    script,
    storage: c.script.storage,
    context: {
      self: address,
      sender: c.source,
      source: c.source,
      amount: BigInt(c.balance),
      balance: BigInt(c.balance),
      now: ctx.timestamp,
      level: ctx.level,
      chainId: ctx.chainId,
    },
    gasLimit: limit,
    nextBigMapId: state.nextBigMapId(),
  });
  if (o.status === 'failed') throw new OperationFailure(scriptErrors(address, o.error, true));
  const updates: BalanceUpdate[] = [];
  const balance = BigInt(c.balance);
  if (balance > 0n) {
    debit(state, c.source, balance);
    updates.push(...transferUpdates(c.source, address, balance));
  }
  applyLazyDiff(state, o.lazyStorageDiff);
  if (o.nextBigMapId !== undefined) state.setNextBigMapId(o.nextBigMapId);
  state.setAccount(address, {
    balance,
    counter: 0n,
    script: { code: script.code, storage: o.storage as Expr },
    usedBytes: o.storageSize,
    paidBytes: o.storageSize,
  });
  ctx.scripts.put(address, script);
  const used = { n: 0n };
  updates.push(...burn(state, c, c.source, BigInt(o.storageSize), used));
  updates.push(...burn(state, c, c.source, BigInt(ORIGINATION_SIZE), used));
  return {
    status: 'applied',
    balance_updates: updates,
    originated_contracts: [address],
    consumed_milligas: String(base + o.consumedMilligas),
    storage_size: String(o.storageSize),
    paid_storage_size_diff: String(o.storageSize),
    ...(o.lazyStorageDiff.length ? { lazy_storage_diff: o.lazyStorageDiff } : {}),
  };
}
