/**
 * Properties of how two parties start talking (docs/protocol.md §6 rules
 * 1–5): random schedules of sends and box reads by X and Y, where either or
 * both may start a session, and where X's first message may be one that Y
 * can never read (made with a prekey Y deleted; here Y's reader simply never
 * sees it, which is what "not mine" amounts to).
 *
 * After the schedule, both sides exchange a few messages (X writes, Y
 * reads, Y writes, X reads, and once more). Then:
 * - every message was read at most once, in the order it was sent, with its
 *   text;
 * - without a lost first message, every message was read;
 * - with one, a message of X goes unread only if X sent it before it had
 *   read anything from Y (so on X's own, never-read session);
 * - both sides now send on the same session, and it is a session both hold.
 *
 * Both orders of the addresses are covered (the rules depend on which is
 * smaller). MIZU_SOAK=1 multiplies the number of runs by 20.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compareBytes } from '../../src/protocol/bytes.js';
import { addressToBytes } from '../../src/protocol/tezosAccount.js';
import { Endpoint } from '../helpers/chat.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../helpers/fixtures.js';

const runs = (n: number) => (process.env.MIZU_SOAK === '1' ? n * 20 : n);

type Step = 'x-send' | 'y-send' | 'x-read' | 'y-read';

interface Posted {
  readonly entry: Uint8Array;
  readonly text: string;
  /** Whether the sender had read anything from its peer when it sent this. */
  readonly afterReading: boolean;
}

class Side {
  readonly box: Posted[] = [];
  readonly read: string[] = [];
  cursor = 0;
  hasRead = false;
  constructor(readonly end: Endpoint) {}
}

function run(x: Side, y: Side, steps: readonly Step[], loseFirst: boolean): void {
  let n = 0;
  const send = (s: Side) => {
    const text = `${s.end.user.name} ${n++}`;
    const out = s.end.send(text);
    s.box.push({ entry: out.entry, text, afterReading: s.hasRead });
  };
  const read = (reader: Side, writer: Side) => {
    for (; reader.cursor < writer.box.length; reader.cursor++) {
      // X's very first entry is one Y can never read.
      if (loseFirst && reader === y && reader.cursor === 0) continue;
      const got = reader.end.receive(writer.box[reader.cursor]!.entry);
      if (got.status === 'ok') {
        reader.read.push(got.text);
        reader.hasRead = true;
      }
    }
  };
  if (loseFirst) send(x);
  for (const step of steps) {
    if (step === 'x-send') send(x);
    else if (step === 'y-send') send(y);
    else if (step === 'x-read') read(x, y);
    else read(y, x);
  }
  // Settle: a round trip and a half.
  send(x);
  read(y, x);
  send(y);
  read(x, y);
  send(x);
  read(y, x);
}

describe('starting to talk, under random schedules', () => {
  const users: TestUser[] = [];
  before(async () => {
    const random = seededRandom('session-start-property/users');
    for (const name of ['xavier', 'yvonne'])
      users.push(await makeUser(name, testSecretKey(`session-start/${name}`), random));
  });

  test('nothing is read twice or out of order, nothing is lost but a first message never read, both end on one shared session', (t) => {
    const seen = { smallerLost: 0, largerLost: 0, noLoss: 0, unread: 0 };
    fc.assert(
      fc.property(
        fc.record({
          steps: fc.array(fc.constantFrom<Step>('x-send', 'y-send', 'x-read', 'y-read'), {
            maxLength: 24,
          }),
          loseFirst: fc.boolean(),
          xIsSmaller: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        ({ steps, loseFirst, xIsSmaller, seed }) => {
          const [small, large] =
            compareBytes(addressToBytes(users[0]!.address), addressToBytes(users[1]!.address)) < 0
              ? [users[0]!, users[1]!]
              : [users[1]!, users[0]!];
          const [ux, uy] = xIsSmaller ? [small, large] : [large, small];
          const x = new Side(new Endpoint(ux, uy, seededRandom(`x/${seed}`)));
          const y = new Side(new Endpoint(uy, ux, seededRandom(`y/${seed}`)));
          run(x, y, steps, loseFirst);

          for (const [reader, writer] of [
            [y, x],
            [x, y],
          ] as const) {
            const sent = writer.box.map((p) => p.text);
            // Read in order, each once, with its text: a subsequence of what was sent.
            let i = 0;
            for (const text of reader.read) {
              while (i < sent.length && sent[i] !== text) i++;
              assert.ok(i < sent.length, `"${text}" read out of order, twice, or never sent`);
              i++;
            }
            const unread = writer.box.filter((p) => !reader.read.includes(p.text));
            seen.unread += unread.length;
            if (!loseFirst || writer === y) {
              assert.deepEqual(unread, [], 'nothing lost');
            } else {
              for (const p of unread)
                assert.ok(!p.afterReading, `"${p.text}" was sent after X read from Y, yet lost`);
            }
          }
          const xs = x.end.activeSessionId();
          assert.ok(xs !== null);
          assert.equal(xs, y.end.activeSessionId(), 'both send on the same session');
          assert.ok(x.end.sessionIds().includes(xs) && y.end.sessionIds().includes(xs));
          if (!loseFirst) seen.noLoss++;
          else if (xIsSmaller) seen.smallerLost++;
          else seen.largerLost++;
        },
      ),
      { numRuns: runs(150), includeErrorInReport: true },
    );
    t.diagnostic(`runs by case: ${JSON.stringify(seen)}`);
    for (const [k, v] of Object.entries(seen)) assert.ok(v > 0, `no run produced "${k}"`);
  });
});
