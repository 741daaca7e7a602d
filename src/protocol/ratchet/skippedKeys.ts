/**
 * The store of skipped message keys (Double Ratchet spec §3.2 MKSKIPPED, §4
 * keyed by header key), kept bounded by MAX_SKIPPED_KEYS and
 * MAX_SKIPPED_CHAINS from limits.ts: when over a bound, the oldest keys go
 * first. Pure functions over immutable arrays.
 */

import { equalBytes } from '../bytes.js';
import { MAX_SKIPPED_CHAINS, MAX_SKIPPED_KEYS } from '../limits.js';
import type { SkippedChain, SkippedKey } from './state.js';

/** Adds `keys` for the chain `headerKey` and evicts the oldest keys beyond the bounds. */
export function addSkipped(
  skipped: readonly SkippedChain[],
  headerKey: Uint8Array,
  keys: readonly SkippedKey[],
): readonly SkippedChain[] {
  if (keys.length === 0) return skipped;
  const idx = skipped.findIndex((c) => equalBytes(c.headerKey, headerKey));
  let chains: SkippedChain[];
  if (idx >= 0) {
    chains = skipped.slice();
    const existing = chains[idx]!;
    chains[idx] = { headerKey, keys: existing.keys.concat(keys) };
  } else {
    chains = skipped.concat([{ headerKey, keys }]);
  }
  while (chains.length > MAX_SKIPPED_CHAINS) chains.shift();
  let total = 0;
  for (const c of chains) total += c.keys.length;
  while (total > MAX_SKIPPED_KEYS) {
    const oldest = chains[0]!;
    const drop = Math.min(oldest.keys.length, total - MAX_SKIPPED_KEYS);
    total -= drop;
    if (drop === oldest.keys.length) chains.shift();
    else chains[0] = { headerKey: oldest.headerKey, keys: oldest.keys.slice(drop) };
  }
  return chains;
}

/** The key for message `index` of chain `chain`, if kept. */
export function findSkipped(chain: SkippedChain, index: number): SkippedKey | undefined {
  return chain.keys.find((k) => k.index === index);
}

/** The store without the key for (`headerKey`, `index`). */
export function removeSkipped(
  skipped: readonly SkippedChain[],
  headerKey: Uint8Array,
  index: number,
): readonly SkippedChain[] {
  const out: SkippedChain[] = [];
  for (const c of skipped) {
    if (!equalBytes(c.headerKey, headerKey)) {
      out.push(c);
      continue;
    }
    const keys = c.keys.filter((k) => k.index !== index);
    if (keys.length > 0) out.push({ headerKey, keys });
  }
  return out;
}
