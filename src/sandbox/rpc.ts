/**
 * The RPC routes: the subset of the Tezos node RPC that Taquito 25 uses
 * (TEZOS_RPC_NOTES §1), with the node's JSON shapes, plus three sandbox
 * routes: GET /mizu/contract (the Mizu contract's address), GET /mizu/status,
 * POST
 * /mizu/faucet ({"address","amount"} in mutez) and POST /mizu/bake.
 *
 * A route answers a JSON value; errors are typed (NotFoundError → 404,
 * BadRequestError → 400, NodeError → 500 with the node's error list).
 */

import { LocalForger } from '@taquito/local-forging';
import { buf2hex } from '@taquito/utils';
import { type Expr, packData, runView } from '../michelson/index.js';
import { CHAIN_ID, constantsJson, PROTOCOL } from './constants.js';
import { BadRequestError, NodeError, NotFoundError, protoError } from './errors.js';
import type { Faucet } from './faucet.js';
import type { SandboxNode } from './node.js';
import { readable } from './readable.js';
import { bigMapStoreOf } from './state.js';

export interface RouteContext {
  readonly node: SandboxNode;
  readonly faucet: Faucet;
  readonly blockTime: number;
  readonly bake: () => { level: number; hash: string };
}

export type Answer = unknown;

const forger = new LocalForger();

/** Dispatch one request; `body` is the parsed JSON body (or undefined). */
export async function route(
  ctx: RouteContext,
  method: string,
  path: string,
  body: unknown,
): Promise<Answer> {
  const { node } = ctx;
  const parts = path.split('/').filter(Boolean);
  if (method === 'GET' && path === '/mizu/contract') return { address: node.mizuContract() };
  if (method === 'POST' && path === '/mizu/bake') return ctx.bake();
  if (method === 'GET' && path === '/mizu/status') {
    const head = node.head();
    return {
      pid: process.pid,
      level: head.level,
      head: head.hash,
      contract: node.mizuContract(),
      pending: node.pendingCount(),
      block_time: ctx.blockTime,
    };
  }
  if (method === 'POST' && path === '/mizu/faucet') {
    const b = body as { address?: unknown; amount?: unknown };
    if (typeof b?.address !== 'string' || !/^\d+$/.test(String(b.amount)))
      throw new BadRequestError('Cannot fund: expected {"address": "tz…", "amount": "<mutez>"}');
    return { hash: await ctx.faucet.fund(b.address, BigInt(String(b.amount))) };
  }
  if (method === 'POST' && path === '/injection/operation') {
    if (typeof body !== 'string') throw new BadRequestError('Cannot inject: expected "<hex>"');
    return node.inject(body);
  }
  if (method === 'GET' && path === '/version')
    return {
      version: { major: 23, minor: 0, additional_info: 'release' },
      network_version: { chain_name: 'TEZOS_MAINNET', distributed_db_version: 2, p2p_version: 1 },
      commit_info: { commit_hash: 'sandbox', commit_date: '2026-01-01' },
    };
  if (parts[0] !== 'chains' || parts[1] !== 'main') throw new NotFoundError(`No service ${path}`);
  const rest = parts.slice(2);
  if (method === 'GET' && rest.join('/') === 'chain_id') return CHAIN_ID;
  if (method === 'GET' && rest.join('/') === 'is_bootstrapped')
    return { bootstrapped: true, sync_state: 'synced' };
  if (method === 'GET' && rest[0] === 'mempool' && rest[1] === 'filter')
    return {
      minimal_fees: '100',
      minimal_nanotez_per_gas_unit: ['100', '1'],
      minimal_nanotez_per_byte: ['1000', '1'],
      replace_by_fee_factor: ['21', '20'],
      max_operations: 10_000,
      max_total_bytes: 10_000_000,
    };
  if (method === 'GET' && rest[0] === 'blocks' && rest.length === 1) {
    const head = node.head();
    return [[head.hash]];
  }
  if (rest[0] !== 'blocks' || rest[1] === undefined) throw new NotFoundError(`No service ${path}`);
  return blockRoute(ctx, method, rest[1], rest.slice(2), body);
}

async function blockRoute(
  ctx: RouteContext,
  method: string,
  id: string,
  rest: string[],
  body: unknown,
): Promise<Answer> {
  const { node } = ctx;
  const sub = rest.join('/');
  if (method === 'POST') {
    switch (sub) {
      case 'helpers/scripts/pack_data': {
        const b = body as { data: Expr; type: Expr };
        try {
          return { packed: buf2hex(packData(b.data, b.type)), gas: 'unaccounted' };
        } catch (e) {
          throw new NodeError([
            protoError('permanent', 'michelson_v1.invalid_expression_kind', {
              message: (e as Error).message,
            }),
          ]);
        }
      }
      case 'helpers/scripts/simulate_operation': {
        const b = body as { operation: Parameters<SandboxNode['simulate']>[0] };
        if (!b?.operation) throw new BadRequestError('Cannot simulate: no operation');
        return node.simulate(b.operation);
      }
      case 'helpers/preapply/operations':
        if (!Array.isArray(body)) throw new BadRequestError('Cannot preapply: expected a list');
        return node.preapply(body);
      case 'helpers/forge/operations':
        return forger.forge(body as never);
      case 'helpers/scripts/run_script_view':
        return runScriptView(ctx, body as RunScriptView);
    }
    throw new NotFoundError(`No service ${sub}`);
  }
  const block = node.block(id);
  const header = block.header as Record<string, unknown>;
  if (sub === '') return block;
  if (sub === 'hash') return block.hash;
  if (sub === 'header')
    return { protocol: PROTOCOL, chain_id: CHAIN_ID, hash: block.hash, ...header };
  if (sub === 'header/shell') return header;
  if (sub === 'metadata') return block.metadata;
  if (sub === 'operations') return block.operations;
  if (sub === 'operation_hashes')
    return (block.operations as { hash: string }[][]).map((l) => l.map((o) => o.hash));
  if (sub === 'protocols') return { protocol: PROTOCOL, next_protocol: PROTOCOL };
  if (sub === 'context/constants') return constantsJson(ctx.blockTime);
  if (rest[0] === 'context' && rest[1] === 'big_maps' && rest.length === 4)
    return bigMapValue(ctx, rest[2]!, rest[3]!);
  if (rest[0] === 'context' && rest[1] === 'contracts' && rest[2])
    return contractRoute(ctx, rest[2], rest.slice(3).join('/'));
  throw new NotFoundError(`No service ${sub}`);
}

function contractRoute(ctx: RouteContext, address: string, sub: string): Answer {
  // Context reads are served from the head's state (the sandbox keeps no history of state).
  const acc = ctx.node.store.account(address);
  const implicit = !address.startsWith('KT1');
  if (!acc && !implicit) throw new NotFoundError(`Cannot find contract ${address}`);
  const balance = String(acc?.balance ?? 0n);
  const script = acc?.script && {
    code: acc.script.code,
    storage: storageReadable(ctx, address),
  };
  switch (sub) {
    case '':
      if (implicit)
        return {
          balance,
          counter: String(acc?.counter ?? 0n),
          ...(acc?.manager ? { revealed: true } : {}),
        };
      return { balance, script };
    case 'balance':
    case 'full_balance':
    case 'spendable':
      return balance;
    case 'counter':
      if (!implicit) throw new NotFoundError('Originated contracts have no counter');
      return String(acc?.counter ?? 0n);
    case 'manager_key':
      return acc?.manager ?? null;
    case 'delegate':
      throw new NotFoundError(`No delegate for ${address}`);
    case 'script':
      if (!script) throw new NotFoundError(`No script for ${address}`);
      return script;
    case 'storage':
      if (!script) throw new NotFoundError(`No storage for ${address}`);
      return script.storage;
    case 'entrypoints': {
      if (!acc?.script) return { entrypoints: {} };
      const s = ctx.node.scripts.get(address, acc.script.code);
      return { entrypoints: s.entrypoints };
    }
  }
  throw new NotFoundError(`No service contracts/${address}/${sub}`);
}

function storageReadable(ctx: RouteContext, address: string): Expr {
  const acc = ctx.node.store.account(address)!;
  const s = ctx.node.scripts.get(address, acc.script!.code);
  return readable(acc.script!.storage, s.storageType, ctx.node.store);
}

function bigMapValue(ctx: RouteContext, idText: string, expr: string): Answer {
  if (!/^\d+$/.test(idText)) throw new BadRequestError(`Cannot read big map ${idText}`);
  const id = BigInt(idText);
  const state = ctx.node.store;
  const types = state.bigMapTypes(id);
  const entry = types && state.bigMapEntry(id, expr);
  if (!types || !entry) throw new NotFoundError(`No value ${expr} in big map ${idText}`);
  return readable(entry.value, types.valueType, state);
}

interface RunScriptView {
  contract: string;
  view: string;
  input: Expr;
  source?: string;
  payer?: string;
  gas?: string;
  unparsing_mode?: string;
  chain_id?: string;
}

function runScriptView(ctx: RouteContext, b: RunScriptView): Answer {
  const state = ctx.node.store;
  const acc = state.account(b?.contract);
  if (!acc?.script) throw new NotFoundError(`Cannot find contract ${b?.contract}`);
  const script = ctx.node.scripts.get(b.contract, acc.script.code);
  const head = ctx.node.block('head');
  const r = runView({
    script,
    view: b.view,
    input: b.input,
    storage: acc.script.storage,
    context: {
      self: b.contract,
      sender: b.source ?? b.contract,
      source: b.payer ?? b.source ?? b.contract,
      amount: 0n,
      balance: acc.balance,
      now: BigInt(Math.floor(Date.parse((head.header as { timestamp: string }).timestamp) / 1000)),
      level: BigInt((head.header as { level: number }).level),
      chainId: CHAIN_ID,
      contract: ctx.node.scripts.lookup(state),
    },
    bigMaps: bigMapStoreOf(state),
    gasLimit: b.gas ? Number(b.gas) * 1000 : 1_040_000_000,
  });
  if (r.status === 'failed') {
    const e = r.error;
    throw new NodeError([
      protoError('temporary', 'michelson_v1.runtime_error', { contract_handle: b.contract }),
      e.kind === 'failwith'
        ? protoError('temporary', 'michelson_v1.script_rejected', { location: 0, with: e.readable })
        : e.kind === 'view_not_found'
          ? protoError('permanent', 'michelson_v1.view_not_found', { view: b.view })
          : protoError('temporary', `michelson_v1.${e.kind}`),
    ]);
  }
  return { data: b.unparsing_mode === 'Optimized' ? r.data : r.readable };
}
