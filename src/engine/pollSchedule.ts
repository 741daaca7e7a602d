/**
 * When the sync loop reads and writes: pure timing functions.
 *
 * Reads. Each polling round of `periodMs`, every contact's postal box is read
 * at its own offset, drawn uniformly in [0, periodMs), independently of the
 * other contacts and of the previous rounds. Reading all boxes at once would
 * let a node (or whoever watches the network) group them into "one user's
 * contact list" by timing, even through Tor with one circuit per contact;
 * independent offsets make the reads of different contacts look like the
 * reads of different users.
 *
 * Writes. An operation waits `writeJitter` (uniform in [minMs, maxMs]) before
 * it is sent, so that its timing does not reveal the moment a message was
 * typed, nor line up with the reads that preceded it.
 *
 * Trade-off: a longer period and a wider jitter hide more and cost latency.
 * A message is seen on average periodMs / 2 after it lands (at most
 * periodMs), plus the sender's jitter; see docs/chain.md for the defaults.
 */

import type { Random } from '../ports/random.js';

export interface PollConfig {
  /** `sync.pollPeriodMs`: length of a polling round. */
  readonly pollPeriodMs: number;
  /** `sync.writeJitterMinMs`: the least a write waits. */
  readonly writeJitterMinMs: number;
  /** `sync.writeJitterMaxMs`: the most a write waits. */
  readonly writeJitterMaxMs: number;
}

export const DEFAULT_POLL_CONFIG: PollConfig = {
  pollPeriodMs: 30_000,
  writeJitterMinMs: 1_000,
  writeJitterMaxMs: 15_000,
};

/** A uniform integer in [0, n), n ≤ 2^32, without modulo bias (rejection sampling). */
export function uniformBelow(random: Random, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000)
    throw new RangeError('uniformBelow: n must be an integer in [1, 2^32]');
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  for (;;) {
    const b = random(4);
    const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (v < limit) return v % n;
  }
}

export function checkPollConfig(c: PollConfig): void {
  if (!Number.isInteger(c.pollPeriodMs) || c.pollPeriodMs < 1)
    throw new RangeError('sync.pollPeriodMs must be a positive whole number of ms');
  if (
    !Number.isInteger(c.writeJitterMinMs) ||
    !Number.isInteger(c.writeJitterMaxMs) ||
    c.writeJitterMinMs < 0 ||
    c.writeJitterMaxMs < c.writeJitterMinMs
  )
    throw new RangeError('sync.writeJitterMinMs ≤ sync.writeJitterMaxMs, both whole ms ≥ 0');
}

export interface ScheduledRead<T> {
  readonly contact: T;
  /** Milliseconds after the start of the round. */
  readonly offsetMs: number;
}

/** One round: an independent uniform offset in [0, periodMs) per contact, in time order. */
export function roundSchedule<T>(
  contacts: readonly T[],
  periodMs: number,
  random: Random,
): ScheduledRead<T>[] {
  checkPollConfig({ pollPeriodMs: periodMs, writeJitterMinMs: 0, writeJitterMaxMs: 0 });
  return contacts
    .map((contact) => ({ contact, offsetMs: uniformBelow(random, periodMs) }))
    .sort((a, b) => a.offsetMs - b.offsetMs);
}

/** How long a write waits before it is sent: uniform in [minMs, maxMs]. */
export function writeJitter(minMs: number, maxMs: number, random: Random): number {
  checkPollConfig({ pollPeriodMs: 1, writeJitterMinMs: minMs, writeJitterMaxMs: maxMs });
  return minMs + uniformBelow(random, maxMs - minMs + 1);
}
