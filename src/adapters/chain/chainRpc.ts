/**
 * The plain Tezos RPC reads the adapter makes itself (not through Taquito),
 * each with a parser that checks the answer's shape so that a node
 * answering nonsense is retried elsewhere (MalformedAnswer).
 */

import type { ChainHead, IsolationGroup } from '../../ports/chain.js';
import { MalformedAnswer, type NodePool } from './nodePool.js';

const CHAIN = '/chains/main';

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new MalformedAnswer(`malformed ${what}`);
  return v as Record<string, unknown>;
}

function text(v: unknown, re: RegExp, what: string): string {
  if (typeof v !== 'string' || v.length > 200 || !re.test(v))
    throw new MalformedAnswer(`malformed ${what}`);
  return v;
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new MalformedAnswer(`malformed ${what}`);
  return v;
}

const BLOCK_HASH = /^B[1-9A-HJ-NP-Za-km-z]{50}$/;
const OP_HASH = /^o[1-9A-HJ-NP-Za-km-z]{50}$/;
const MUTEZ = /^\d{1,20}$/;

export function parseHead(json: unknown): ChainHead {
  const h = obj(json, 'block header');
  const time = Date.parse(text(h.timestamp, /^\d{4}-\d\d-\d\dT/, 'block timestamp'));
  if (!Number.isFinite(time)) throw new MalformedAnswer('malformed block timestamp');
  return { level: int(h.level, 'block level'), hash: text(h.hash, BLOCK_HASH, 'block hash'), time };
}

export const rpc = {
  head: (pool: NodePool, group: IsolationGroup, block = 'head') =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/${block}/header`,
      notFoundIsFault: true,
      parse: parseHead,
    }),

  chainId: (pool: NodePool, group: IsolationGroup) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/chain_id`,
      parse: (j) => text(j, /^Net[1-9A-HJ-NP-Za-km-z]{12}$/, 'chain id'),
    }),

  /** The max_operations_ttl the head's metadata reports (blocks a branch stays live). */
  maxOperationsTtl: (pool: NodePool, group: IsolationGroup) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/head/metadata`,
      parse: (j) => int(obj(j, 'block metadata').max_operations_ttl, 'max_operations_ttl'),
    }),

  /** Hashes of the manager operations (validation pass 3) of the block at `level`. */
  managerOperationHashes: (pool: NodePool, group: IsolationGroup, level: number) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/${level}/operation_hashes`,
      notFoundIsFault: true,
      parse: (j) => {
        if (!Array.isArray(j) || j.length !== 4 || !j.every(Array.isArray))
          throw new MalformedAnswer('malformed operation hashes');
        return (j[3] as unknown[]).map((h) => text(h, OP_HASH, 'operation hash'));
      },
    }),

  /** The manager operations of the block at `level`, with their metadata. */
  managerOperations: (pool: NodePool, group: IsolationGroup, level: number) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/${level}/operations`,
      notFoundIsFault: true,
      parse: (j) => {
        if (!Array.isArray(j) || j.length !== 4 || !Array.isArray(j[3]))
          throw new MalformedAnswer('malformed block operations');
        return (j[3] as unknown[]).map((o) => obj(o, 'block operation'));
      },
    }),

  counter: (pool: NodePool, group: IsolationGroup, address: string, block = 'head') =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/${block}/context/contracts/${address}/counter`,
      notFoundIsFault: block !== 'head',
      parse: (j) => BigInt(text(j, MUTEZ, 'counter')),
    }),

  balance: (pool: NodePool, group: IsolationGroup, address: string) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/head/context/contracts/${address}/balance`,
      parse: (j) => BigInt(text(j, MUTEZ, 'balance')),
    }),

  costPerByte: (pool: NodePool, group: IsolationGroup) =>
    pool.request(group, {
      method: 'GET',
      path: `${CHAIN}/blocks/head/context/constants`,
      parse: (j) => BigInt(text(obj(j, 'constants').cost_per_byte, MUTEZ, 'cost_per_byte')),
    }),

  runScriptView: <T>(
    pool: NodePool,
    group: IsolationGroup,
    body: { contract: string; view: string; input: unknown; chain_id: string },
    parse: (data: unknown) => T,
  ) =>
    pool.request(group, {
      method: 'POST',
      path: `${CHAIN}/blocks/head/helpers/scripts/run_script_view`,
      body: { ...body, unparsing_mode: 'Readable' },
      parse: (j) => parse(obj(j, 'view answer').data),
    }),

  inject: (pool: NodePool, url: string, group: IsolationGroup, signedHex: string) =>
    pool.once(url, group, {
      method: 'POST',
      path: '/injection/operation',
      body: signedHex,
      parse: (j) => text(j, OP_HASH, 'injection answer'),
    }),
};
