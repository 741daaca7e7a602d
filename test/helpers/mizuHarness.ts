/**
 * A minimal in-memory chain for contract tests: contracts/mizu.tz originated
 * through the interpreter's API, calls applied one after the other with
 * their big-map diffs committed to an in-memory store only when they apply,
 * and views read from the committed state. No node, no network: this is the
 * interpreter's own contract-execution API, which the sandbox node wraps.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InMemoryBigMapStore } from '../../src/michelson/bigMaps.js';
import type { ExecutionContext } from '../../src/michelson/context.js';
import {
  type Applied,
  execute,
  type Failed,
  originate,
  runView,
  type Script,
  typecheckContract,
} from '../../src/michelson/contract.js';
import type { Expr } from '../../src/michelson/micheline.js';

export const MIZU_SOURCE = readFileSync(
  path.resolve(import.meta.dirname, '../../contracts/mizu.tz'),
  'utf8',
);
export const MIZU_ADDRESS = 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi';
export const START_TIME = 1_700_000_000n;

export interface CallOptions {
  readonly sender: string;
  readonly amount?: bigint;
  readonly now?: bigint;
  readonly gasLimit?: number;
}

export class MizuHarness {
  readonly script: Script = typecheckContract(MIZU_SOURCE);
  readonly store = new InMemoryBigMapStore();
  storage: Expr;
  private nextBigMapId = 0n;
  /** Bytes the contract occupies, as the protocol counts them. */
  size: number;

  constructor() {
    const o = originate({
      script: this.script,
      storage: '(Pair {} {} {} {})',
      context: this.context(MIZU_ADDRESS),
      nextBigMapId: 0n,
    });
    if (o.status !== 'applied') assert.fail(`origination failed: ${JSON.stringify(o.error)}`);
    this.store.apply(o.lazyStorageDiff);
    this.storage = o.storage;
    this.size = o.storageSize;
    if (o.nextBigMapId !== undefined) this.nextBigMapId = o.nextBigMapId;
  }

  context(sender: string, now = START_TIME, amount = 0n): ExecutionContext {
    return {
      self: MIZU_ADDRESS,
      sender,
      source: sender,
      amount,
      balance: 0n,
      now,
      level: 1n,
      chainId: 'NetXdQprcVkpaWU',
      bigMaps: this.store,
    };
  }

  /** Calls an entrypoint; commits storage and big-map diffs only if it applied. */
  call(entrypoint: string, parameter: string, options: CallOptions): Applied | Failed {
    const result = execute({
      script: this.script,
      storage: this.storage,
      entrypoint,
      parameter,
      context: this.context(options.sender, options.now, options.amount),
      nextBigMapId: this.nextBigMapId,
      ...(options.gasLimit !== undefined ? { gasLimit: options.gasLimit } : {}),
    });
    if (result.status === 'applied') {
      this.store.apply(result.lazyStorageDiff);
      this.storage = result.storage;
      this.size += result.storageSizeDiff;
      if (result.nextBigMapId !== undefined) this.nextBigMapId = result.nextBigMapId;
    }
    return result;
  }

  /** Calls and asserts that the call applied. */
  ok(entrypoint: string, parameter: string, options: CallOptions): Applied {
    const r = this.call(entrypoint, parameter, options);
    if (r.status !== 'applied') assert.fail(`${entrypoint} failed: ${JSON.stringify(r.error)}`);
    return r;
  }

  /** Calls, asserts that the call failed with FAILWITH `message`, and that nothing changed. */
  refused(entrypoint: string, parameter: string, options: CallOptions, message: string): void {
    const before = JSON.stringify(this.snapshot());
    const r = this.call(entrypoint, parameter, options);
    assert.equal(r.status, 'failed', `${entrypoint} ${parameter} should fail with ${message}`);
    assert.deepEqual((r as Failed).error, {
      kind: 'failwith',
      with: { string: message },
      readable: { string: message },
    });
    assert.equal(JSON.stringify(this.snapshot()), before, 'a refused call changes nothing');
  }

  /** Runs a view on the committed state. */
  private runView(name: string, input: string): ReturnType<typeof runView> {
    return runView({
      script: this.script,
      view: name,
      input,
      storage: this.storage,
      context: this.context(MIZU_ADDRESS),
    });
  }

  /** The readable result of a view that must apply. */
  view(name: string, input: string): Expr {
    const r = this.runView(name, input);
    if (r.status !== 'applied') assert.fail(`view ${name} failed: ${JSON.stringify(r.error)}`);
    return r.readable;
  }

  /** Gas units (rounded up) a view that must apply consumes. */
  viewGas(name: string, input: string): number {
    const r = this.runView(name, input);
    if (r.status !== 'applied') assert.fail(`view ${name} failed: ${JSON.stringify(r.error)}`);
    return Math.ceil(Number(r.consumedMilligas) / 1000);
  }

  /** The failure of a view that must fail. */
  viewError(name: string, input: string): Failed['error'] {
    const r = this.runView(name, input);
    assert.equal(r.status, 'failed', `view ${name} ${input} should fail`);
    return (r as Failed).error;
  }

  /** Everything the contract holds: storage and every big-map entry. */
  snapshot(): unknown {
    const maps: Record<string, unknown> = {};
    for (let id = 0n; id < this.nextBigMapId; id++) maps[String(id)] = this.store.entries(id);
    return { storage: this.storage, maps, size: this.size };
  }
}
