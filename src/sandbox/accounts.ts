/**
 * Bootstrap accounts: TEST KEYS, derived deterministically from their index
 * (seed = blake2b-256("mizu sandbox bootstrap <i>")), so every sandbox has
 * the same ones and anyone can sign with them. Never use them on a real
 * network. Funded and revealed at genesis.
 */

import { blake2b } from '@noble/hashes/blake2.js';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';

export interface BootstrapAccount {
  readonly address: string;
  readonly publicKey: string;
  /** `edsk…` (a seed), accepted by Taquito's InMemorySigner. */
  readonly secretKey: string;
}

export const BOOTSTRAP_COUNT = 5;
/** Genesis balance of each bootstrap account: 4 000 000 tez. */
export const BOOTSTRAP_BALANCE = 4_000_000_000_000n;

export async function bootstrapAccount(index: number): Promise<BootstrapAccount> {
  if (!Number.isInteger(index) || index < 0) throw new RangeError('index must be a natural');
  const seed = blake2b(new TextEncoder().encode(`mizu sandbox bootstrap ${index}`), { dkLen: 32 });
  const secretKey = b58Encode(seed, PrefixV2.Ed25519Seed);
  const signer = await InMemorySigner.fromSecretKey(secretKey);
  return { address: await signer.publicKeyHash(), publicKey: await signer.publicKey(), secretKey };
}

export async function bootstrapAccounts(count = BOOTSTRAP_COUNT): Promise<BootstrapAccount[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => bootstrapAccount(i)));
}
