/**
 * Readable (base58check) and optimized (binary) forms of the Michelson
 * identifier types: address, key_hash, key, signature and chain_id.
 *
 * Binary layouts (Tezos `Contract_repr`, `Signature.Public_key(_hash)`):
 *
 *   key_hash   tag(1) ‖ hash(20)      tag 0 tz1, 1 tz2, 2 tz3, 3 tz4
 *   address    0x00 ‖ key_hash(21)                      implicit account
 *              0x01 ‖ hash(20) ‖ 0x00                   KT1 (originated)
 *              0x03 ‖ hash(20) ‖ 0x00                   sr1 (smart rollup)
 *              … followed by the entrypoint name in bytes (none for default)
 *   key        tag(1) ‖ key(32 | 33 | 33 | 48)          ed25519, secp256k1, p256, bls
 *   signature  64 raw bytes (ed25519, secp256k1, p256, generic) or 96 (bls)
 *   chain_id   4 bytes
 *
 * Base58check goes through @taquito/utils (`b58DecodeAndCheckPrefix`, `b58Encode`).
 */

import { b58DecodeAndCheckPrefix, b58Encode, PrefixV2 } from '@taquito/utils';
import { InvalidDataError } from './errors.js';

/** Longest entrypoint name (Tezos `Entrypoint_repr`). */
export const MAX_ENTRYPOINT_LENGTH = 31;

const PKH_PREFIXES = [
  PrefixV2.Ed25519PublicKeyHash,
  PrefixV2.Secp256k1PublicKeyHash,
  PrefixV2.P256PublicKeyHash,
  PrefixV2.BLS12_381PublicKeyHash,
] as const;

const KEY_PREFIXES = [
  PrefixV2.Ed25519PublicKey,
  PrefixV2.Secp256k1PublicKey,
  PrefixV2.P256PublicKey,
  PrefixV2.BLS12_381PublicKey,
] as const;
const KEY_LENGTHS = [32, 33, 33, 48] as const;

export type SignatureScheme = 'ed25519' | 'secp256k1' | 'p256' | 'bls' | 'generic';
const SIGNATURE_PREFIXES: Record<SignatureScheme, PrefixV2> = {
  ed25519: PrefixV2.Ed25519Signature,
  secp256k1: PrefixV2.Secp256k1Signature,
  p256: PrefixV2.P256Signature,
  bls: PrefixV2.BLS12_381Signature,
  generic: PrefixV2.GenericSignature,
};

function b58decode(s: string, allowed: readonly PrefixV2[], what: string): [Uint8Array, PrefixV2] {
  try {
    return b58DecodeAndCheckPrefix(s, allowed);
  } catch (e) {
    throw new InvalidDataError(`Cannot parse ${what} "${s}": ${(e as Error).message}`);
  }
}

// ---------- key_hash ----------

/** "tz1…" → 21 bytes. */
export function keyHashFromString(s: string): Uint8Array {
  const [payload, prefix] = b58decode(s, PKH_PREFIXES, 'key_hash');
  const out = new Uint8Array(21);
  out[0] = PKH_PREFIXES.indexOf(prefix as (typeof PKH_PREFIXES)[number]);
  out.set(payload, 1);
  return out;
}

export function keyHashFromBytes(b: Uint8Array): Uint8Array {
  if (b.length !== 21 || (b[0] as number) > 3)
    throw new InvalidDataError('Cannot parse key_hash bytes: expected a tag 0-3 and 20 bytes');
  return b;
}

export function keyHashToString(b: Uint8Array): string {
  const prefix = PKH_PREFIXES[b[0] as number];
  if (prefix === undefined) throw new InvalidDataError('Cannot encode key_hash: unknown tag');
  return b58Encode(b.subarray(1), prefix);
}

// ---------- address ----------

export interface AddressParts {
  /** The 22-byte contract (destination) encoding. */
  readonly contract: Uint8Array;
  /** Entrypoint name, '' for the default entrypoint. */
  readonly entrypoint: string;
}

function checkEntrypoint(ep: string, what: string): string {
  if (ep === 'default')
    throw new InvalidDataError(`Cannot parse ${what}: explicit %default entrypoint`);
  if (ep.length > MAX_ENTRYPOINT_LENGTH)
    throw new InvalidDataError(`Cannot parse ${what}: entrypoint longer than 31 bytes`);
  return ep;
}

/** "KT1…%ep" → parts. */
export function addressFromString(s: string): AddressParts {
  const pct = s.indexOf('%');
  const base = pct < 0 ? s : s.slice(0, pct);
  const ep = pct < 0 ? '' : s.slice(pct + 1);
  if (pct >= 0 && ep === '')
    throw new InvalidDataError(`Cannot parse address "${s}": empty entrypoint`);
  checkEntrypoint(ep, `address "${s}"`);
  const contract = new Uint8Array(22);
  if (base.startsWith('KT1') || base.startsWith('sr1')) {
    const kt = base.startsWith('KT1');
    const [payload] = b58decode(
      base,
      [kt ? PrefixV2.ContractHash : PrefixV2.SmartRollupHash],
      'address',
    );
    contract[0] = kt ? 1 : 3;
    contract.set(payload, 1);
  } else {
    contract[0] = 0;
    contract.set(keyHashFromString(base), 1);
  }
  return { contract, entrypoint: ep };
}

/** 22 bytes ‖ entrypoint bytes → parts. Entrypoint bytes are kept as Latin-1 chars. */
export function addressFromBytes(b: Uint8Array): AddressParts {
  if (b.length < 22) throw new InvalidDataError('Cannot parse address bytes: too short');
  const tag = b[0] as number;
  const ok = (tag === 0 && (b[1] as number) <= 3) || ((tag === 1 || tag === 3) && b[21] === 0);
  if (!ok) throw new InvalidDataError('Cannot parse address bytes: unknown contract tag');
  let ep = '';
  for (let i = 22; i < b.length; i++) ep += String.fromCharCode(b[i] as number);
  checkEntrypoint(ep, 'address bytes');
  return { contract: b.slice(0, 22), entrypoint: ep };
}

export function contractToString(contract: Uint8Array): string {
  switch (contract[0]) {
    case 0:
      return keyHashToString(contract.subarray(1, 22));
    case 1:
      return b58Encode(contract.subarray(1, 21), PrefixV2.ContractHash);
    case 3:
      return b58Encode(contract.subarray(1, 21), PrefixV2.SmartRollupHash);
    default:
      throw new InvalidDataError('Cannot encode address: unknown contract tag');
  }
}

export function addressToString(a: AddressParts): string {
  const base = contractToString(a.contract);
  return a.entrypoint === '' ? base : `${base}%${a.entrypoint}`;
}

export function addressToBytes(a: AddressParts): Uint8Array {
  const out = new Uint8Array(22 + a.entrypoint.length);
  out.set(a.contract, 0);
  for (let i = 0; i < a.entrypoint.length; i++) out[22 + i] = a.entrypoint.charCodeAt(i) & 0xff;
  return out;
}

// ---------- key ----------

/** "edpk…" → tag ‖ key bytes. */
export function keyFromString(s: string): Uint8Array {
  const [payload, prefix] = b58decode(s, KEY_PREFIXES, 'key');
  const tag = KEY_PREFIXES.indexOf(prefix as (typeof KEY_PREFIXES)[number]);
  const out = new Uint8Array(1 + payload.length);
  out[0] = tag;
  out.set(payload, 1);
  return out;
}

export function keyFromBytes(b: Uint8Array): Uint8Array {
  const tag = b[0];
  const len = tag === undefined ? undefined : KEY_LENGTHS[tag];
  if (len === undefined || b.length !== 1 + len)
    throw new InvalidDataError('Cannot parse key bytes: bad tag or length');
  return b;
}

export function keyToString(b: Uint8Array): string {
  const prefix = KEY_PREFIXES[b[0] as number];
  if (prefix === undefined) throw new InvalidDataError('Cannot encode key: unknown tag');
  return b58Encode(b.subarray(1), prefix);
}

// ---------- signature ----------

export interface SignatureParts {
  readonly bytes: Uint8Array;
  readonly scheme: SignatureScheme;
}

export function signatureFromString(s: string): SignatureParts {
  const schemes = Object.keys(SIGNATURE_PREFIXES) as SignatureScheme[];
  const [payload, prefix] = b58decode(s, Object.values(SIGNATURE_PREFIXES), 'signature');
  const scheme = schemes.find((k) => SIGNATURE_PREFIXES[k] === prefix) as SignatureScheme;
  return { bytes: payload, scheme };
}

export function signatureFromBytes(b: Uint8Array): SignatureParts {
  if (b.length === 64) return { bytes: b, scheme: 'generic' };
  if (b.length === 96) return { bytes: b, scheme: 'bls' };
  throw new InvalidDataError('Cannot parse signature bytes: expected 64 or 96 bytes');
}

export function signatureToString(sig: SignatureParts): string {
  return b58Encode(sig.bytes, SIGNATURE_PREFIXES[sig.scheme]);
}

// ---------- chain_id ----------

export function chainIdFromString(s: string): Uint8Array {
  return b58decode(s, [PrefixV2.ChainID], 'chain_id')[0];
}

export function chainIdFromBytes(b: Uint8Array): Uint8Array {
  if (b.length !== 4) throw new InvalidDataError('Cannot parse chain_id bytes: expected 4 bytes');
  return b;
}

export function chainIdToString(b: Uint8Array): string {
  return b58Encode(b, PrefixV2.ChainID);
}

// ---------- contract hashes ----------

/** KT1 address bytes (22) of a contract hash (20 bytes). */
export function originatedContract(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(22);
  out[0] = 1;
  out.set(hash.subarray(0, 20), 1);
  return out;
}
