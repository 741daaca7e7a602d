/**
 * What an included operation cost, read from its receipt in the block (the
 * node's own accounting), never recomputed by hand:
 *
 * - fee: the `block fees` accumulator updates of each content's metadata;
 * - burn: the `storage fees` burn updates of each content's operation result;
 * - storage: `paid_storage_size_diff` of the operation result (bytes);
 * - gas: `consumed_milligas` of the operation result.
 *
 * Used by the cost benchmark (bench/cost.ts).
 */

import type { RpcClientInterface } from '@taquito/rpc';

type Update = { kind?: string; category?: string; change?: string };

interface ContentJson {
  kind: string;
  metadata?: {
    balance_updates?: Update[];
    operation_result?: {
      status: string;
      balance_updates?: Update[];
      consumed_milligas?: string;
      paid_storage_size_diff?: string;
      errors?: unknown[];
    };
  };
}

export interface ContentCost {
  readonly kind: string;
  readonly status: string;
  readonly feeMutez: bigint;
  readonly burnMutez: bigint;
  readonly milligas: bigint;
  readonly paidStorageBytes: number;
}

export interface OperationCost {
  readonly hash: string;
  readonly level: number;
  readonly contents: readonly ContentCost[];
  readonly feeMutez: bigint;
  readonly burnMutez: bigint;
  readonly totalMutez: bigint;
}

const sum = (updates: readonly Update[] | undefined, kind: string, category: string): bigint =>
  (updates ?? [])
    .filter((u) => u.kind === kind && u.category === category)
    .reduce((acc, u) => acc + BigInt(u.change ?? '0'), 0n);

function contentCost(c: ContentJson): ContentCost {
  const result = c.metadata?.operation_result;
  return {
    kind: c.kind,
    status: result?.status ?? 'unknown',
    feeMutez: sum(c.metadata?.balance_updates, 'accumulator', 'block fees'),
    burnMutez: sum(result?.balance_updates, 'burned', 'storage fees'),
    milligas: BigInt(result?.consumed_milligas ?? '0'),
    paidStorageBytes: Number(result?.paid_storage_size_diff ?? '0'),
  };
}

/** The receipt of operation `hash`, searched in the head and the `depth` blocks below it. */
export async function receiptOf(
  rpc: RpcClientInterface,
  hash: string,
  depth = 3,
): Promise<OperationCost> {
  const head = (await rpc.getBlockHeader()).level;
  for (let level = head; level >= Math.max(0, head - depth); level--) {
    const block = await rpc.getBlock({ block: String(level) });
    const op = block.operations.flat().find((o) => o.hash === hash);
    if (!op) continue;
    const contents = (op.contents as unknown as ContentJson[]).map(contentCost);
    const feeMutez = contents.reduce((a, c) => a + c.feeMutez, 0n);
    const burnMutez = contents.reduce((a, c) => a + c.burnMutez, 0n);
    return { hash, level, contents, feeMutez, burnMutez, totalMutez: feeMutez + burnMutez };
  }
  throw new Error(`Cannot find operation ${hash} in blocks ${head - depth}…${head}`);
}
