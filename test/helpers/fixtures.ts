/**
 * Shared test fixtures: a seeded random source, Tezos accounts with known test
 * keys, and identities with signed, verified bundles.
 */

import { createHash } from 'node:crypto';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import type { Random } from '../../src/ports/random.js';
import {
  generateIdentityKeys,
  type IdentityKeys,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
} from '../../src/protocol/index.js';

export const CONTRACT = 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi';
export const OTHER_CONTRACT = 'KT1Mjjcb6tmSsLm7Cb3DSQszePjfchPM4Uxm';
export const CHAIN_ID = 'NetXdQprcVkpaWU';
export const OTHER_CHAIN_ID = 'NetXnHfVqm9iesp';

/** True under `npm run soak` (MIZU_SOAK=1): suites then run their long versions. */
export const SOAK = process.env.MIZU_SOAK === '1';

/** The number of property-test runs: `n` normally, 20 × `n` in soak mode. */
export function runs(n: number): number {
  return SOAK ? n * 20 : n;
}

/** A deterministic Random: SHA-256 in counter mode over a seed (tests only). */
export function seededRandom(seed: string | number): Random {
  let counter = 0;
  return (length: number) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - filled)), filled);
      filled += 32;
    }
    return out;
  };
}

/** A test-only Tezos secret key derived from a label: edsk (tz1), spsk (tz2) or p2sk (tz3). */
export function testSecretKey(
  label: string,
  curve: 'ed25519' | 'secp256k1' | 'p256' = 'ed25519',
): string {
  const seed = createHash('sha256').update(`mizu test key/${curve}/${label}`).digest();
  const prefix = {
    ed25519: PrefixV2.Ed25519Seed,
    secp256k1: PrefixV2.Secp256k1SecretKey,
    p256: PrefixV2.P256SecretKey,
  }[curve];
  return b58Encode(seed, prefix);
}

export interface TestUser {
  readonly name: string;
  readonly address: string;
  readonly publicKey: string;
  readonly signer: InMemorySigner;
  keys: IdentityKeys;
  bundleBytes: Uint8Array;
  bundle: VerifiedBundle;
}

export async function makeUser(
  name: string,
  secretKey: string,
  random: Random,
  options: { withKem?: boolean; contract?: string; chainId?: string } = {},
): Promise<TestUser> {
  const signer = await InMemorySigner.fromSecretKey(secretKey);
  const address = await signer.publicKeyHash();
  const publicKey = await signer.publicKey();
  const keys = generateIdentityKeys(random, options.withKem ?? true);
  const user = { name, address, publicKey, signer, keys } as TestUser;
  await publish(user, options.contract ?? CONTRACT, options.chainId ?? CHAIN_ID);
  return user;
}

/** Signs and verifies the user's current bundle (after generation or rotation). */
export async function publish(
  user: TestUser,
  contract = CONTRACT,
  chainId = CHAIN_ID,
): Promise<void> {
  const current = user.keys.prekeys[0]!;
  user.bundleBytes = await signBundle(
    {
      accountPublicKey: user.publicKey,
      contract,
      chainId,
      identityKey: user.keys.identity.publicKey,
      signedPrekey: current.prekey.publicKey,
      prekeyEpoch: current.epoch,
      kemPublicKey: current.kem?.publicKey ?? null,
    },
    user.signer,
  );
  user.bundle = verifyBundle(user.bundleBytes, { address: user.address, contract, chainId });
}
