/**
 * Timing helpers shared by the benchmarks.
 *
 * A measurement warms its code up, picks a batch size so that one batch takes
 * about `targetBatchMs`, then times `batches` batches. Each batch yields a
 * mean time per operation; the reported figure is the median of those means,
 * with the 10th and 90th percentiles to show the spread. Only `run` is timed:
 * `prepare` builds a batch's inputs beforehand.
 */

import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A young-generation collection before every batch, so that a batch does not
// pay for short-lived garbage left by another benchmark (the batches of
// side-by-side benchmarks are interleaved). Not a full collection: on V8 a
// forced full GC slows the JavaScript that runs next (ML-KEM in
// @noble/post-quantum: ~+60 %), which would skew the figures.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;

/** Linear-interpolated percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Method syntax on purpose: specs with different `T` can then be grouped as BenchmarkSpec<unknown>. */
export interface BenchmarkSpec<T> {
  readonly name: string;
  /** Builds the inputs of one batch of `ops` operations. Not timed. */
  prepare?(ops: number): T | Promise<T>;
  /** Performs exactly `ops` operations. The only timed part. */
  run(ops: number, prepared: T): void | Promise<void>;
  /** Timed batches (default 15). */
  readonly batches?: number;
  /** Wanted duration of one batch (default 50 ms: long enough to include its share of GC). */
  readonly targetBatchMs?: number;
  /** Time spent warming up before the batch size is chosen (default 200 ms). */
  readonly warmupMs?: number;
  /** Bounds on the operations per batch (defaults 4 and 100 000). */
  readonly minOps?: number;
  readonly maxOps?: number;
}

export interface Measurement {
  readonly name: string;
  /** Median over batches of the mean time per operation, in microseconds. */
  readonly medianUs: number;
  readonly p10Us: number;
  readonly p90Us: number;
  readonly batches: number;
  readonly opsPerBatch: number;
}

/** Runs one batch and returns its duration in milliseconds (preparation excluded). */
async function timeBatch<T>(spec: BenchmarkSpec<T>, ops: number): Promise<number> {
  const prepared = spec.prepare ? await spec.prepare(ops) : (undefined as T);
  collectGarbage({ type: 'minor' });
  const start = performance.now();
  const pending = spec.run(ops, prepared);
  // Awaiting only real promises keeps a microtask hop out of synchronous code's figures.
  if (pending instanceof Promise) await pending;
  return performance.now() - start;
}

interface Calibrated {
  readonly spec: BenchmarkSpec<unknown>;
  readonly opsPerBatch: number;
  readonly perOpUs: number[];
}

/** Warms `spec` up with growing batches until its budget is spent; the last batch sets the size. */
async function calibrate<T>(spec: BenchmarkSpec<T>): Promise<number> {
  const targetMs = spec.targetBatchMs ?? 50;
  const maxOps = spec.maxOps ?? 100_000;
  let ops = 1;
  let perOpMs = Number.POSITIVE_INFINITY;
  const warmupEnd = performance.now() + (spec.warmupMs ?? 200);
  do {
    perOpMs = (await timeBatch(spec, ops)) / ops;
    if (perOpMs * ops < targetMs / 4) ops = Math.min(ops * 2, maxOps);
  } while (performance.now() < warmupEnd);
  return Math.max(spec.minOps ?? 4, Math.min(maxOps, Math.round(targetMs / perOpMs)));
}

/**
 * Measures several benchmarks side by side: each is warmed up and
 * calibrated, then their timed batches are interleaved (A B, B A, A B, …) so
 * that background load and thermal drift affect all of them alike and their
 * ratios stay meaningful on a busy machine.
 */
export async function measureGroup(
  specs: readonly BenchmarkSpec<unknown>[],
): Promise<Measurement[]> {
  const calibrated: Calibrated[] = [];
  for (const spec of specs) {
    calibrated.push({ spec, opsPerBatch: await calibrate(spec), perOpUs: [] });
  }
  const batches = Math.max(...specs.map((s) => s.batches ?? 15));
  for (let b = 0; b < batches; b++) {
    const order = b % 2 === 0 ? calibrated : [...calibrated].reverse();
    for (const c of order) {
      if (c.perOpUs.length >= (c.spec.batches ?? 15)) continue;
      c.perOpUs.push(((await timeBatch(c.spec, c.opsPerBatch)) / c.opsPerBatch) * 1000);
    }
  }
  return calibrated.map((c) => ({
    name: c.spec.name,
    medianUs: median(c.perOpUs),
    p10Us: percentile(c.perOpUs, 10),
    p90Us: percentile(c.perOpUs, 90),
    batches: c.perOpUs.length,
    opsPerBatch: c.opsPerBatch,
  }));
}

export async function measure<T>(spec: BenchmarkSpec<T>): Promise<Measurement> {
  const [m] = await measureGroup([spec]);
  return m!;
}

/**
 * A running checksum of benchmark results. Every timed loop folds something
 * of each result into it and the total is printed, so no result is dead.
 */
let sinkValue = 0;

export function sink(value: number): void {
  sinkValue = (sinkValue * 31 + value) >>> 0;
}

export function sinkTotal(): number {
  return sinkValue;
}
