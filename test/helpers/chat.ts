/**
 * Helpers for scenario tests of the protocol core: one side of a conversation
 * that keeps its own state between calls, a Random that records what it
 * handed out, and small conversions.
 */

import type { Random } from '../../src/ports/random.js';
import { toHex, utf8 } from '../../src/protocol/bytes.js';
import {
  activeSessionId,
  type Conversation,
  createConversation,
  decryptEntry,
  encryptMessage,
  type VerifiedBundle,
} from '../../src/protocol/index.js';
import { CHAIN_ID, CONTRACT, type TestUser } from './fixtures.js';

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A conversation of `me` with `peer`, taking the peer's identity key from its current bundle. */
export function conversationWith(
  me: Pick<TestUser, 'address'>,
  peer: Pick<TestUser, 'address' | 'bundle'>,
  context: { contract?: string; chainId?: string } = {},
): Conversation {
  return createConversation({
    ourAddress: me.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: context.contract ?? CONTRACT,
    chainId: context.chainId ?? CHAIN_ID,
  });
}

export interface Sent {
  readonly entry: Uint8Array;
  readonly sessionId: string;
  readonly startedSession: boolean;
}

export type Received =
  | {
      readonly status: 'ok';
      readonly text: string;
      readonly sessionId: string;
      readonly started: boolean;
    }
  | { readonly status: 'not-mine' };

/**
 * One side of a conversation. `send` starts a session from the peer's current
 * bundle when none can send (or from `bundle` if given); `receive` commits the
 * new state only when the entry decrypts, exactly as a client would.
 */
export class Endpoint {
  conv: Conversation;

  constructor(
    readonly user: TestUser,
    readonly peer: TestUser,
    readonly random: Random,
  ) {
    this.conv = conversationWith(user, peer);
  }

  send(message: string, options: { bundle?: VerifiedBundle; postQuantum?: boolean } = {}): Sent {
    const out = encryptMessage(this.conv, utf8(message), {
      ours: this.user.keys,
      random: this.random,
      bundle: options.bundle ?? this.peer.bundle,
      ...(options.postQuantum === undefined ? {} : { postQuantum: options.postQuantum }),
    });
    this.conv = out.conversation;
    return {
      entry: out.entry,
      sessionId: toHex(out.sessionId),
      startedSession: out.startedSession,
    };
  }

  receive(entry: Uint8Array): Received {
    const out = decryptEntry(this.conv, entry, { ours: this.user.keys, random: this.random });
    if (out.status !== 'ok') return out;
    this.conv = out.conversation;
    return {
      status: 'ok',
      text: text(out.plaintext),
      sessionId: toHex(out.sessionId),
      started: out.startedSession,
    };
  }

  /** Receives an entry that must decrypt, and returns its text. */
  read(entry: Uint8Array): string {
    const out = this.receive(entry);
    if (out.status !== 'ok') throw new Error(`${this.user.name} could not read an entry: not mine`);
    return out.text;
  }

  /** Hex ids of the sessions, active first. */
  sessionIds(): string[] {
    return this.conv.sessions.map((s) => toHex(s.id));
  }

  /** Hex id of the session the next message goes on. */
  activeSessionId(): string | null {
    const id = activeSessionId(this.conv);
    return id ? toHex(id) : null;
  }
}

/** A Random that records every draw of `inner`, in order. */
export function recordingRandom(inner: Random): { random: Random; draws: Uint8Array[] } {
  const draws: Uint8Array[] = [];
  return {
    draws,
    random: (length: number) => {
      const out = inner(length);
      draws.push(out.slice());
      return out;
    },
  };
}

/** A Random that returns the given byte strings in order and throws when they run out or mismatch. */
export function replayRandom(...values: Uint8Array[]): Random {
  let i = 0;
  return (length: number) => {
    const v = values[i++];
    if (!v || v.length !== length)
      throw new Error(`replayRandom: unexpected draw ${i} of ${length} bytes`);
    return v.slice();
  };
}
