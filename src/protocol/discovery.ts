/**
 * Sealed discovery requests (seed "postal boxes and discovery requests",
 * BRIEF §2): how Alice reaches Bob, who does not know her yet.
 *
 * Wire format (kind 0x14), always exactly 401 bytes:
 *
 *   0      1                33                               385        401
 *   +------+----------------+--------------------------------+----------+
 *   | 0x14 | EPH (32)       | sealed payload                 | tag (16) |
 *   +------+----------------+--------------------------------+----------+
 *
 *   K    = HKDF-SHA256(salt = EPH ‖ IK_B, ikm = DH(EPH, IK_B),
 *                      info = "Mizu_RequestSeal_v1" ‖ contract ‖ chain id, 32)
 *   sealed payload ‖ tag = ChaCha20-Poly1305(K, nonce = 0×12, padded payload,
 *                                            ad = bytes[0..33))
 *
 * Payload, padded (padding.ts, `fixed`) to exactly 352 bytes whatever the note:
 *
 *   0        22              30            62          64
 *   +--------+---------------+-------------+-----------+-----------+
 *   | addr_A | postal index  | proof (32)  | note len  | note      |
 *   | (22)   | (u64)         |             | (u16)     | (≤ 280)   |
 *   +--------+---------------+-------------+-----------+-----------+
 *
 *   K_proof = HKDF-SHA256(salt = 0×32, ikm = DH(IK_A, IK_B),
 *                         info = "Mizu_RequestProofKey_v1", 32)
 *   proof   = HMAC-SHA256(K_proof, "Mizu_RequestProof_v1" ‖ EPH ‖ addr_A ‖
 *                         addr_B ‖ contract ‖ chain id ‖ postal index)
 *
 * Security notes: EPH is fresh for every request, so K is single-use and the
 * zero nonce is safe. The proof is deniable (Bob could compute it himself),
 * yet only the holder of IK_A or IK_B can make it, so a request cannot claim
 * to come from Alice unless Alice made it. Opening checks the AEAD; proving
 * the sender needs the sender's verified bundle (`verifyRequestSender`). A
 * copied request has the same EPH, which the reader uses to ignore duplicates.
 */

import type { Random } from '../ports/random.js';
import type { VerifiedBundle } from './bundle.js';
import { ByteReader, ByteWriter, concatBytes, decodeUtf8, equalBytes, utf8 } from './bytes.js';
import { AEAD_TAG_BYTES, aeadOpen, aeadSeal } from './crypto/aead.js';
import { hkdfSha256, hmacSha256 } from './crypto/hash.js';
import { type X25519KeyPair, x25519, x25519KeyPair } from './crypto/x25519.js';
import {
  DecryptionFailedError,
  InvalidArgumentError,
  MalformedError,
  RequestBadProofError,
  UnsupportedVersionError,
} from './errors.js';
import { LABEL, WIRE } from './labels.js';
import { MAX_REQUEST_NOTE_BYTES } from './limits.js';
import { type PaddingPolicy, pad, unpad } from './padding.js';
import {
  ADDRESS_BYTES,
  addressFromBytes,
  addressToBytes,
  chainIdToBytes,
  isImplicitAddress,
} from './tezosAccount.js';

const WHAT = 'discovery request';
const ZERO_NONCE = new Uint8Array(12);
const ZERO_SALT = new Uint8Array(32);
/** Longest request accepted by the parser. */
/** Every payload is padded to this length, so that requests do not reveal their note's length. */
export const REQUEST_PAYLOAD_BYTES = 352;
const REQUEST_PADDING: PaddingPolicy = { kind: 'fixed', length: REQUEST_PAYLOAD_BYTES };
/** The length of every version-1 discovery request. */
export const REQUEST_BYTES = 33 + REQUEST_PAYLOAD_BYTES + AEAD_TAG_BYTES;

export interface RequestContext {
  readonly contract: string;
  readonly chainId: string;
}

export interface OpenedRequest {
  /** The request's ephemeral key: public; a copy of a request has the same one. */
  readonly id: Uint8Array;
  readonly senderAddress: string;
  /** Index in the sender's postal box where their first message to us sits. */
  readonly postalIndex: bigint;
  readonly note: string;
  readonly proof: Uint8Array;
}

function sealKey(
  dh: Uint8Array,
  eph: Uint8Array,
  recipientIdentity: Uint8Array,
  ctx: RequestContext,
): Uint8Array {
  const info = concatBytes(
    LABEL.requestSeal,
    addressToBytes(ctx.contract),
    chainIdToBytes(ctx.chainId),
  );
  return hkdfSha256(dh, concatBytes(eph, recipientIdentity), info, 32);
}

function proofFor(
  staticDh: Uint8Array,
  eph: Uint8Array,
  senderAddress: string,
  recipientAddress: string,
  ctx: RequestContext,
  postalIndex: bigint,
): Uint8Array {
  const key = hkdfSha256(staticDh, ZERO_SALT, LABEL.requestProofKey, 32);
  const index = new ByteWriter().u64(postalIndex).finish();
  return hmacSha256(
    key,
    LABEL.requestProof,
    eph,
    addressToBytes(senderAddress),
    addressToBytes(recipientAddress),
    addressToBytes(ctx.contract),
    chainIdToBytes(ctx.chainId),
    index,
  );
}

/** Alice seals a request to the owner of `recipient` (a verified bundle). */
export function sealRequest(params: {
  readonly ourIdentity: X25519KeyPair;
  readonly ourAddress: string;
  readonly recipient: VerifiedBundle;
  readonly postalIndex: bigint;
  readonly note?: string;
  readonly random: Random;
}): Uint8Array {
  const note = utf8(params.note ?? '');
  if (note.length > MAX_REQUEST_NOTE_BYTES) {
    throw new InvalidArgumentError('note', `longer than ${MAX_REQUEST_NOTE_BYTES} bytes`);
  }
  const ctx = { contract: params.recipient.contract, chainId: params.recipient.chainId };
  const eph = x25519KeyPair(params.random(32));
  const staticDh = x25519(params.ourIdentity.privateKey, params.recipient.identityKey);
  const proof = proofFor(
    staticDh,
    eph.publicKey,
    params.ourAddress,
    params.recipient.address,
    ctx,
    params.postalIndex,
  );
  const payload = new ByteWriter()
    .bytes(addressToBytes(params.ourAddress))
    .u64(params.postalIndex)
    .bytes(proof)
    .vec16(note)
    .finish();
  const head = concatBytes(Uint8Array.of(WIRE.request), eph.publicKey);
  const key = sealKey(
    x25519(eph.privateKey, params.recipient.identityKey),
    eph.publicKey,
    params.recipient.identityKey,
    ctx,
  );
  return concatBytes(head, aeadSeal(key, ZERO_NONCE, pad(payload, REQUEST_PADDING), head));
}

/**
 * Bob opens a request from his request box. Throws MalformedError /
 * UnsupportedVersionError for junk and DecryptionFailedError for a request
 * not sealed to his identity key. The sender is not yet proven.
 */
export function openRequest(
  bytes: Uint8Array,
  ours: { readonly identity: X25519KeyPair },
  ctx: RequestContext,
): OpenedRequest {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new MalformedError(WHAT, 'empty');
  if (bytes[0] !== WIRE.request) {
    if (bytes[0]! >> 4 !== 1) throw new UnsupportedVersionError(WHAT, bytes[0]!);
    throw new MalformedError(WHAT, 'not a discovery request (wrong kind byte)');
  }
  if (bytes.length !== REQUEST_BYTES) {
    throw new MalformedError(WHAT, `a request is ${REQUEST_BYTES} bytes, not ${bytes.length}`);
  }
  const head = bytes.subarray(0, 33);
  const eph = bytes.slice(1, 33);
  let dh: Uint8Array;
  try {
    dh = x25519(ours.identity.privateKey, eph);
  } catch {
    throw new DecryptionFailedError();
  }
  const key = sealKey(dh, eph, ours.identity.publicKey, ctx);
  const padded = aeadOpen(key, ZERO_NONCE, bytes.subarray(33), head);
  if (!padded) throw new DecryptionFailedError();
  const r = new ByteReader(unpad(padded), WHAT);
  const senderAddress = addressFromBytes(r.bytes(ADDRESS_BYTES, 'sender address'), WHAT);
  if (!isImplicitAddress(senderAddress))
    throw new MalformedError(WHAT, 'the sender is not an implicit account');
  const postalIndex = r.u64('postal index');
  const proof = r.bytes(32, 'proof').slice();
  const note = decodeUtf8(r.vec16(MAX_REQUEST_NOTE_BYTES, 'note'), WHAT);
  r.end();
  return { id: eph, senderAddress, postalIndex, note, proof };
}

/** Checks the request's proof against the sender's verified bundle; throws RequestBadProofError. */
export function verifyRequestSender(
  request: OpenedRequest,
  senderBundle: VerifiedBundle,
  ours: { readonly identity: X25519KeyPair; readonly address: string },
): void {
  if (senderBundle.address !== request.senderAddress)
    throw new RequestBadProofError(request.senderAddress);
  const staticDh = x25519(ours.identity.privateKey, senderBundle.identityKey);
  const ctx = { contract: senderBundle.contract, chainId: senderBundle.chainId };
  const expected = proofFor(
    staticDh,
    request.id,
    request.senderAddress,
    ours.address,
    ctx,
    request.postalIndex,
  );
  if (!equalBytes(expected, request.proof)) throw new RequestBadProofError(request.senderAddress);
}
