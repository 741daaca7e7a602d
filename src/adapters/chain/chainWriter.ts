/**
 * One identity's writes: estimate, sign, inject, follow to inclusion and
 * finality. Every request goes through the node pool as isolation group
 * `writes`.
 *
 * Exactly-once. An operation is signed once, with the account's next
 * counter, and from then on only those exact bytes are sent: injection
 * retries on another node and the periodic re-broadcast while it waits for
 * inclusion (for a node that accepted it but never passed it on) resend the
 * same bytes, the same hash, which the chain includes at most once. A new
 * operation for the same content is only signed after `status` says the
 * first one is `dropped`, which it says only when the first can no longer
 * be included: every block up to its expiry was searched, or its counter
 * was used by another operation. Because the new operation takes the
 * account's counter from the chain, it reuses the dropped one's counter
 * when nothing else used it, so even a copy of the old one resurfacing
 * cannot land beside it. If an injection's outcome is unknown, the
 * ChainError carries the signed `operation` so that the caller follows it
 * with `status()` instead of signing anew.
 *
 * Security: the secret key stays inside Taquito's InMemorySigner; no
 * message here contains it or the entry bytes.
 */

import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { OpKind, TezosToolkit } from '@taquito/taquito';
import { encodeOpHash } from '@taquito/utils';
import type {
  ChainWriter,
  InjectedOperation,
  MizuOperation,
  OperationCost,
  OperationStatus,
} from '../../ports/chain.js';
import { rpc } from './chainRpc.js';
import { operationCost } from './cost.js';
import { ChainError, refusalCode } from './errors.js';
import { pooledRpcClient } from './httpBackend.js';
import { transferParams } from './mizuOperation.js';
import { type NodePool, NodeRefusal } from './nodePool.js';
import { errorStrings, operationOutcome } from './operationOutcome.js';
import { sleep } from './sleep.js';
import { asChainError } from './taquitoErrors.js';

export interface WriterContext {
  readonly pool: NodePool;
  readonly contract: string;
  /** Poll period while waiting for blocks. */
  readonly pollMs: number;
  /** Re-send a pending operation's bytes every this many levels (0 = never). */
  readonly rebroadcastEveryLevels: number;
  readonly maxOperationsTtl: () => Promise<number>;
  readonly costPerByte: () => Promise<bigint>;
}

interface Tracked {
  readonly signedHex: string;
  /** Highest level searched for the operation so far. */
  searched: number;
  /** Level at which its bytes were last sent (-1: not yet counted). */
  lastSent: number;
}

const GROUP = 'writes';

export class TaquitoChainWriter implements ChainWriter {
  private readonly tz: TezosToolkit;
  private readonly tracked = new Map<string, Tracked>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The last operation this writer signed, until it is settled (included, failed or dropped). */
  private inFlight: InjectedOperation | undefined;

  private constructor(
    readonly address: string,
    private readonly publicKey: string,
    private readonly signer: InMemorySigner,
    private readonly ctx: WriterContext,
  ) {
    this.tz = new TezosToolkit(pooledRpcClient(ctx.pool, GROUP));
    this.tz.setProvider({ signer });
  }

  static async create(secretKey: string, ctx: WriterContext): Promise<TaquitoChainWriter> {
    let signer: InMemorySigner;
    try {
      signer = await InMemorySigner.fromSecretKey(secretKey);
    } catch {
      throw new ChainError('invalid-argument', 'Cannot use the secret key: not a Tezos secret key');
    }
    return new TaquitoChainWriter(
      await signer.publicKeyHash(),
      await signer.publicKey(),
      signer,
      ctx,
    );
  }

  private async estimateParts(op: MizuOperation) {
    const params = transferParams(this.ctx.contract, this.publicKey, op);
    try {
      const parts = await this.tz.estimate.batch([{ kind: OpKind.TRANSACTION, ...params }]);
      return { params, parts };
    } catch (e) {
      throw asChainError(e, `estimate the ${op.kind}`);
    }
  }

  async estimate(op: MizuOperation): Promise<OperationCost> {
    const { parts } = await this.estimateParts(op);
    return operationCost(parts, await this.ctx.costPerByte());
  }

  inject(op: MizuOperation): Promise<InjectedOperation> {
    // One injection at a time: the next one reads the counter this one used.
    const run = this.queue.then(() => this.injectNow(op));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Waits until the previous operation is settled: its counter is then
   * final, and Tenderbake nodes take one manager operation per account at a
   * time anyway. Re-broadcasts it meanwhile, as waitForInclusion does.
   */
  private async settlePrevious(): Promise<void> {
    const prev = this.inFlight;
    if (!prev) return;
    try {
      await this.waitForInclusion(prev);
    } catch (e) {
      if (!(e instanceof ChainError) || (e.code !== 'failed' && e.code !== 'dropped')) throw e;
    }
    this.inFlight = undefined;
  }

  private async injectNow(op: MizuOperation): Promise<InjectedOperation> {
    await this.settlePrevious();
    const { params, parts } = await this.estimateParts(op);
    const main = parts[parts.length - 1]!;
    let signedHex: string;
    let branch: string;
    let counter: string;
    try {
      const prepared = await this.tz.prepare.transaction({
        ...params,
        fee: main.suggestedFeeMutez,
        gasLimit: main.gasLimit,
        storageLimit: main.storageLimit,
      });
      const forged = await new LocalForger().forge(this.tz.prepare.toForge(prepared) as never);
      signedHex = (await this.signer.sign(forged, new Uint8Array([3]))).sbytes;
      branch = prepared.opOb.branch;
      const contents = prepared.opOb.contents as { counter?: string }[];
      counter = String(contents[contents.length - 1]!.counter);
    } catch (e) {
      throw asChainError(e, `prepare the ${op.kind}`);
    }
    const [branchHead, ttl] = await Promise.all([
      rpc.head(this.ctx.pool, GROUP, branch),
      this.ctx.maxOperationsTtl(),
    ]);
    const injected: InjectedOperation = {
      hash: encodeOpHash(signedHex),
      counter,
      branchLevel: branchHead.level,
      expiresAfterLevel: branchHead.level + ttl,
    };
    this.inFlight = injected;
    this.tracked.set(injected.hash, {
      signedHex,
      searched: branchHead.level,
      lastSent: -1,
    });
    try {
      await this.send(injected, signedHex, op.kind);
    } catch (e) {
      // Refused outright by the only node it reached: it is in no mempool.
      if (e instanceof ChainError && !e.operation) this.inFlight = undefined;
      throw e;
    }
    return injected;
  }

  /** Injects the signed bytes on a random node, retrying elsewhere on node faults. */
  private async send(injected: InjectedOperation, signedHex: string, kind: string): Promise<void> {
    const pool = this.ctx.pool;
    const tried = new Set<string>();
    const faults: string[] = [];
    const attempts = Math.min(4, Math.max(2, pool.urls.length));
    for (let i = 0; i < attempts; i++) {
      const url = pool.pick(tried);
      tried.add(url);
      let r: Awaited<ReturnType<typeof rpc.inject>>;
      try {
        r = await rpc.inject(pool, url, GROUP, signedHex);
      } catch (e) {
        if (!(e instanceof NodeRefusal)) throw e;
        const errs = errorStrings(e.errors);
        // After a fault the bytes may have reached a node: the caller must follow them.
        throw new ChainError(
          refusalCode(errs),
          `Cannot inject the ${kind}: refused (${errs.join(', ') || e.status})`,
          { errors: errs, ...(faults.length ? { operation: injected } : {}) },
        );
      }
      if (r.ok) {
        if (r.value !== injected.hash)
          throw new ChainError(
            'malformed',
            `Cannot inject the ${kind}: the node answered hash ${r.value}, expected ${injected.hash}`,
            { operation: injected },
          );
        return;
      }
      faults.push(r.fault);
      pool.markDown(url);
    }
    throw new ChainError(
      'unreachable',
      `Cannot inject the ${kind} ${injected.hash}: ${faults.join('; ')}; it may still be included, follow it with status()`,
      { operation: injected },
    );
  }

  async status(op: InjectedOperation): Promise<OperationStatus> {
    const pool = this.ctx.pool;
    let t = this.tracked.get(op.hash);
    if (!t) {
      t = { signedHex: '', searched: op.branchLevel, lastSent: -1 };
      this.tracked.set(op.hash, t);
    }
    for (;;) {
      const head = await rpc.head(pool, GROUP);
      const until = Math.min(head.level, op.expiresAfterLevel);
      for (let level = t.searched + 1; level <= until; level++) {
        const hashes = await rpc.managerOperationHashes(pool, GROUP, level);
        if (hashes.includes(op.hash)) {
          const ops = await rpc.managerOperations(pool, GROUP, level);
          const found = ops.find((o) => o.hash === op.hash);
          // Two nodes disagree about this block (a reorganisation?): look again next time.
          if (!found) return { state: 'pending' };
          const blockHash = (await rpc.head(pool, GROUP, String(level))).hash;
          const outcome = operationOutcome(found);
          return outcome.applied
            ? { state: 'included', level, blockHash }
            : { state: 'failed', level, errors: outcome.errors };
        }
        t.searched = level;
      }
      if (t.searched >= op.expiresAfterLevel) return { state: 'dropped' };
      // Not found up to the head: was its counter used by another operation?
      const used = await rpc.counter(pool, GROUP, this.address, head.hash);
      const again = await rpc.head(pool, GROUP);
      if (again.level !== head.level) continue;
      if (used >= BigInt(op.counter)) return { state: 'dropped' };
      return { state: 'pending' };
    }
  }

  async waitForInclusion(
    op: InjectedOperation,
    options: { signal?: AbortSignal; onLevel?: (level: number) => void } = {},
  ): Promise<{ level: number; blockHash: string }> {
    let seen = -1;
    let lastHead = -1;
    for (;;) {
      if (options.signal?.aborted)
        throw new ChainError('timeout', `Stopped waiting for ${op.hash}: aborted`);
      // Between blocks nothing changes: one head request per poll, the full look once per level.
      if (lastHead >= 0) {
        const head = await rpc.head(this.ctx.pool, GROUP);
        if (head.level === lastHead) {
          await this.pause(op, options.signal);
          continue;
        }
      }
      const s = await this.status(op);
      if (s.state === 'included') return { level: s.level, blockHash: s.blockHash };
      if (s.state === 'failed')
        throw new ChainError(
          'failed',
          `Operation ${op.hash} failed at level ${s.level} (${s.errors.join(', ')})`,
          {
            errors: s.errors,
          },
        );
      if (s.state === 'dropped')
        throw new ChainError(
          'dropped',
          `Operation ${op.hash} was not included and no longer can be`,
          {
            operation: op,
          },
        );
      const t = this.tracked.get(op.hash)!;
      lastHead = t.searched;
      if (t.searched !== seen) {
        seen = t.searched;
        options.onLevel?.(seen);
      }
      if (t.lastSent < 0) t.lastSent = t.searched; // counted from the first look after injection
      const every = this.ctx.rebroadcastEveryLevels;
      if (every > 0 && t.signedHex && t.searched - t.lastSent >= every) {
        t.lastSent = t.searched;
        await this.rebroadcast(t.signedHex);
      }
      await this.pause(op, options.signal);
    }
  }

  private async pause(op: InjectedOperation, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(this.ctx.pollMs, signal);
    } catch {
      throw new ChainError('timeout', `Stopped waiting for ${op.hash}: aborted`);
    }
  }

  /** Sends the same signed bytes again to a random node; refusals (already known, counter used) are expected. */
  private async rebroadcast(signedHex: string): Promise<void> {
    const url = this.ctx.pool.pick(new Set());
    try {
      const r = await rpc.inject(this.ctx.pool, url, GROUP, signedHex);
      if (!r.ok) this.ctx.pool.markDown(url);
    } catch {
      // A refusal here means the node knows it already, or it can no longer land: status() tells.
    }
  }

  async waitForFinality(level: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    for (;;) {
      if (options.signal?.aborted)
        throw new ChainError('timeout', `Stopped waiting for level ${level} to be final: aborted`);
      const head = await rpc.head(this.ctx.pool, GROUP);
      if (head.level >= level + 2) return;
      try {
        await sleep(this.ctx.pollMs, options.signal);
      } catch {
        throw new ChainError('timeout', `Stopped waiting for level ${level} to be final: aborted`);
      }
    }
  }
}
