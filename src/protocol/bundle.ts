/**
 * Key bundles: what a Mizu identity publishes in the contract so that others
 * can start sessions with it (BRIEF §2 "Identity", X3DH spec §3.2 "Publishing
 * keys"). The bundle is signed by the Tezos account that owns the identity.
 *
 * Wire format (version 1), all integers big-endian:
 *
 *   offset  size        field
 *   0       1           version = 0x01
 *   1       1           P = length of the account public key (33 or 34)
 *   2       P           account public key (Tezos binary: curve tag ‖ key)
 *   2+P     22          contract address (Tezos binary, KT1)
 *   24+P    4           chain id
 *   28+P    32          identity key IK (X25519)
 *   60+P    32          signed prekey SPK (X25519)
 *   92+P    4           prekey epoch (u32)
 *   96+P    2           K = length of the ML-KEM-768 public key (0 or 1184)
 *   98+P    K           ML-KEM-768 public key (rotates with the signed prekey)
 *   98+P+K  64          signature by the account key over
 *                       "Mizu key bundle v1\n" ‖ bytes[0 .. 98+P+K)
 *
 * Security notes: `verifyBundle` is the only way to obtain a `VerifiedBundle`,
 * the only type X3DH accepts. It checks, in this order, that the encoding is
 * well formed (its X25519 keys included: no low-order point), that the
 * public key hashes to the address the bundle was published under, that the
 * signature verifies, and that the contract and chain are the ones the client
 * talks to; each failure has its own error.
 */

import { ByteReader, ByteWriter, concatBytes, expectLength, toHex } from './bytes.js';
import { MLKEM768_PUBLIC_KEY_BYTES } from './crypto/mlkem.js';
import { isUsableX25519PublicKey, X25519_KEY_BYTES } from './crypto/x25519.js';
import {
  BundleAddressMismatchError,
  BundleBadSignatureError,
  BundleUnsupportedKeyError,
  BundleWrongChainError,
  BundleWrongContractError,
  InvalidArgumentError,
  MalformedError,
  UnsupportedVersionError,
} from './errors.js';
import { BUNDLE_VERSION, LABEL } from './labels.js';
import {
  type AccountSigner,
  ADDRESS_BYTES,
  addressFromBytes,
  addressOfPublicKey,
  addressToBytes,
  CHAIN_ID_BYTES,
  chainIdFromBytes,
  chainIdToBytes,
  isContractAddress,
  publicKeyFromBytes,
  publicKeyLength,
  publicKeyToBytes,
  SIGNATURE_BYTES,
  signatureToBytes,
  verifyAccountSignature,
} from './tezosAccount.js';

/** The public content of a bundle. */
export interface BundleContent {
  /** The Tezos account's public key (edpk…, sppk…, p2pk…). */
  readonly accountPublicKey: string;
  /** The Mizu contract (KT1…) the bundle is published in. */
  readonly contract: string;
  /** The chain id (Net…) of the network the contract lives on. */
  readonly chainId: string;
  readonly identityKey: Uint8Array;
  readonly signedPrekey: Uint8Array;
  readonly prekeyEpoch: number;
  /** ML-KEM-768 public key, or null for a bundle without the post-quantum part. */
  readonly kemPublicKey: Uint8Array | null;
}

export interface SignedBundle extends BundleContent {
  readonly signature: Uint8Array;
}

declare const verified: unique symbol;
/** A bundle that passed `verifyBundle` for a given address, contract and chain. */
export type VerifiedBundle = SignedBundle & { readonly address: string; readonly [verified]: true };

/** Where the reader expects the bundle to come from. */
export interface BundleContext {
  readonly address: string;
  readonly contract: string;
  readonly chainId: string;
}

const WHAT = 'key bundle';
export const MAX_BUNDLE_BYTES =
  1 +
  1 +
  34 +
  ADDRESS_BYTES +
  CHAIN_ID_BYTES +
  64 +
  4 +
  2 +
  MLKEM768_PUBLIC_KEY_BYTES +
  SIGNATURE_BYTES;

function encodeBody(b: BundleContent): Uint8Array {
  expectLength(b.identityKey, X25519_KEY_BYTES, 'identity key');
  expectLength(b.signedPrekey, X25519_KEY_BYTES, 'signed prekey');
  if (b.kemPublicKey !== null)
    expectLength(b.kemPublicKey, MLKEM768_PUBLIC_KEY_BYTES, 'ML-KEM public key');
  if (!isContractAddress(b.contract))
    throw new InvalidArgumentError('contract', 'expected a KT1 address');
  const pk = publicKeyToBytes(b.accountPublicKey);
  return new ByteWriter()
    .u8(BUNDLE_VERSION)
    .u8(pk.length)
    .bytes(pk)
    .bytes(addressToBytes(b.contract))
    .bytes(chainIdToBytes(b.chainId))
    .bytes(b.identityKey)
    .bytes(b.signedPrekey)
    .u32(b.prekeyEpoch)
    .vec16(b.kemPublicKey ?? new Uint8Array(0))
    .finish();
}

function signedMessage(body: Uint8Array): Uint8Array {
  return concatBytes(LABEL.bundleSignature, body);
}

/** Signs `content` with the account signer; the signer's key must be the bundle's account key. */
export async function signBundle(
  content: BundleContent,
  signer: AccountSigner,
): Promise<Uint8Array> {
  const signerKey = await signer.publicKey();
  if (signerKey !== content.accountPublicKey) {
    throw new BundleUnsupportedKeyError("the signer's key is not the bundle's account key");
  }
  const body = encodeBody(content);
  const { prefixSig } = await signer.sign(toHex(signedMessage(body)));
  return concatBytes(body, signatureToBytes(prefixSig));
}

/** Parses a bundle's encoding without verifying it. */
export function decodeBundle(bytes: Uint8Array): SignedBundle {
  if (!(bytes instanceof Uint8Array)) throw new MalformedError(WHAT, 'expected bytes');
  if (bytes.length > MAX_BUNDLE_BYTES)
    throw new MalformedError(WHAT, `longer than ${MAX_BUNDLE_BYTES} bytes`);
  const r = new ByteReader(bytes, WHAT);
  const version = r.u8('version');
  if (version !== BUNDLE_VERSION) throw new UnsupportedVersionError(WHAT, version);
  const pkLength = r.u8('account key length');
  const pkBytes = r.bytes(pkLength, 'account key');
  if (publicKeyLength(pkBytes[0] ?? 0xff) !== pkLength)
    throw new MalformedError(WHAT, 'unknown account key type');
  const accountPublicKey = publicKeyFromBytes(pkBytes, WHAT);
  const contract = addressFromBytes(r.bytes(ADDRESS_BYTES, 'contract'), WHAT);
  if (!isContractAddress(contract))
    throw new MalformedError(WHAT, 'the contract field is not a KT1 address');
  const chainId = chainIdFromBytes(r.bytes(CHAIN_ID_BYTES, 'chain id'));
  const identityKey = r.bytes(X25519_KEY_BYTES, 'identity key').slice();
  const signedPrekey = r.bytes(X25519_KEY_BYTES, 'signed prekey').slice();
  const prekeyEpoch = r.u32('prekey epoch');
  const kem = r.vec16(MLKEM768_PUBLIC_KEY_BYTES, 'KEM key');
  if (kem.length !== 0 && kem.length !== MLKEM768_PUBLIC_KEY_BYTES) {
    throw new MalformedError(WHAT, 'the KEM key must be empty or 1184 bytes');
  }
  const signature = r.bytes(SIGNATURE_BYTES, 'signature').slice();
  r.end();
  if (!isUsableX25519PublicKey(identityKey) || !isUsableX25519PublicKey(signedPrekey)) {
    throw new MalformedError(WHAT, 'an X25519 key is a low-order point');
  }
  return {
    accountPublicKey,
    contract,
    chainId,
    identityKey,
    signedPrekey,
    prekeyEpoch,
    kemPublicKey: kem.length === 0 ? null : kem.slice(),
    signature,
  };
}

/**
 * Parses and verifies a bundle found under `context.address`. Throws the
 * typed error of the first check that fails.
 */
export function verifyBundle(bytes: Uint8Array, context: BundleContext): VerifiedBundle {
  const b = decodeBundle(bytes);
  let derived: string;
  try {
    derived = addressOfPublicKey(b.accountPublicKey);
  } catch {
    throw new BundleAddressMismatchError(context.address);
  }
  if (derived !== context.address) throw new BundleAddressMismatchError(context.address);
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  if (!verifyAccountSignature(b.accountPublicKey, signedMessage(body), b.signature)) {
    throw new BundleBadSignatureError(context.address);
  }
  if (b.contract !== context.contract)
    throw new BundleWrongContractError(context.address, b.contract, context.contract);
  if (b.chainId !== context.chainId)
    throw new BundleWrongChainError(context.address, b.chainId, context.chainId);
  return { ...b, address: context.address } as VerifiedBundle;
}
