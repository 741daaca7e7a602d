/**
 * Tezos account keys, addresses and signatures, as the protocol core needs
 * them: the binary encodings that go inside Mizu's wire formats, the check
 * that a public key hashes to an address, and signature verification.
 * Everything here delegates to @taquito/utils (base58check, key hashing,
 * ed25519/secp256k1/P-256 verification); nothing is reimplemented.
 *
 * Binary encodings (as in the Tezos binary format):
 *   address      22 bytes: 0x00 ‖ curve tag ‖ 20-byte key hash (implicit, tz1/tz2/tz3)
 *                          0x01 ‖ 20-byte contract hash ‖ 0x00 (originated, KT1)
 *   public key   curve tag (0x00 ed25519, 0x01 secp256k1, 0x02 P-256) ‖ 32 or 33 key bytes
 *   chain id     4 bytes
 *   signature    64 bytes (all three curves)
 */

import {
  b58DecodeAddress,
  b58DecodeAndCheckPrefix,
  b58DecodePublicKey,
  b58Encode,
  encodeAddress,
  encodeKey,
  getPkhfromPk,
  PrefixV2,
  verifySignature,
} from '@taquito/utils';
import { toHex } from './bytes.js';
import { InvalidArgumentError, MalformedError } from './errors.js';

export const ADDRESS_BYTES = 22;
export const CHAIN_ID_BYTES = 4;
export const SIGNATURE_BYTES = 64;

/** Lengths of the binary public key encodings, by curve tag. */
const PUBLIC_KEY_BYTES: Record<number, number> = { 0: 33, 1: 34, 2: 34 };
const SIGNATURE_PREFIX: Record<number, PrefixV2> = {
  0: PrefixV2.Ed25519Signature,
  1: PrefixV2.Secp256k1Signature,
  2: PrefixV2.P256Signature,
};

export function addressToBytes(address: string): Uint8Array {
  try {
    const b = b58DecodeAddress(address, 'array');
    if (b.length !== ADDRESS_BYTES) throw new Error('length');
    return b;
  } catch {
    throw new InvalidArgumentError('address', `${JSON.stringify(address)} is not a Tezos address`);
  }
}

export function addressFromBytes(bytes: Uint8Array, what = 'address'): string {
  if (bytes.length !== ADDRESS_BYTES) throw new MalformedError(what, 'an address is 22 bytes');
  const tag = bytes[0];
  const ok = (tag === 0 && bytes[1]! <= 2) || (tag === 1 && bytes[21] === 0);
  if (!ok)
    throw new MalformedError(what, 'not an implicit (tz1/tz2/tz3) or originated (KT1) address');
  return encodeAddress(toHex(bytes));
}

/** True for tz1/tz2/tz3 addresses (the ones a Mizu identity can have). */
export function isImplicitAddress(address: string): boolean {
  try {
    return addressToBytes(address)[0] === 0;
  } catch {
    return false;
  }
}

/** True for KT1 addresses. */
export function isContractAddress(address: string): boolean {
  try {
    return addressToBytes(address)[0] === 1;
  } catch {
    return false;
  }
}

export function chainIdToBytes(chainId: string): Uint8Array {
  try {
    return b58DecodeAndCheckPrefix(chainId, [PrefixV2.ChainID], true);
  } catch {
    throw new InvalidArgumentError(
      'chain id',
      `${JSON.stringify(chainId)} is not a Tezos chain id`,
    );
  }
}

export function chainIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== CHAIN_ID_BYTES)
    throw new MalformedError('chain id', 'a chain id is 4 bytes');
  return b58Encode(bytes, PrefixV2.ChainID);
}

export function publicKeyToBytes(publicKey: string): Uint8Array {
  try {
    const b = b58DecodePublicKey(publicKey, 'array');
    if (PUBLIC_KEY_BYTES[b[0]!] !== b.length) throw new Error('curve');
    return b;
  } catch {
    throw new InvalidArgumentError(
      'public key',
      'not an ed25519, secp256k1 or P-256 Tezos public key',
    );
  }
}

/** Reads a binary public key (tag and length checked) and returns its base58 form. */
export function publicKeyFromBytes(bytes: Uint8Array, what = 'public key'): string {
  const expected = PUBLIC_KEY_BYTES[bytes[0] ?? 0xff];
  if (expected === undefined || bytes.length !== expected) {
    throw new MalformedError(what, 'not an ed25519, secp256k1 or P-256 public key encoding');
  }
  try {
    return encodeKey(toHex(bytes));
  } catch {
    throw new MalformedError(what, 'the key bytes are not a valid point');
  }
}

/** Length of the binary public key that starts with this curve tag, or undefined. */
export function publicKeyLength(tag: number): number | undefined {
  return PUBLIC_KEY_BYTES[tag];
}

/** The tz address of a public key. */
export function addressOfPublicKey(publicKey: string): string {
  return getPkhfromPk(publicKey);
}

/** Raw 64 signature bytes from any Tezos signature string (edsig…, spsig1…, p2sig…, sig…). */
export function signatureToBytes(signature: string): Uint8Array {
  for (const p of [PrefixV2.GenericSignature, ...Object.values(SIGNATURE_PREFIX)]) {
    try {
      return b58DecodeAndCheckPrefix(signature, [p], true);
    } catch {
      // try the next prefix
    }
  }
  throw new InvalidArgumentError('signature', 'not a Tezos signature');
}

/** Verifies a raw signature over `message` (hashed with blake2b-256, as Tezos does). */
export function verifyAccountSignature(
  publicKey: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const tag = publicKeyToBytes(publicKey)[0]!;
  const prefix = SIGNATURE_PREFIX[tag];
  if (!prefix || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return verifySignature(toHex(message), publicKey, b58Encode(signature, prefix));
  } catch {
    return false;
  }
}

/**
 * What the protocol needs of a Tezos account signer. Taquito's InMemorySigner
 * (and any remote signer with the same shape) satisfies it.
 */
export interface AccountSigner {
  publicKey(): Promise<string>;
  sign(bytesHex: string): Promise<{ prefixSig: string }>;
}
