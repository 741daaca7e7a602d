/**
 * The sync loop's timing: per-contact read offsets uniform in [0, period)
 * and independent, write jitter uniform in [min, max] (chi-square tests on
 * a seeded generator; the thresholds are the 99.9 % quantiles).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_POLL_CONFIG,
  roundSchedule,
  uniformBelow,
  writeJitter,
} from '../../src/engine/pollSchedule.js';
import { runs, seededRandom } from '../helpers/fixtures.js';

/** Pearson chi-square statistic of counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('poll schedule', () => {
  it('gives every contact an offset in [0, period), uniformly distributed', () => {
    const random = seededRandom('offsets');
    const period = 30_000;
    const bins = new Array(20).fill(0);
    const rounds = runs(500);
    for (let r = 0; r < rounds; r++)
      for (const { offsetMs } of roundSchedule(['a', 'b', 'c', 'd'], period, random)) {
        assert.ok(Number.isInteger(offsetMs) && offsetMs >= 0 && offsetMs < period, 'in range');
        bins[Math.floor((offsetMs / period) * 20)]++;
      }
    // 19 degrees of freedom: P(chi² > 43.8) = 0.001.
    assert.ok(chiSquare(bins) < 43.8, `chi² ${chiSquare(bins)}`);
  });

  it('draws contacts independently of each other and of the previous round', () => {
    const random = seededRandom('independence');
    const period = 1000;
    // Joint distribution of (a, b) offsets in a 5×5 grid, and of (a now, a next round).
    const pair = new Array(25).fill(0);
    const lag = new Array(25).fill(0);
    let prevA: number | undefined;
    for (let r = 0; r < runs(2000); r++) {
      const s = roundSchedule(['a', 'b'], period, random);
      const a = s.find((x) => x.contact === 'a')!.offsetMs;
      const b = s.find((x) => x.contact === 'b')!.offsetMs;
      pair[Math.floor(a / 200) * 5 + Math.floor(b / 200)]++;
      if (prevA !== undefined) lag[Math.floor(prevA / 200) * 5 + Math.floor(a / 200)]++;
      prevA = a;
    }
    // 24 degrees of freedom: P(chi² > 51.2) = 0.001.
    assert.ok(chiSquare(pair) < 51.2, `pair chi² ${chiSquare(pair)}`);
    assert.ok(chiSquare(lag) < 51.2, `lag chi² ${chiSquare(lag)}`);
  });

  it('returns each contact once, in time order', () => {
    const contacts = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const s = roundSchedule(contacts, 10_000, seededRandom('order'));
    assert.deepEqual(new Set(s.map((x) => x.contact)), new Set(contacts));
    for (let i = 1; i < s.length; i++) assert.ok(s[i - 1]!.offsetMs <= s[i]!.offsetMs, 'sorted');
    assert.deepEqual(roundSchedule([], 1000, seededRandom('x')), []);
  });

  it('draws the write jitter uniformly in [min, max], both ends included', () => {
    const random = seededRandom('jitter');
    const counts = new Array(11).fill(0);
    for (let i = 0; i < runs(5500); i++) {
      const j = writeJitter(100, 110, random);
      assert.ok(j >= 100 && j <= 110, 'in range');
      counts[j - 100]++;
    }
    assert.ok(counts[0] > 0 && counts[10] > 0, 'both ends reached');
    // 10 degrees of freedom: P(chi² > 29.6) = 0.001.
    assert.ok(chiSquare(counts) < 29.6, `chi² ${chiSquare(counts)}`);
    assert.equal(writeJitter(250, 250, random), 250);
  });

  it('refuses a bad configuration', () => {
    const r = seededRandom('bad');
    assert.throws(() => roundSchedule(['a'], 0, r), RangeError);
    assert.throws(() => roundSchedule(['a'], 1.5, r), RangeError);
    assert.throws(() => writeJitter(10, 5, r), RangeError);
    assert.throws(() => writeJitter(-1, 5, r), RangeError);
    assert.throws(() => uniformBelow(r, 0), RangeError);
    assert.ok(DEFAULT_POLL_CONFIG.writeJitterMinMs <= DEFAULT_POLL_CONFIG.writeJitterMaxMs, 'ok');
  });

  it('has no modulo bias for a range that does not divide 2^32', () => {
    // A generator whose first draw is in the rejected tail: it must be redrawn.
    const draws = [new Uint8Array([0xff, 0xff, 0xff, 0xff]), new Uint8Array([0, 0, 0, 7])];
    const random = () => draws.shift()!;
    assert.equal(uniformBelow(random, 3_000_000_000), 7);
  });
});
