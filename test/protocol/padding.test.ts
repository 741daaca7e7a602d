/**
 * Padding (docs/protocol.md §7): Padmé lengths on values worked out by hand,
 * against an integer-only reference, the ≤ 12 % overhead bound, and the
 * pad/unpad round trip.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_PADDING,
  InvalidArgumentError,
  MalformedError,
  type PaddingPolicy,
  pad,
  paddedLength,
  padmeLength,
  unpad,
} from '../../src/protocol/index.js';

/**
 * Padmé from the PURBs paper (Nikitin et al., PETS 2019, §4), written with
 * integer bit lengths instead of floating-point logarithms:
 * E = ⌊log2 L⌋ = bitLength(L) − 1, S = ⌊log2 E⌋ + 1 = bitLength(E),
 * and L is rounded up to a multiple of 2^(E − S).
 */
function padmeReference(L: number): number {
  if (L < 2) return L;
  const bitLength = (x: number) => 32 - Math.clz32(x);
  const E = bitLength(L) - 1;
  const S = bitLength(E);
  const unit = 2 ** (E - S);
  return Math.ceil(L / unit) * unit;
}

describe('Padmé lengths', () => {
  // Worked by hand. For each L: E = ⌊log2 L⌋, S = ⌊log2 E⌋ + 1, and L rounds
  // up to a multiple of 2^(E−S).
  const known: [L: number, padded: number, why: string][] = [
    [1, 1, 'below 2: kept as is'],
    [2, 2, 'E=1, S=1: multiples of 1'],
    [3, 3, 'E=1, S=1: multiples of 1'],
    [5, 5, 'E=2, S=2: multiples of 1'],
    [7, 7, 'E=2, S=2: multiples of 1'],
    [8, 8, 'E=3, S=2: multiples of 2'],
    [9, 10, 'E=3, S=2: multiples of 2'],
    [15, 16, 'E=3, S=2: multiples of 2'],
    [16, 16, 'E=4, S=3: multiples of 2'],
    [17, 18, 'E=4, S=3: multiples of 2'],
    [31, 32, 'E=4, S=3: multiples of 2'],
    [32, 32, 'E=5, S=3: multiples of 4'],
    [33, 36, 'E=5, S=3: multiples of 4'],
    [63, 64, 'E=5, S=3: multiples of 4'],
    [64, 64, 'E=6, S=3: multiples of 8'],
    [65, 72, 'E=6, S=3: multiples of 8'],
    [100, 104, 'E=6, S=3: multiples of 8'],
    [128, 128, 'E=7, S=3: multiples of 16'],
    [129, 144, 'E=7, S=3: multiples of 16 (the worst case, 11.6 %)'],
    [255, 256, 'E=7, S=3: multiples of 16'],
    [256, 256, 'E=8, S=4: multiples of 16'],
    [257, 272, 'E=8, S=4: multiples of 16'],
    [1000, 1024, 'E=9, S=4: multiples of 32'],
    [1025, 1088, 'E=10, S=4: multiples of 64'],
    [65536, 65536, 'E=16, S=5: multiples of 2048'],
    [65537, 67584, 'E=16, S=5: multiples of 2048'],
    [1_000_000, 1_015_808, 'E=19, S=5: multiples of 16384 (62 × 16384)'],
  ];
  for (const [L, padded, why] of known) {
    test(`padme(${L}) = ${padded} (${why})`, () => {
      assert.equal(padmeLength(L), padded);
      assert.equal(padmeReference(L), padded);
    });
  }

  test('agrees with the integer reference on every length up to 70 000', () => {
    for (let L = 1; L <= 70_000; L++) {
      if (padmeLength(L) !== padmeReference(L)) assert.fail(`padme(${L})`);
    }
  });

  test('agrees with the reference, never shrinks, is idempotent and monotonic (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (L) => {
        const p = padmeLength(L);
        assert.equal(p, padmeReference(L));
        assert.ok(p >= L);
        assert.equal(padmeLength(p), p);
        assert.ok(padmeLength(L + 1) >= p);
      }),
      { numRuns: 2000 },
    );
  });

  test('overhead over the length is at most 12 %', () => {
    let worst = 0;
    for (let L = 1; L <= 70_000; L++) worst = Math.max(worst, (padmeLength(L) - L) / L);
    assert.ok(worst <= 0.12, `worst overhead ${worst}`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (L) => padmeLength(L) <= L * 1.12),
      { numRuns: 2000 },
    );
  });

  test('refuses lengths that are not integers ≥ 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => padmeLength(bad), InvalidArgumentError, String(bad));
    }
  });
});

describe('padded lengths and framing', () => {
  test('default policy: plaintext + marker, raised to 32, then Padmé', () => {
    assert.equal(paddedLength(0, DEFAULT_PADDING), 32);
    assert.equal(paddedLength(31, DEFAULT_PADDING), 32);
    assert.equal(paddedLength(32, DEFAULT_PADDING), 36); // 33 → multiples of 4
    assert.equal(paddedLength(100, DEFAULT_PADDING), 104); // 101 → multiples of 8
    assert.equal(paddedLength(1000, DEFAULT_PADDING), 1024);
    assert.equal(paddedLength(10, { kind: 'padme', minimum: 1 }), 12); // 11 → multiples of 2
    assert.equal(paddedLength(10, { kind: 'padme' }), 32); // minimum defaults to 32
  });

  test('"none" policy: only the marker byte', () => {
    for (const n of [0, 1, 31, 100, 4095]) assert.equal(paddedLength(n, { kind: 'none' }), n + 1);
  });

  test('layout: plaintext ‖ 0x80 ‖ zeros', () => {
    const p = pad(Uint8Array.of(1, 2, 0, 0x80, 0));
    assert.equal(p.length, 32);
    assert.deepEqual([...p.subarray(0, 6)], [1, 2, 0, 0x80, 0, 0x80]);
    assert.ok(p.subarray(6).every((b) => b === 0));
  });

  test('overhead is at most 12 % above the minimum length max(n + 1, 32)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 20 }), (n) => {
        const floor = Math.max(n + 1, 32);
        const padded = paddedLength(n, DEFAULT_PADDING);
        return padded >= floor && padded <= floor * 1.12;
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pad / unpad', () => {
  const policy: fc.Arbitrary<PaddingPolicy> = fc.oneof(
    fc.constant<PaddingPolicy>({ kind: 'none' }),
    fc.constant<PaddingPolicy>(DEFAULT_PADDING),
    fc.integer({ min: 1, max: 300 }).map((minimum): PaddingPolicy => ({ kind: 'padme', minimum })),
  );
  // Plaintexts that end in zeros or in 0x80 are the interesting ones.
  const plaintext = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }),
    fc
      .tuple(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0x00, 0x80), fc.nat(40))
      .map(([head, b, n]) => Uint8Array.from([...head, ...new Array(n + 1).fill(b)])),
  );

  test('round trip for any plaintext and policy (property)', () => {
    fc.assert(
      fc.property(plaintext, policy, (p, pol) => {
        const padded = pad(p, pol);
        assert.equal(padded.length, paddedLength(p.length, pol));
        assert.deepEqual(unpad(padded), p);
      }),
      { numRuns: 1000 },
    );
  });

  test('unpad refuses input without a marker: empty, all zeros, wrong last byte', () => {
    for (const bad of [
      new Uint8Array(0),
      new Uint8Array(32),
      Uint8Array.of(1, 2, 3),
      Uint8Array.of(0x81, 0, 0),
      Uint8Array.of(0x7f),
    ]) {
      assert.throws(() => unpad(bad), MalformedError);
    }
  });
});
