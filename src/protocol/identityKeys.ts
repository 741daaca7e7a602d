/**
 * The private key material of one Mizu identity: its X25519 identity key and
 * its signed prekeys (each with an optional ML-KEM-768 key pair, rotated
 * together under one epoch number). Generation takes randomness as an
 * argument. Prekeys are kept after rotation for a grace period so that
 * initial messages made with an older bundle still open (see prekeys.ts).
 */

import type { Random } from '../ports/random.js';
import { MLKEM768_SEED_BYTES, type MlKemKeyPair, mlKemKeyPair } from './crypto/mlkem.js';
import { type X25519KeyPair, x25519KeyPair } from './crypto/x25519.js';
import { InvalidArgumentError } from './errors.js';

export interface PrekeySet {
  readonly epoch: number;
  readonly prekey: X25519KeyPair;
  readonly kem: MlKemKeyPair | null;
  /** When this prekey was replaced by a newer one (ms since epoch), or null while current. */
  readonly retiredAt: number | null;
}

export interface IdentityKeys {
  readonly identity: X25519KeyPair;
  /** Newest first; prekeys[0] is the one published in the bundle. */
  readonly prekeys: readonly PrekeySet[];
}

export function generateIdentityKey(random: Random): X25519KeyPair {
  return x25519KeyPair(random(32));
}

export function generatePrekeySet(epoch: number, random: Random, withKem = true): PrekeySet {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) {
    throw new InvalidArgumentError('prekey epoch', 'expected an integer from 0 to 2^32-1');
  }
  return {
    epoch,
    prekey: x25519KeyPair(random(32)),
    kem: withKem ? mlKemKeyPair(random(MLKEM768_SEED_BYTES)) : null,
    retiredAt: null,
  };
}

export function generateIdentityKeys(random: Random, withKem = true): IdentityKeys {
  return {
    identity: generateIdentityKey(random),
    prekeys: [generatePrekeySet(0, random, withKem)],
  };
}

/**
 * Rotation: a new current prekey with the next epoch; the previous ones stay,
 * marked retired at `now`, until `dropExpiredPrekeys` removes them.
 */
export function rotatePrekey(
  keys: IdentityKeys,
  now: number,
  random: Random,
  withKem = true,
): IdentityKeys {
  const current = keys.prekeys[0];
  const epoch = current ? current.epoch + 1 : 0;
  const retired = keys.prekeys.map((p) => (p.retiredAt === null ? { ...p, retiredAt: now } : p));
  return { ...keys, prekeys: [generatePrekeySet(epoch, random, withKem), ...retired] };
}

/** Drops retired prekeys whose grace period (ms) has passed at `now`. */
export function dropExpiredPrekeys(keys: IdentityKeys, now: number, graceMs: number): IdentityKeys {
  return {
    ...keys,
    prekeys: keys.prekeys.filter((p) => p.retiredAt === null || now - p.retiredAt < graceMs),
  };
}
