/**
 * A conversation with one contact: the sessions shared with them, which one
 * sends, duplicate detection for initial messages, and the simultaneous-start
 * rule (BRIEF §2; docs/protocol.md "Sessions of a conversation").
 *
 * Rules:
 * - `sessions[0]` is the active session: new messages are sent on it, with
 *   one exception (the fourth rule). Every session is tried when receiving,
 *   so a message sent on any session still known is never lost.
 * - An initial message whose ephemeral key was already accepted is a
 *   duplicate (DuplicateMessageError): it never starts a second session.
 * - A new session started by the peer becomes active, except during a
 *   simultaneous start: if the active session was started by us and nothing
 *   has been received on it yet, both sides keep both sessions and the one
 *   started by the party whose address is smaller (22-byte binary encoding,
 *   compared byte by byte) is active on both sides.
 * - While our active session is unconfirmed and the next one was started by
 *   the peer, we send on the peer's session: the peer surely holds it, while
 *   it may never have read our initial message (a prekey gone past its
 *   grace). Once a message arrives on ours, we send on ours.
 * - At most MAX_SESSIONS_PER_CONVERSATION sessions are kept; the oldest
 *   inactive one is dropped first.
 *
 * Plaintexts are padded (padding.ts) before encryption and unpadded after.
 */

import type { Random } from '../ports/random.js';
import type { VerifiedBundle } from './bundle.js';
import { compareBytes, equalBytes } from './bytes.js';
import {
  DecryptionFailedError,
  DuplicateMessageError,
  InvalidArgumentError,
  MalformedError,
  NoSendingSessionError,
  ProtocolError,
} from './errors.js';
import type { IdentityKeys } from './identityKeys.js';
import {
  MAX_PLAINTEXT_BYTES,
  MAX_REMEMBERED_INITIALS,
  MAX_SESSIONS_PER_CONVERSATION,
} from './limits.js';
import { DEFAULT_PADDING, type PaddingPolicy, pad, unpad } from './padding.js';
import { canSend } from './ratchet/doubleRatchet.js';
import {
  acceptSession,
  matchInitial,
  type Session,
  sessionDecrypt,
  sessionEncrypt,
  startSession,
} from './session.js';
import { addressToBytes } from './tezosAccount.js';
import { decodeEntry, encodeEntry } from './wire/entry.js';

export interface Conversation {
  readonly ourAddress: string;
  readonly peerAddress: string;
  /** The peer's identity key, from its verified bundle. */
  readonly peerIdentityKey: Uint8Array;
  readonly contract: string;
  readonly chainId: string;
  /** sessions[0] is active (see `sendingIndex` for the one session we may send on instead). */
  readonly sessions: readonly Session[];
  /** Ephemeral keys of accepted initial messages, oldest first. */
  readonly seenInitials: readonly Uint8Array[];
}

export function createConversation(params: {
  ourAddress: string;
  peerAddress: string;
  peerIdentityKey: Uint8Array;
  contract: string;
  chainId: string;
}): Conversation {
  addressToBytes(params.ourAddress);
  addressToBytes(params.peerAddress);
  if (params.peerIdentityKey.length !== 32)
    throw new InvalidArgumentError('peer identity key', 'expected 32 bytes');
  return { ...params, sessions: [], seenInitials: [] };
}

export interface EncryptOptions {
  readonly ours: IdentityKeys;
  readonly random: Random;
  /** The peer's verified bundle; needed only when no session can send yet. */
  readonly bundle?: VerifiedBundle;
  /** Use the ML-KEM part when the bundle has one (default true). */
  readonly postQuantum?: boolean;
  readonly padding?: PaddingPolicy;
}

export interface Encrypted {
  readonly conversation: Conversation;
  readonly entry: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly startedSession: boolean;
}

/** Encrypts `plaintext` for the peer: on the active session, or by starting one from `bundle`. */
export function encryptMessage(
  conv: Conversation,
  plaintext: Uint8Array,
  options: EncryptOptions,
): Encrypted {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new InvalidArgumentError('plaintext', `longer than ${MAX_PLAINTEXT_BYTES} bytes`);
  }
  const padded = pad(plaintext, options.padding ?? DEFAULT_PADDING);
  const index = sendingIndex(conv);
  const active = conv.sessions[index];
  if (active && canSend(active.ratchet)) {
    const sent = sessionEncrypt(active, padded);
    const sessions = conv.sessions.slice();
    sessions[index] = sent.session;
    return {
      conversation: { ...conv, sessions },
      entry: encodeEntry(sent.entry),
      sessionId: active.id,
      startedSession: false,
    };
  }
  const bundle = options.bundle;
  if (!bundle) throw new NoSendingSessionError();
  if (
    bundle.address !== conv.peerAddress ||
    !equalBytes(bundle.identityKey, conv.peerIdentityKey)
  ) {
    throw new InvalidArgumentError(
      'bundle',
      "it is not the peer's current bundle for this conversation",
    );
  }
  if (bundle.contract !== conv.contract || bundle.chainId !== conv.chainId) {
    throw new InvalidArgumentError('bundle', 'it belongs to another contract or chain');
  }
  const started = startSession({
    ourIdentity: options.ours.identity,
    ourAddress: conv.ourAddress,
    bundle,
    postQuantum: options.postQuantum ?? true,
    plaintext: padded,
    random: options.random,
  });
  return {
    conversation: { ...conv, sessions: limitSessions([started.session, ...conv.sessions]) },
    entry: encodeEntry(started.entry),
    sessionId: started.session.id,
    startedSession: true,
  };
}

export type DecryptResult =
  | {
      readonly status: 'ok';
      readonly conversation: Conversation;
      readonly plaintext: Uint8Array;
      readonly sessionId: Uint8Array;
      readonly startedSession: boolean;
    }
  | { readonly status: 'not-mine' };

const NOT_MINE: DecryptResult = { status: 'not-mine' };

/**
 * Tries an entry of the peer's postal box. Returns `not-mine` when no key of
 * this conversation recognises it: entries addressed to someone else, and
 * copies of old messages whose chain keys are gone (symmetric work only).
 * Throws MalformedError, DuplicateMessageError, TooManySkippedError or
 * DecryptionFailedError for entries that are for us but cannot be accepted.
 * `conv` is never modified.
 */
export function decryptEntry(
  conv: Conversation,
  bytes: Uint8Array,
  options: { readonly ours: IdentityKeys; readonly random: Random },
): DecryptResult {
  const entry = decodeEntry(bytes);
  if (entry.kind === 'message') {
    for (let i = 0; i < conv.sessions.length; i++) {
      const session = conv.sessions[i]!;
      const opened = sessionDecrypt(session, entry, options.random);
      if (!opened) continue;
      const sessions = conv.sessions.slice();
      sessions[i] = opened.session;
      return ok({ ...conv, sessions }, opened.plaintext, session.id, false);
    }
    return NOT_MINE;
  }

  const prekey = matchInitial(entry, options.ours, conv.peerIdentityKey);
  if (!prekey) return NOT_MINE;
  const id = entry.ephemeralPublic;
  if (
    conv.seenInitials.some((k) => equalBytes(k, id)) ||
    conv.sessions.some((s) => equalBytes(s.id, id))
  ) {
    throw new DuplicateMessageError();
  }
  let accepted: ReturnType<typeof acceptSession>;
  try {
    accepted = acceptSession({
      entry,
      ours: options.ours,
      prekey,
      theirIdentityKey: conv.peerIdentityKey,
      context: {
        initiatorAddress: conv.peerAddress,
        responderAddress: conv.ourAddress,
        contract: conv.contract,
        chainId: conv.chainId,
      },
      random: options.random,
    });
  } catch (e) {
    // Once the initial tag matched, every failure to open is reported alike (docs §3).
    if (e instanceof ProtocolError && e.code === 'DUPLICATE_MESSAGE') throw e;
    throw new DecryptionFailedError();
  }
  const seenInitials = conv.seenInitials.concat([id]).slice(-MAX_REMEMBERED_INITIALS);
  const sessions = limitSessions(placeNewSession(conv, accepted.session));
  return ok({ ...conv, sessions, seenInitials }, accepted.plaintext, id, true);
}

function ok(
  conversation: Conversation,
  padded: Uint8Array,
  sessionId: Uint8Array,
  started: boolean,
): DecryptResult {
  let plaintext: Uint8Array;
  try {
    plaintext = unpad(padded);
  } catch (e) {
    if (e instanceof MalformedError) throw new DecryptionFailedError();
    throw e;
  }
  return { status: 'ok', conversation, plaintext, sessionId, startedSession: started };
}

/** The simultaneous-start rule: where a session started by the peer goes in the list. */
function placeNewSession(conv: Conversation, incoming: Session): Session[] {
  const active = conv.sessions[0];
  if (active?.initiatedByUs && !active.confirmed) {
    const weAreSmaller =
      compareBytes(addressToBytes(conv.ourAddress), addressToBytes(conv.peerAddress)) < 0;
    if (weAreSmaller) return [active, incoming, ...conv.sessions.slice(1)];
  }
  return [incoming, ...conv.sessions];
}

function limitSessions(sessions: Session[]): Session[] {
  return sessions.length > MAX_SESSIONS_PER_CONVERSATION
    ? sessions.slice(0, MAX_SESSIONS_PER_CONVERSATION)
    : sessions;
}

/**
 * The session new messages are sent on: the active one, except while the
 * active one is ours and unconfirmed and the next was started by the peer.
 * Then the peer's: the peer may never have read our initial message (it was
 * made with a prekey the peer no longer holds), and a session we may not
 * share would leave everything we send unread. A message received on ours
 * confirms it, and from then on we send on ours (docs/protocol.md §6 rule 4).
 */
function sendingIndex(conv: Conversation): number {
  const [active, next] = conv.sessions;
  return active?.initiatedByUs && !active.confirmed && next && !next.initiatedByUs ? 1 : 0;
}

/** The id of the session new messages are sent on, or null before any session exists. */
export function activeSessionId(conv: Conversation): Uint8Array | null {
  return conv.sessions[sendingIndex(conv)]?.id ?? null;
}
