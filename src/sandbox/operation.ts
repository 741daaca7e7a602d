/**
 * Manager operations as the sandbox receives them: forged bytes (injection)
 * or JSON (simulate, preapply), decoded with Taquito's local forger (the
 * codec of protocol Ushuaia), and their signatures checked.
 *
 *   signed = forged_unsigned ‖ signature (64 bytes)
 *   signature over blake2b-256(0x03 ‖ forged_unsigned)   (0x03 = generic operation)
 */

import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { LocalForger } from '@taquito/local-forging';
import {
  b58DecodeAndCheckPrefix,
  b58Encode,
  buf2hex,
  hex2buf,
  PrefixV2,
  verifySignature,
} from '@taquito/utils';
import type { Expr } from '../michelson/index.js';
import { BadRequestError, NodeError, protoError } from './errors.js';
import { operationHash } from './hashes.js';

const forger = new LocalForger();
const WATERMARK = new Uint8Array([3]);
const SIGNATURE_BYTES = 64;

interface ManagerFields {
  readonly source: string;
  readonly fee: string;
  readonly counter: string;
  readonly gas_limit: string;
  readonly storage_limit: string;
}
export interface RevealContent extends ManagerFields {
  readonly kind: 'reveal';
  readonly public_key: string;
}
export interface TransactionContent extends ManagerFields {
  readonly kind: 'transaction';
  readonly amount: string;
  readonly destination: string;
  readonly parameters?: { readonly entrypoint: string; readonly value: Expr };
}
export interface OriginationContent extends ManagerFields {
  readonly kind: 'origination';
  readonly balance: string;
  readonly delegate?: string;
  readonly script: { readonly code: Expr[]; readonly storage: Expr };
}
export type ManagerContent = RevealContent | TransactionContent | OriginationContent;

/** A decoded operation: branch, contents, signature, and its hash. */
export interface Operation {
  readonly hash: string;
  readonly branch: string;
  readonly contents: readonly ManagerContent[];
  /** Base58 signature (`sig…`, or the one given in JSON). */
  readonly signature: string;
  /** Hex of the signed bytes (what is injected). */
  readonly bytes: string;
  /** Hex of the unsigned bytes. */
  readonly unsigned: string;
}

const SUPPORTED = new Set(['reveal', 'transaction', 'origination']);

function checkKinds(contents: readonly { kind: string }[]): readonly ManagerContent[] {
  if (contents.length === 0) throw new BadRequestError('Cannot decode the operation: no contents');
  for (const c of contents)
    if (!SUPPORTED.has(c.kind))
      throw new NodeError([
        protoError('permanent', 'operation.not_supported_by_sandbox', { kind: c.kind }),
      ]);
  return contents as readonly ManagerContent[];
}

/** Decode injected bytes (hex, signed). */
export async function decodeSigned(hex: string): Promise<Operation> {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length / 2 <= 32 + SIGNATURE_BYTES)
    throw new BadRequestError('Cannot decode the operation: not a signed operation in hex');
  const unsigned = hex.slice(0, -SIGNATURE_BYTES * 2).toLowerCase();
  const sig = hex2buf(hex.slice(-SIGNATURE_BYTES * 2));
  let parsed: { branch: string; contents: { kind: string }[] };
  try {
    parsed = (await forger.parse(unsigned)) as typeof parsed;
  } catch (e) {
    throw new BadRequestError(`Cannot decode the operation: ${(e as Error).message}`);
  }
  return {
    hash: operationHash(hex2buf(hex)),
    branch: parsed.branch,
    contents: checkKinds(parsed.contents),
    signature: b58Encode(sig, PrefixV2.GenericSignature),
    bytes: hex.toLowerCase(),
    unsigned,
  };
}

/** Encode a JSON operation (simulate, preapply) and hash it as if injected. */
export async function encodeJson(op: {
  branch: string;
  contents: { kind: string }[];
  signature?: string;
}): Promise<Operation> {
  const contents = checkKinds(op.contents);
  let unsigned: string;
  try {
    unsigned = await forger.forge({
      branch: op.branch,
      // biome-ignore lint/suspicious/noExplicitAny: the forger's content union is wider than ours
      contents: contents as any,
    });
  } catch (e) {
    throw new BadRequestError(`Cannot encode the operation: ${(e as Error).message}`);
  }
  const signature = op.signature ?? '';
  let sigHex = '00'.repeat(SIGNATURE_BYTES);
  try {
    if (signature) sigHex = buf2hex(signatureBytes(signature));
  } catch {
    // A stub or malformed signature (simulation): hash with zeros.
  }
  const bytes = unsigned + sigHex;
  return {
    hash: operationHash(hex2buf(bytes)),
    branch: op.branch,
    contents,
    signature,
    bytes,
    unsigned,
  };
}

function signatureBytes(sig: string): Uint8Array {
  // The last 64 bytes of any b58check signature encoding are the raw signature.
  const [raw] = b58DecodeAndCheckPrefix(sig);
  return raw.slice(-SIGNATURE_BYTES);
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the raw 32-byte key. */
const ED25519_SPKI_PREFIX = hex2buf('302a300506032b6570032100');

/**
 * Ed25519 through node:crypto (OpenSSL): the node checks a signature per
 * operation, and the pure-JS verifier costs about a millisecond each.
 */
function ed25519Valid(op: Operation, publicKey: string): boolean {
  const raw = b58DecodeAndCheckPrefix(publicKey, [PrefixV2.Ed25519PublicKey], true);
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  const digest = blake2b(Buffer.concat([WATERMARK, hex2buf(op.unsigned)]), { dkLen: 32 });
  return cryptoVerify(null, digest, key, signatureBytes(op.signature));
}

/** True when `op` is signed by the key `publicKey` (edpk/sppk/p2pk). */
export function signatureValid(op: Operation, publicKey: string): boolean {
  try {
    if (publicKey.startsWith('edpk')) return ed25519Valid(op, publicKey);
    return verifySignature(op.unsigned, publicKey, op.signature, WATERMARK);
  } catch {
    return false;
  }
}
