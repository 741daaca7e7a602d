/**
 * The chain port on Taquito: `createChain` builds the reader over a node
 * pool (random node per request, retry elsewhere, optional SOCKS5 with
 * per-group isolation) and hands out writers for the identities whose keys
 * we hold. Reads are one `run_script_view` per range (≤ 128 entries) or per
 * 200 addresses; see docs/chain.md for every call an operation makes.
 */

import { ValidationResult, validateAddress } from '@taquito/utils';
import type {
  BoxCounters,
  BoxEntry,
  Chain,
  ChainHead,
  ChainUser,
  ChainWriter,
  IsolationGroup,
} from '../../ports/chain.js';
import type { Random } from '../../ports/random.js';
import { systemRandom } from '../systemRandom.js';
import { rpc } from './chainRpc.js';
import { TaquitoChainWriter } from './chainWriter.js';
import { ChainError } from './errors.js';
import { MalformedAnswer, NodePool, NodeRefusal } from './nodePool.js';
import { errorStrings } from './operationOutcome.js';
import { parseSocks5, type Socks5Proxy } from './socks.js';
import {
  BOUNDS,
  decodeCounters,
  decodeRange,
  decodeUser,
  LEGACY_RANGE_ENTRIES,
  type ViewName,
  viewInput,
} from './views.js';

export interface ChainOptions {
  /** RPC URLs of the nodes (at least one). */
  readonly urls: readonly string[];
  /** The Mizu contract (KT1…); discovered from the node (GET /mizu/contract) when absent: sandbox only. */
  readonly contract?: string;
  /** SOCKS5 proxy for every request, as `HOST:PORT` or {host, port}. */
  readonly socks5?: string | Socks5Proxy;
  /** Per-request timeout, ms (default 15,000). */
  readonly timeoutMs?: number;
  /** Node choice and isolation secrets (default: the OS CSPRNG). */
  readonly random?: Random;
  /** Poll period while waiting for blocks, ms (default 1,000). */
  readonly pollMs?: number;
  /** How long a failing node is avoided, ms (default 60,000). */
  readonly markDownMs?: number;
  /** Re-send a pending operation every this many levels (default 2; 0 = never). */
  readonly rebroadcastEveryLevels?: number;
  /** The chain id the nodes must report (a preset's); a node of another chain is refused. */
  readonly chainId?: string;
}

/** The port plus what the engine needs to verify bundles (their context). */
export interface MizuChain extends Chain {
  readonly chainId: string;
  readonly pool: NodePool;
}

const KT1 = /^KT1[1-9A-HJ-NP-Za-km-z]{33}$/;

function checkAddress(a: string): void {
  if (validateAddress(a) !== ValidationResult.VALID || a.includes('%'))
    throw new ChainError(
      'invalid-argument',
      `${JSON.stringify(a.slice(0, 60))} is not a Tezos address`,
    );
}

function checkIndex(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ChainError('invalid-argument', `${what} must be a non-negative integer`);
}

const isRangeTooLong = (e: unknown) =>
  e instanceof ChainError && e.code === 'rejected' && e.errors.includes('MIZU_RANGE_TOO_LONG');

class TaquitoChain implements MizuChain {
  private ttl: number | undefined;
  private costPerByte: bigint | undefined;
  /** Entries per range view call: the contract's bound, lowered once if the contract is older. */
  private rangeEntries: number = BOUNDS.rangeEntries;

  constructor(
    readonly pool: NodePool,
    readonly contract: string,
    readonly chainId: string,
    private readonly options: ChainOptions,
  ) {}

  private async view<T>(
    group: IsolationGroup,
    view: ViewName,
    input: unknown,
    parse: (data: unknown) => T,
  ): Promise<T> {
    try {
      return await rpc.runScriptView(
        this.pool,
        group,
        { contract: this.contract, view, input, chain_id: this.chainId },
        parse,
      );
    } catch (e) {
      if (!(e instanceof NodeRefusal)) throw e;
      const errors = errorStrings(e.errors);
      throw new ChainError(
        'rejected',
        `The node refused the view ${view} (${errors.join(', ') || e.status})`,
        { errors },
      );
    }
  }

  head(group: IsolationGroup): Promise<ChainHead> {
    return rpc.head(this.pool, group);
  }

  async getUser(address: string, group: IsolationGroup): Promise<ChainUser | null> {
    checkAddress(address);
    const u = await this.view(group, 'get_user', viewInput.getUser(address), decodeUser);
    return u && { address, ...u };
  }

  async getCounters(
    addresses: readonly string[],
    group: IsolationGroup,
  ): Promise<Map<string, BoxCounters>> {
    for (const a of addresses) checkAddress(a);
    const chunks: string[][] = [];
    for (let i = 0; i < addresses.length; i += BOUNDS.countersAddresses)
      chunks.push(addresses.slice(i, i + BOUNDS.countersAddresses));
    const answers = await Promise.all(
      chunks.map((c) =>
        this.view(group, 'get_counters', viewInput.getCounters(c), (d) => decodeCounters(d, c)),
      ),
    );
    const out = new Map<string, BoxCounters>();
    for (const m of answers) for (const [k, v] of m) out.set(k, v);
    return out;
  }

  private async range(
    view: 'get_postal' | 'get_requests',
    owner: string,
    from: number,
    count: number,
    group: IsolationGroup,
  ): Promise<BoxEntry[]> {
    checkAddress(owner);
    checkIndex(from, 'from');
    checkIndex(count, 'count');
    const max = view === 'get_postal' ? BOUNDS.entryBytes : BOUNDS.requestBytes;
    const out: BoxEntry[] = [];
    for (let at = from; at < from + count; ) {
      const n = Math.min(this.rangeEntries, from + count - at);
      let part: BoxEntry[];
      try {
        part = await this.view(group, view, viewInput.range(owner, at, n), (d) =>
          decodeRange(d, at, n, max, view),
        );
      } catch (e) {
        // A contract originated before the bound was raised: read it at its own bound.
        if (!(n > LEGACY_RANGE_ENTRIES && isRangeTooLong(e))) throw e;
        this.rangeEntries = LEGACY_RANGE_ENTRIES;
        continue;
      }
      out.push(...part);
      if (part.length < n) break; // past the end of the box
      at += n;
    }
    return out;
  }

  getPostal(owner: string, from: number, count: number, group: IsolationGroup) {
    return this.range('get_postal', owner, from, count, group);
  }

  getRequests(recipient: string, from: number, count: number, group: IsolationGroup) {
    return this.range('get_requests', recipient, from, count, group);
  }

  async balance(address: string, group: IsolationGroup): Promise<bigint> {
    checkAddress(address);
    return rpc.balance(this.pool, group, address);
  }

  writer(secretKey: string): Promise<ChainWriter> {
    return TaquitoChainWriter.create(secretKey, {
      pool: this.pool,
      contract: this.contract,
      pollMs: this.options.pollMs ?? 1000,
      rebroadcastEveryLevels: this.options.rebroadcastEveryLevels ?? 2,
      maxOperationsTtl: async () => {
        this.ttl ??= await rpc.maxOperationsTtl(this.pool, 'writes');
        return this.ttl;
      },
      costPerByte: async () => {
        this.costPerByte ??= await rpc.costPerByte(this.pool, 'writes');
        return this.costPerByte;
      },
    });
  }

  async close(): Promise<void> {
    // SOCKS connections last one request; direct ones are kept alive per pool.
    this.pool.close();
  }
}

/** Builds the chain port; asks a node for the chain id (and the contract, for a sandbox). */
export async function createChain(options: ChainOptions): Promise<MizuChain> {
  const socks5 = typeof options.socks5 === 'string' ? parseSocks5(options.socks5) : options.socks5;
  const pool = new NodePool({
    urls: options.urls,
    random: options.random ?? systemRandom,
    ...(socks5 ? { socks5 } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.markDownMs !== undefined ? { markDownMs: options.markDownMs } : {}),
  });
  let contract = options.contract;
  if (contract === undefined) {
    try {
      contract = await pool.request('directory', {
        method: 'GET',
        path: '/mizu/contract',
        parse: (j) => {
          const a = (j as { address?: unknown })?.address;
          if (typeof a !== 'string' || !KT1.test(a))
            throw new MalformedAnswer('malformed /mizu/contract answer');
          return a;
        },
      });
    } catch (e) {
      throw new ChainError(
        'invalid-argument',
        `No Mizu contract configured, and the node does not name one (not a Mizu sandbox?): ${(e as Error).message}`,
      );
    }
  }
  if (!KT1.test(contract))
    throw new ChainError(
      'invalid-argument',
      `The contract address ${contract} is not a KT1 address`,
    );
  const chainId = await rpc.chainId(pool, 'directory');
  if (options.chainId !== undefined && chainId !== options.chainId)
    throw new ChainError(
      'invalid-argument',
      `The nodes serve chain ${chainId}, not ${options.chainId}: wrong network`,
    );
  return new TaquitoChain(pool, contract, chainId, options);
}
