/**
 * Small statistics for the Tor tests' measurements: nearest-rank
 * percentiles, and the one-sample Kolmogorov–Smirnov distance to a uniform
 * distribution (used to check that random offsets are spread as configured).
 */

/** Nearest-rank percentile (p in 0…100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** sup |F_n(x) − F(x)| for F uniform on [lo, hi]. */
export function ksUniform(values: readonly number[], lo: number, hi: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((v, i) => {
    const f = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

/**
 * The KS critical distance at significance α for a sample of n (asymptotic
 * form, c(α)/√n with c = √(−ln(α/2)/2)); fine from n ≈ 35 up.
 */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}
