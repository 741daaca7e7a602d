/**
 * Tezos accounts for identities: a fresh ed25519 key from the engine's
 * Random, or an imported secret key (edsk/spsk/p2sk) or BIP39 mnemonic
 * (Taquito's derivation, tz1 by default). Only the secret key string is
 * kept, and only in the encrypted database.
 *
 * Security notes: errors say which input was invalid, never its value.
 */

import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import type { Random } from '../ports/random.js';
import { EngineError } from './errors.js';

export interface Account {
  readonly secretKey: string;
  readonly address: string;
  readonly publicKey: string;
  readonly signer: InMemorySigner;
}

export async function accountFromSecretKey(secretKey: string): Promise<Account> {
  let signer: InMemorySigner;
  try {
    signer = await InMemorySigner.fromSecretKey(secretKey.trim());
  } catch {
    throw new EngineError('invalid-key', 'The secret key is not a valid unencrypted Tezos key');
  }
  return {
    secretKey: await signer.secretKey(),
    address: await signer.publicKeyHash(),
    publicKey: await signer.publicKey(),
    signer,
  };
}

export async function accountFromMnemonic(mnemonic: string): Promise<Account> {
  let signer: InMemorySigner;
  try {
    signer = InMemorySigner.fromMnemonic({ mnemonic: mnemonic.trim().split(/\s+/).join(' ') });
  } catch {
    throw new EngineError('invalid-key', 'The mnemonic is not a valid BIP39 phrase');
  }
  return accountFromSecretKey(await signer.secretKey());
}

export function generateAccount(random: Random): Promise<Account> {
  return accountFromSecretKey(b58Encode(random(32), PrefixV2.Ed25519Seed));
}

/** Signers are cached per secret key for the life of the engine (key derivation is not free). */
export class SignerCache {
  readonly #signers = new Map<string, Promise<Account>>();
  get(secretKey: string): Promise<Account> {
    let a = this.#signers.get(secretKey);
    if (!a) {
      a = accountFromSecretKey(secretKey);
      this.#signers.set(secretKey, a);
    }
    return a;
  }
}
