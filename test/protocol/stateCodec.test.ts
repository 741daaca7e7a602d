/**
 * Conversation state codec (docs/protocol.md §10): round trips of real states
 * (fresh, mid-conversation with skipped keys, several sessions) that keep
 * working after decoding, and refusal of bad versions, truncations and
 * counts over the limits of limits.ts.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toHex } from '../../src/protocol/bytes.js';
import {
  type Conversation,
  DuplicateMessageError,
  decodeConversation,
  encodeConversation,
  MAX_REMEMBERED_INITIALS,
  MAX_SESSIONS_PER_CONVERSATION,
  MAX_SKIPPED_CHAINS,
  MAX_SKIPPED_KEYS,
  MAX_STATE_BYTES,
  MalformedError,
  UnsupportedVersionError,
} from '../../src/protocol/index.js';
import { countSkipped } from '../../src/protocol/ratchet/state.js';
import { conversationWith, Endpoint } from '../helpers/chat.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../helpers/fixtures.js';

const roundTrip = (c: Conversation) => decodeConversation(encodeConversation(c));

/** Offsets in an encoded state (docs §10) used to corrupt single fields. */
const AT = {
  version: 0,
  sessionCount: 1 + 22 + 22 + 32 + 22 + 4, // 103
  firstSessionFlags: 104 + 32, // 136
  firstSendingFlag: 137 + 32 + 32 + 32 + 32, // 265
};

describe('conversation state codec', () => {
  const random = seededRandom('stateCodec.test');
  let alice: TestUser;
  let bob: TestUser;
  /** Bob's state in the middle of a conversation with skipped keys in several chains. */
  let mid: Endpoint;
  let midAlice: Endpoint;
  /** Entries Bob has not read yet, with their texts. */
  let unread: { entry: Uint8Array; text: string }[];
  let multi: Endpoint;
  let multiPeer: Endpoint;

  before(async () => {
    alice = await makeUser('alice', testSecretKey('state/alice'), random);
    bob = await makeUser('bob', testSecretKey('state/bob'), random);

    // Mid-conversation: Bob reads out of order across two of Alice's chains.
    midAlice = new Endpoint(alice, bob, seededRandom('state/mid/a'));
    mid = new Endpoint(bob, alice, seededRandom('state/mid/b'));
    unread = [];
    const chain1 = Array.from({ length: 8 }, (_, i) => ({
      text: `c1-${i}`,
      entry: midAlice.send(`c1-${i}`).entry,
    }));
    mid.read(chain1[0]!.entry);
    mid.read(chain1[5]!.entry); // skips 1…4
    unread.push(chain1[1]!, chain1[2]!, chain1[3]!, chain1[4]!, chain1[6]!, chain1[7]!);
    midAlice.read(mid.send('reply').entry);
    const chain2 = Array.from({ length: 6 }, (_, i) => ({
      text: `c2-${i}`,
      entry: midAlice.send(`c2-${i}`).entry,
    }));
    mid.read(chain2[4]!.entry); // keeps 6…7 of chain 1 and 0…3 of chain 2
    unread.push(chain2[0]!, chain2[1]!, chain2[2]!, chain2[3]!, chain2[5]!);

    // Several sessions: a simultaneous start, then the peer starts over.
    multi = new Endpoint(alice, bob, seededRandom('state/multi/a'));
    multiPeer = new Endpoint(bob, alice, seededRandom('state/multi/b'));
    const fromA = multi.send('a1');
    const fromB = multiPeer.send('b1');
    multi.read(fromB.entry);
    multiPeer.read(fromA.entry);
    multi.read(multiPeer.send('b2').entry);
    const restarted = new Endpoint(bob, alice, seededRandom('state/multi/b2'));
    multi.read(restarted.send('b3 after re-install').entry);
  });

  describe('round trips', () => {
    test('a fresh conversation', () => {
      const fresh = conversationWith(alice, bob);
      const bytes = encodeConversation(fresh);
      assert.equal(bytes.length, 1 + 22 + 22 + 32 + 22 + 4 + 1 + 1);
      assert.deepEqual(decodeConversation(bytes), fresh);
    });

    test('mid-conversation, with skipped keys in two chains', () => {
      const s = mid.conv.sessions[0]!;
      assert.equal(s.ratchet.skipped.length, 2);
      // Everything unread but the next message of the current chain has a kept key.
      assert.equal(countSkipped(s.ratchet.skipped), unread.length - 1);
      const bytes = encodeConversation(mid.conv);
      const decoded = decodeConversation(bytes);
      assert.deepEqual(decoded, mid.conv);
      assert.equal(toHex(encodeConversation(decoded)), toHex(bytes));
    });

    test('the decoded mid-conversation state still opens every skipped message, once', () => {
      const restored = new Endpoint(bob, alice, seededRandom('state/mid/restored'));
      restored.conv = roundTrip(mid.conv);
      for (const m of unread.slice().reverse()) assert.equal(restored.read(m.entry), m.text);
      for (const m of unread) {
        // A second delivery: a duplicate, or "not mine" once a chain's last kept key is used.
        let status = 'duplicate';
        try {
          status = restored.receive(m.entry).status;
        } catch (e) {
          assert.ok(e instanceof DuplicateMessageError, String(e));
        }
        assert.notEqual(status, 'ok', m.text);
      }
      assert.equal(countSkipped(restored.conv.sessions[0]!.ratchet.skipped), 0);
      // And the conversation goes on.
      midAlice.conv = roundTrip(midAlice.conv);
      assert.equal(restored.read(midAlice.send('after restore').entry), 'after restore');
    });

    test('several sessions (simultaneous start, then a re-install)', () => {
      assert.equal(multi.conv.sessions.length, 3);
      assert.equal(multi.conv.seenInitials.length, 2);
      const flags = multi.conv.sessions.map((s) => [s.initiatedByUs, s.confirmed]);
      const decoded = roundTrip(multi.conv);
      assert.deepEqual(decoded, multi.conv);
      assert.deepEqual(
        decoded.sessions.map((s) => [s.initiatedByUs, s.confirmed]),
        flags,
      );
      // The decoded state sends on the active session and reads older ones.
      multi.conv = decoded;
      const late = multiPeer.send('b on the old session');
      assert.equal(multi.read(late.entry), 'b on the old session');
    });
  });

  describe('refusals', () => {
    test('an unknown version byte is UnsupportedVersionError', () => {
      for (const v of [0x00, 0x02, 0xff]) {
        const bytes = encodeConversation(mid.conv);
        bytes[AT.version] = v;
        assert.throws(() => decodeConversation(bytes), UnsupportedVersionError);
      }
    });

    test('every truncation is MalformedError', () => {
      for (const conv of [mid.conv, multi.conv]) {
        const bytes = encodeConversation(conv);
        for (let n = 0; n < bytes.length; n++) {
          assert.throws(() => decodeConversation(bytes.subarray(0, n)), MalformedError, `n=${n}`);
        }
      }
    });

    test('a trailing byte, or input over MAX_STATE_BYTES, is MalformedError', () => {
      const bytes = encodeConversation(mid.conv);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      assert.throws(() => decodeConversation(longer), MalformedError);
      const huge = new Uint8Array(MAX_STATE_BYTES + 1);
      huge.set(bytes);
      assert.throws(() => decodeConversation(huge), MalformedError);
    });

    test('unknown session flags, or a presence flag other than 0/1, is MalformedError', () => {
      const bytes = encodeConversation(mid.conv);
      assert.equal(bytes[AT.sessionCount], 1);
      for (const [at, value] of [
        [AT.firstSessionFlags, 4],
        [AT.firstSendingFlag, 2],
      ] as const) {
        const bad = bytes.slice();
        assert.ok(bad[at]! <= 3);
        bad[at] = value;
        assert.throws(() => decodeConversation(bad), MalformedError, `offset ${at}`);
      }
    });

    test('an address field that is no address is MalformedError', () => {
      const bytes = encodeConversation(mid.conv);
      bytes[1] = 0x07;
      assert.throws(() => decodeConversation(bytes), MalformedError);
    });

    test(`more than ${MAX_SESSIONS_PER_CONVERSATION} sessions is MalformedError`, () => {
      const s = mid.conv.sessions[0]!;
      const tooMany = { ...mid.conv, sessions: Array(MAX_SESSIONS_PER_CONVERSATION + 1).fill(s) };
      assert.throws(() => decodeConversation(encodeConversation(tooMany)), MalformedError);
      const atLimit = { ...mid.conv, sessions: Array(MAX_SESSIONS_PER_CONVERSATION).fill(s) };
      assert.equal(decodeConversation(encodeConversation(atLimit)).sessions.length, 4);
    });

    const withSkipped = (chains: number, keysPerChain: number): Conversation => {
      const s = mid.conv.sessions[0]!;
      const skipped = Array.from({ length: chains }, (_, c) => ({
        headerKey: new Uint8Array(32).fill(c + 1),
        keys: Array.from({ length: keysPerChain }, (_, i) => ({
          index: i,
          messageKey: new Uint8Array(32).fill(i & 0xff),
        })),
      }));
      return { ...mid.conv, sessions: [{ ...s, ratchet: { ...s.ratchet, skipped } }] };
    };

    test(`more than ${MAX_SKIPPED_CHAINS} skipped chains is MalformedError`, () => {
      assert.throws(
        () => decodeConversation(encodeConversation(withSkipped(MAX_SKIPPED_CHAINS + 1, 1))),
        MalformedError,
      );
      const ok = decodeConversation(encodeConversation(withSkipped(MAX_SKIPPED_CHAINS, 1)));
      assert.equal(ok.sessions[0]!.ratchet.skipped.length, MAX_SKIPPED_CHAINS);
    });

    test(`more than ${MAX_SKIPPED_KEYS} skipped keys in a session is MalformedError`, () => {
      assert.throws(
        () => decodeConversation(encodeConversation(withSkipped(2, MAX_SKIPPED_KEYS / 2 + 1))),
        MalformedError,
      );
      const ok = decodeConversation(encodeConversation(withSkipped(2, MAX_SKIPPED_KEYS / 2)));
      assert.equal(countSkipped(ok.sessions[0]!.ratchet.skipped), MAX_SKIPPED_KEYS);
    });

    test(`more than ${MAX_REMEMBERED_INITIALS} remembered initial messages is MalformedError`, () => {
      const seen = Array.from({ length: MAX_REMEMBERED_INITIALS + 1 }, (_, i) =>
        new Uint8Array(32).fill(i),
      );
      assert.throws(
        () => decodeConversation(encodeConversation({ ...mid.conv, seenInitials: seen })),
        MalformedError,
      );
      const ok = { ...mid.conv, seenInitials: seen.slice(1) };
      assert.equal(decodeConversation(encodeConversation(ok)).seenInitials.length, 16);
    });
  });
});
