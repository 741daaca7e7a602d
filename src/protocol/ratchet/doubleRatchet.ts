/**
 * The Double Ratchet with header encryption (Double Ratchet spec §4:
 * RatchetInitAliceHE, RatchetInitBobHE, RatchetEncryptHE, RatchetDecryptHE,
 * DHRatchetHE, SkipMessageKeysHE).
 *
 * Pure: randomness comes in as an argument (32 bytes for each new ratchet key
 * pair), state comes in and a new state goes out. Decryption computes on
 * copies and returns the new state only after the body authenticates; on any
 * failure the caller still holds the old state, untouched.
 *
 * Message body: ChaCha20-Poly1305 under the message key with an all-zero
 * nonce (each message key encrypts exactly one message), associated data =
 * session AD ‖ header plaintext. Header: 32-byte ratchet public key ‖ PN (u32)
 * ‖ N (u32), sealed with headerCipher.ts.
 */

import type { Random } from '../../ports/random.js';
import { ByteReader, ByteWriter, concatBytes, equalBytes } from '../bytes.js';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadOpen, aeadSeal } from '../crypto/aead.js';
import { x25519, x25519KeyPair } from '../crypto/x25519.js';
import {
  DecryptionFailedError,
  DuplicateMessageError,
  InvalidArgumentError,
  TooManySkippedError,
} from '../errors.js';
import { MAX_CHAIN_LENGTH, MAX_SKIP } from '../limits.js';
import { HEADER_BYTES, headerBlocks, openHeader, sealHeader } from './headerCipher.js';
import { kdfChain, kdfRoot } from './kdf.js';
import { addSkipped, findSkipped, removeSkipped } from './skippedKeys.js';
import type { RatchetState, ReceivingChain, SkippedKey } from './state.js';

const ZERO_NONCE = new Uint8Array(AEAD_NONCE_BYTES);

/** The three encrypted parts of a ratchet message, as they go on the wire. */
export interface SealedMessage {
  readonly detectionTag: Uint8Array;
  readonly headerCiphertext: Uint8Array;
  /** Body ciphertext ‖ 16-byte Poly1305 tag. */
  readonly body: Uint8Array;
}

interface Header {
  readonly ratchetKey: Uint8Array;
  readonly previousLength: number;
  readonly index: number;
}

function encodeHeader(h: Header): Uint8Array {
  return new ByteWriter().bytes(h.ratchetKey).u32(h.previousLength).u32(h.index).finish();
}

function decodeHeader(bytes: Uint8Array): Header {
  const r = new ByteReader(bytes, 'message header');
  const header = {
    ratchetKey: r.bytes(32, 'ratchet key').slice(),
    previousLength: r.u32(),
    index: r.u32(),
  };
  r.end();
  return header;
}

export interface InitiatorInit {
  readonly sharedSecret: Uint8Array;
  /** The responder's signed prekey, which is its first ratchet key. */
  readonly theirRatchetKey: Uint8Array;
  readonly sharedHeaderKey: Uint8Array;
  readonly sharedNextHeaderKey: Uint8Array;
  readonly random: Random;
}

/** RatchetInitAliceHE. */
export function initAsInitiator(init: InitiatorInit): RatchetState {
  const ourRatchet = x25519KeyPair(init.random(32));
  const step = kdfRoot(init.sharedSecret, x25519(ourRatchet.privateKey, init.theirRatchetKey));
  return {
    rootKey: step.rootKey,
    ourRatchet,
    sending: { chainKey: step.chainKey, headerKey: init.sharedHeaderKey, index: 0 },
    receiving: null,
    previousSendingLength: 0,
    nextSendingHeaderKey: step.nextHeaderKey,
    nextReceivingHeaderKey: init.sharedNextHeaderKey,
    skipped: [],
  };
}

export interface ResponderInit {
  readonly sharedSecret: Uint8Array;
  /** Our signed prekey pair, which is our first ratchet key pair. */
  readonly ourRatchet: { publicKey: Uint8Array; privateKey: Uint8Array };
  readonly sharedHeaderKey: Uint8Array;
  readonly sharedNextHeaderKey: Uint8Array;
}

/** RatchetInitBobHE. */
export function initAsResponder(init: ResponderInit): RatchetState {
  return {
    rootKey: init.sharedSecret,
    ourRatchet: init.ourRatchet,
    sending: null,
    receiving: null,
    previousSendingLength: 0,
    nextSendingHeaderKey: init.sharedNextHeaderKey,
    nextReceivingHeaderKey: init.sharedHeaderKey,
    skipped: [],
  };
}

/** True when this side holds a sending chain (a responder gets one with its first received message). */
export function canSend(state: RatchetState): boolean {
  return state.sending !== null;
}

/** RatchetEncryptHE. */
export function ratchetEncrypt(
  state: RatchetState,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { state: RatchetState; message: SealedMessage } {
  const sending = state.sending;
  if (!sending)
    throw new InvalidArgumentError('session', 'it cannot send before it has received a message');
  if (sending.index >= MAX_CHAIN_LENGTH)
    throw new InvalidArgumentError('session', 'the sending chain is exhausted');
  const { chainKey, messageKey } = kdfChain(sending.chainKey);
  const header = encodeHeader({
    ratchetKey: state.ourRatchet.publicKey,
    previousLength: state.previousSendingLength,
    index: sending.index,
  });
  const body = aeadSeal(messageKey, ZERO_NONCE, plaintext, concatBytes(associatedData, header));
  const sealed = sealHeader(sending.headerKey, header, body.subarray(body.length - AEAD_TAG_BYTES));
  return {
    state: { ...state, sending: { ...sending, chainKey, index: sending.index + 1 } },
    message: { detectionTag: sealed.detectionTag, headerCiphertext: sealed.ciphertext, body },
  };
}

export type RatchetDecryptResult =
  | { readonly status: 'ok'; readonly state: RatchetState; readonly plaintext: Uint8Array }
  | { readonly status: 'not-mine' };

const NOT_MINE: RatchetDecryptResult = { status: 'not-mine' };

/** Derives message keys of `chain` from its index up to (not including) `until`. */
function skipKeys(
  chain: ReceivingChain,
  until: number,
): { chain: ReceivingChain; keys: SkippedKey[] } {
  const keys: SkippedKey[] = [];
  let chainKey = chain.chainKey;
  for (let i = chain.index; i < until; i++) {
    const step = kdfChain(chainKey);
    keys.push({ index: i, messageKey: step.messageKey });
    chainKey = step.chainKey;
  }
  return { chain: { ...chain, chainKey, index: Math.max(chain.index, until) }, keys };
}

function openBody(
  messageKey: Uint8Array,
  message: SealedMessage,
  header: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const plaintext = aeadOpen(
    messageKey,
    ZERO_NONCE,
    message.body,
    concatBytes(associatedData, header),
  );
  if (!plaintext) throw new DecryptionFailedError();
  return plaintext;
}

/**
 * RatchetDecryptHE. Returns `not-mine` when no header key of this session
 * matches (the entry belongs to another conversation); throws
 * DuplicateMessageError, TooManySkippedError or DecryptionFailedError when a
 * key matched but the message cannot be accepted. The returned state is the
 * only change: `state` itself is never modified.
 */
export function ratchetDecrypt(
  state: RatchetState,
  message: SealedMessage,
  associatedData: Uint8Array,
  random: Random,
): RatchetDecryptResult {
  if (message.headerCiphertext.length !== HEADER_BYTES || message.body.length < AEAD_TAG_BYTES)
    return NOT_MINE;
  const blocks = headerBlocks(message.body.subarray(message.body.length - AEAD_TAG_BYTES));
  const { detectionTag, headerCiphertext } = message;

  // 1. The current receiving chain (the common case: the next message in order).
  const receiving = state.receiving;
  if (receiving) {
    const headerBytes = openHeader(receiving.headerKey, blocks, detectionTag, headerCiphertext);
    if (headerBytes) {
      const header = decodeHeader(headerBytes);
      if (header.index < receiving.index) {
        return fromSkipped(
          state,
          receiving.headerKey,
          header.index,
          message,
          headerBytes,
          associatedData,
        );
      }
      const gap = header.index - receiving.index;
      if (gap > MAX_SKIP) throw new TooManySkippedError(gap, MAX_SKIP);
      const skipped = skipKeys(receiving, header.index);
      const step = kdfChain(skipped.chain.chainKey);
      const plaintext = openBody(step.messageKey, message, headerBytes, associatedData);
      return {
        status: 'ok',
        plaintext,
        state: {
          ...state,
          receiving: { ...skipped.chain, chainKey: step.chainKey, index: header.index + 1 },
          skipped: addSkipped(state.skipped, receiving.headerKey, skipped.keys),
        },
      };
    }
  }

  // 2. The next receiving header key: the peer has performed a DH ratchet step.
  const nextHeader = openHeader(
    state.nextReceivingHeaderKey,
    blocks,
    detectionTag,
    headerCiphertext,
  );
  if (nextHeader)
    return afterRatchetStep(
      state,
      decodeHeader(nextHeader),
      nextHeader,
      message,
      associatedData,
      random,
    );

  // 3. Chains of which skipped message keys are kept (older chains, late messages).
  for (let i = state.skipped.length - 1; i >= 0; i--) {
    const chain = state.skipped[i]!;
    const headerBytes = openHeader(chain.headerKey, blocks, detectionTag, headerCiphertext);
    if (headerBytes) {
      const header = decodeHeader(headerBytes);
      return fromSkipped(
        state,
        chain.headerKey,
        header.index,
        message,
        headerBytes,
        associatedData,
      );
    }
  }
  return NOT_MINE;
}

function fromSkipped(
  state: RatchetState,
  headerKey: Uint8Array,
  index: number,
  message: SealedMessage,
  headerBytes: Uint8Array,
  associatedData: Uint8Array,
): RatchetDecryptResult {
  const chain = state.skipped.find((c) => equalBytes(c.headerKey, headerKey));
  const key = chain && findSkipped(chain, index);
  if (!key) throw new DuplicateMessageError();
  const plaintext = openBody(key.messageKey, message, headerBytes, associatedData);
  return {
    status: 'ok',
    plaintext,
    state: { ...state, skipped: removeSkipped(state.skipped, headerKey, index) },
  };
}

/** DHRatchetHE followed by the decryption of the message that triggered it. */
function afterRatchetStep(
  state: RatchetState,
  header: Header,
  headerBytes: Uint8Array,
  message: SealedMessage,
  associatedData: Uint8Array,
  random: Random,
): RatchetDecryptResult {
  const old = state.receiving;
  const oldGap = old ? Math.max(0, header.previousLength - old.index) : 0;
  if (oldGap + header.index > MAX_SKIP)
    throw new TooManySkippedError(oldGap + header.index, MAX_SKIP);

  // Keep the keys of the old chain's messages we have not seen yet.
  let skipped = state.skipped;
  if (old) {
    const rest = skipKeys(old, header.previousLength);
    skipped = addSkipped(skipped, old.headerKey, rest.keys);
  }
  // Receiving half of the DH ratchet step (a low-order ratchet key is a forgery).
  let dhOutput: Uint8Array;
  try {
    dhOutput = x25519(state.ourRatchet.privateKey, header.ratchetKey);
  } catch {
    throw new DecryptionFailedError();
  }
  const receiveStep = kdfRoot(state.rootKey, dhOutput);
  const newReceiving: ReceivingChain = {
    ratchetKey: header.ratchetKey,
    chainKey: receiveStep.chainKey,
    headerKey: state.nextReceivingHeaderKey,
    index: 0,
  };
  const inChain = skipKeys(newReceiving, header.index);
  const step = kdfChain(inChain.chain.chainKey);
  const plaintext = openBody(step.messageKey, message, headerBytes, associatedData);

  // Authenticated: complete the sending half of the step and commit.
  const ourRatchet = x25519KeyPair(random(32));
  const sendStep = kdfRoot(receiveStep.rootKey, x25519(ourRatchet.privateKey, header.ratchetKey));
  return {
    status: 'ok',
    plaintext,
    state: {
      rootKey: sendStep.rootKey,
      ourRatchet,
      sending: { chainKey: sendStep.chainKey, headerKey: state.nextSendingHeaderKey, index: 0 },
      receiving: { ...inChain.chain, chainKey: step.chainKey, index: header.index + 1 },
      previousSendingLength: state.sending?.index ?? 0,
      nextSendingHeaderKey: sendStep.nextHeaderKey,
      nextReceivingHeaderKey: receiveStep.nextHeaderKey,
      skipped: addSkipped(skipped, state.nextReceivingHeaderKey, inChain.keys),
    },
  };
}
