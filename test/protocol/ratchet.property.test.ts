/**
 * Model-based properties of the Double Ratchet as seen through the public
 * conversation API: two established conversations (Alice and Bob) receive
 * random interleavings of sends, reordered deliveries, gaps, drops,
 * re-deliveries and state round-trips through the codec.
 *
 * A small reference model, written from docs/protocol.md §4.2, predicts for
 * every delivery what the receiver must do: open it (with exactly the
 * plaintext that was sent), refuse it as a duplicate (its chain is the
 * current one or still has kept keys, but its own key is used or dropped),
 * refuse it as needing more than MAX_SKIP skipped keys, or answer `not-mine`
 * (its chain has no kept key left, so it is no longer tried). The model keeps
 * the skipped-key store within the documented bounds: at most
 * MAX_SKIPPED_CHAINS chains, then at most MAX_SKIPPED_KEYS keys, oldest first.
 * Every refusal must leave the receiver's conversation exactly as it was.
 *
 * Runs are seeded twice: fast-check prints its seed and the shrunk command list
 * on failure, and the protocol's randomness is a seededRandom whose seed is
 * part of the generated input, so a counterexample replays exactly.
 *
 * MIZU_SOAK=1 multiplies the number of runs by 20.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Random } from '../../src/ports/random.js';
import { utf8 } from '../../src/protocol/bytes.js';
import {
  type Conversation,
  createConversation,
  DuplicateMessageError,
  decodeConversation,
  decryptEntry,
  encodeConversation,
  encryptMessage,
  MAX_SKIP,
  MAX_SKIPPED_CHAINS,
  MAX_SKIPPED_KEYS,
  ProtocolError,
  TooManySkippedError,
} from '../../src/protocol/index.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  runs,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

type Party = 'A' | 'B';
const peerOf = (p: Party): Party => (p === 'A' ? 'B' : 'A');

let alice: TestUser;
let bob: TestUser;

before(async () => {
  const random = seededRandom('ratchet-property-users');
  alice = await makeUser('alice', testSecretKey('alice'), random);
  bob = await makeUser('bob', testSecretKey('bob'), random);
});

function userOf(p: Party): TestUser {
  return p === 'A' ? alice : bob;
}

function freshConversation(me: TestUser, peer: TestUser): Conversation {
  return createConversation({
    ourAddress: me.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
}

// ---------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------

/** One message as the sender produced it, with the header fields the model needs. */
interface Sent {
  readonly id: number;
  readonly from: Party;
  readonly entry: Uint8Array;
  readonly plaintext: Uint8Array;
  /** The sender's sending chain (0, 1, 2, … per party). */
  readonly chain: number;
  readonly index: number;
  /** PN: length of the sender's previous sending chain. */
  readonly previousLength: number;
  readonly initial: boolean;
}

interface KeyRef {
  readonly chain: number;
  readonly index: number;
}

interface PartyModel {
  /** Our sending chain number, the next index in it, PN, and whether we can send at all. */
  readonly sendChain: number;
  readonly sendIndex: number;
  readonly previousLength: number;
  readonly canSend: boolean;
  /** The peer's chain we are receiving on (-1 before the first message) and the next index. */
  readonly recvChain: number;
  readonly recvNext: number;
  /** Skipped message keys we still hold, oldest first. */
  readonly skipped: readonly KeyRef[];
}

const INITIATOR: PartyModel = {
  sendChain: 0,
  sendIndex: 0,
  previousLength: 0,
  canSend: true,
  recvChain: -1,
  recvNext: 0,
  skipped: [],
};
const RESPONDER: PartyModel = { ...INITIATOR, sendChain: -1, canSend: false };

type Expected =
  | { readonly kind: 'ok'; readonly next: PartyModel }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'too-many' }
  /** An older chain with no kept key left: it is no longer tried (§4.2). */
  | { readonly kind: 'not-mine' };

function range(chain: number, from: number, to: number): KeyRef[] {
  const out: KeyRef[] = [];
  for (let i = from; i < to; i++) out.push({ chain, index: i });
  return out;
}

/** Adds skipped keys and applies the documented bounds: oldest keys are dropped first. */
function keep(skipped: readonly KeyRef[], added: readonly KeyRef[]): readonly KeyRef[] {
  let out = skipped.concat(added);
  while (new Set(out.map((k) => k.chain)).size > MAX_SKIPPED_CHAINS) {
    const oldestChain = out[0]!.chain;
    out = out.filter((k) => k.chain !== oldestChain);
  }
  if (out.length > MAX_SKIPPED_KEYS) out = out.slice(out.length - MAX_SKIPPED_KEYS);
  return out;
}

function takeSkipped(m: PartyModel, msg: Sent): Expected {
  const at = m.skipped.findIndex((k) => k.chain === msg.chain && k.index === msg.index);
  if (at < 0) return { kind: 'duplicate' };
  return { kind: 'ok', next: { ...m, skipped: m.skipped.filter((_, i) => i !== at) } };
}

/** What a receiver in state `m` must do with `msg`. */
function predict(m: PartyModel, msg: Sent): Expected {
  if (msg.chain === m.recvChain) {
    if (msg.index < m.recvNext) return takeSkipped(m, msg);
    if (msg.index - m.recvNext > MAX_SKIP) return { kind: 'too-many' };
    return {
      kind: 'ok',
      next: {
        ...m,
        recvNext: msg.index + 1,
        skipped: keep(m.skipped, range(m.recvChain, m.recvNext, msg.index)),
      },
    };
  }
  if (msg.chain === m.recvChain + 1) {
    // The peer's next chain: a DH ratchet step.
    const oldGap = m.recvChain >= 0 ? Math.max(0, msg.previousLength - m.recvNext) : 0;
    if (oldGap + msg.index > MAX_SKIP) return { kind: 'too-many' };
    let skipped = m.skipped;
    if (m.recvChain >= 0)
      skipped = keep(skipped, range(m.recvChain, m.recvNext, msg.previousLength));
    skipped = keep(skipped, range(msg.chain, 0, msg.index));
    return {
      kind: 'ok',
      next: {
        sendChain: m.sendChain + 1,
        sendIndex: 0,
        previousLength: m.canSend ? m.sendIndex : 0,
        canSend: true,
        recvChain: msg.chain,
        recvNext: msg.index + 1,
        skipped,
      },
    };
  }
  assert.ok(msg.chain < m.recvChain, 'model: a peer is never two chains ahead');
  if (!m.skipped.some((k) => k.chain === msg.chain)) return { kind: 'not-mine' };
  return takeSkipped(m, msg);
}

// ---------------------------------------------------------------------------
// The system under test, driven by commands
// ---------------------------------------------------------------------------

type Command =
  | { readonly kind: 'send'; readonly from: Party; readonly count: number }
  /** Sends more than MAX_SKIP messages at once and delivers the last one straight away. */
  | { readonly kind: 'flood'; readonly from: Party; readonly extra: number }
  /** Delivers one pending message addressed to `to`, in any order. */
  | { readonly kind: 'deliver'; readonly to: Party; readonly pick: number }
  | { readonly kind: 'deliverOldest'; readonly to: Party }
  /**
   * Rounds of conversation in which the first of every two messages is held
   * back: each round opens a new chain on both sides that keeps a skipped key,
   * which drives the store past MAX_SKIPPED_CHAINS.
   */
  | { readonly kind: 'pingPong'; readonly first: Party; readonly rounds: number }
  /** Loses a pending message for good. */
  | { readonly kind: 'drop'; readonly pick: number }
  /** Delivers again a message `to` already received: first a chain, then a message in it. */
  | {
      readonly kind: 'redeliver';
      readonly to: Party;
      readonly chain: number;
      readonly pick: number;
    }
  | { readonly kind: 'roundTrip'; readonly who: Party };

const party = fc.constantFrom<Party>('A', 'B');
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: party,
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    // A burst leaves gaps of tens of messages once its messages arrive out of order.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: party,
      count: fc.integer({ min: 4, max: 60 }),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: party, pick: fc.nat() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deliverOldest' as const), to: party }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('pingPong' as const),
      first: party,
      rounds: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('redeliver' as const),
      to: party,
      chain: fc.nat(),
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roundTrip' as const), who: party }) },
);

/** A flood costs a thousand encryptions: about one run in six gets one, somewhere. */
const floodArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record({
      at: fc.nat(),
      command: fc.record({
        kind: fc.constant('flood' as const),
        from: party,
        // Around the boundary (the last message needs MAX_SKIP + extra - 1 keys), or well past it.
        extra: fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 }) },
          { weight: 1, arbitrary: fc.integer({ min: 3, max: 40 }) },
        ),
      }),
    }),
  },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    postQuantum: fc.boolean(),
    commands: fc.array(commandArb, { minLength: 1, maxLength: 40, size: 'max' }),
    flood: floodArb,
  })
  .map(({ seed, postQuantum, commands, flood }): Scenario => {
    const all: Command[] = commands.slice();
    if (flood) all.splice(flood.at % (all.length + 1), 0, flood.command);
    return { seed, postQuantum, commands: all };
  });
type Scenario = { seed: number; postQuantum: boolean; commands: Command[] };

type Outcome =
  | { readonly status: 'ok'; readonly conversation: Conversation; readonly plaintext: Uint8Array }
  | { readonly status: 'not-mine' }
  | { readonly status: 'error'; readonly error: unknown };

class Simulation {
  readonly random: Random;
  readonly conv: Record<Party, Conversation>;
  readonly model: Record<Party, PartyModel>;
  pending: Sent[] = [];
  delivered: Sent[] = [];
  private nextId = 0;
  stats = { ok: 0, duplicate: 0, tooMany: 0, notMine: 0, roundTrips: 0 };

  constructor(seed: number, postQuantum: boolean) {
    this.random = seededRandom(`ratchet-property/${seed}`);
    this.conv = { A: freshConversation(alice, bob), B: freshConversation(bob, alice) };
    this.model = { A: INITIATOR, B: RESPONDER };
    // Start the session: Alice's initial message, delivered to Bob at once.
    const plaintext = this.plaintextFor('A', 0);
    const started = encryptMessage(this.conv.A, plaintext, {
      ours: alice.keys,
      random: this.random,
      bundle: bob.bundle,
      postQuantum,
    });
    assert.equal(started.startedSession, true);
    this.conv.A = started.conversation;
    const initial = this.record('A', started.entry, plaintext, true);
    this.deliver(initial);
    assert.equal(this.delivered.length, 1, 'the initial message must be accepted');
  }

  private plaintextFor(from: Party, id: number): Uint8Array {
    // Distinct for every message, with varied lengths (padding boundaries included).
    return utf8(`${from}#${id}|${'x'.repeat((id * 37) % 90)}`);
  }

  private record(from: Party, entry: Uint8Array, plaintext: Uint8Array, initial: boolean): Sent {
    const m = this.model[from];
    const sent: Sent = {
      id: this.nextId++,
      from,
      entry,
      plaintext,
      chain: m.sendChain,
      index: m.sendIndex,
      previousLength: m.previousLength,
      initial,
    };
    this.model[from] = { ...m, sendIndex: m.sendIndex + 1 };
    this.pending.push(sent);
    return sent;
  }

  send(from: Party): void {
    assert.ok(this.model[from].canSend, 'model: both sides can send once the session started');
    const plaintext = this.plaintextFor(from, this.nextId);
    const e = encryptMessage(this.conv[from], plaintext, {
      ours: userOf(from).keys,
      random: this.random,
    });
    assert.equal(e.startedSession, false, 'an established session must not start another one');
    this.conv[from] = e.conversation;
    this.record(from, e.entry, plaintext, false);
  }

  private attempt(to: Party, entry: Uint8Array): Outcome {
    try {
      const r = decryptEntry(this.conv[to], entry, { ours: userOf(to).keys, random: this.random });
      if (r.status === 'not-mine') return r;
      return { status: 'ok', conversation: r.conversation, plaintext: r.plaintext };
    } catch (error) {
      return { status: 'error', error };
    }
  }

  /** Delivers `msg` to its recipient and checks the outcome against the model. */
  deliver(msg: Sent, isRedelivery = false): void {
    const to = peerOf(msg.from);
    const what = `${isRedelivery ? 're-delivery' : 'delivery'} of ${msg.from}#${msg.id} (chain ${msg.chain}, index ${msg.index}) to ${to}`;
    const expected: Expected =
      isRedelivery && msg.initial ? { kind: 'duplicate' } : predict(this.model[to], msg);
    if (isRedelivery) assert.notEqual(expected.kind, 'ok', `model: ${what} cannot be fresh`);

    // Encoding a state with thousands of skipped keys is not free: snapshot only
    // when the model expects a refusal (an accepted entry replaces the state anyway).
    const before = expected.kind === 'ok' ? null : encodeConversation(this.conv[to]);
    const outcome = this.attempt(to, msg.entry);

    if (expected.kind === 'ok') {
      if (outcome.status !== 'ok') assert.fail(`${what}: expected ok, got ${show(outcome)}`);
      assert.deepEqual(outcome.plaintext, msg.plaintext, `${what}: wrong plaintext`);
      this.conv[to] = outcome.conversation;
      this.model[to] = expected.next;
      this.pending = this.pending.filter((p) => p !== msg);
      this.delivered.push(msg);
      this.stats.ok++;
      return;
    }

    // Every refusal leaves the conversation that was passed in exactly as it was.
    assert.deepEqual(
      encodeConversation(this.conv[to]),
      before!,
      `${what}: a refused entry changed the receiver's state`,
    );
    if (outcome.status === 'ok') assert.fail(`${what}: decrypted, expected ${expected.kind}`);

    if (expected.kind === 'too-many') {
      assert.ok(
        outcome.status === 'error' && outcome.error instanceof TooManySkippedError,
        `${what}: expected TooManySkippedError, got ${show(outcome)}`,
      );
      this.stats.tooMany++;
      return; // stays pending: it may open later, once the gap has shrunk
    }
    if (expected.kind === 'duplicate') {
      assert.ok(
        isDuplicate(outcome),
        `${what}: expected DuplicateMessageError, got ${show(outcome)}`,
      );
      this.stats.duplicate++;
    } else {
      assert.equal(outcome.status, 'not-mine', `${what}: expected not-mine, got ${show(outcome)}`);
      this.stats.notMine++;
    }
    // Its key is gone for good: it can never be delivered.
    this.pending = this.pending.filter((p) => p !== msg);
  }

  roundTrip(who: Party): void {
    const bytes = encodeConversation(this.conv[who]);
    const decoded = decodeConversation(bytes);
    assert.deepEqual(encodeConversation(decoded), bytes, 'decode ∘ encode is the identity');
    this.conv[who] = decoded; // from now on, the decoded state must keep working
    this.stats.roundTrips++;
  }

  run(cmd: Command): void {
    switch (cmd.kind) {
      case 'send':
        for (let i = 0; i < cmd.count; i++) this.send(cmd.from);
        return;
      case 'flood': {
        for (let i = 0; i < MAX_SKIP + cmd.extra; i++) this.send(cmd.from);
        this.deliver(this.pending[this.pending.length - 1]!);
        return;
      }
      case 'pingPong':
        for (let r = 0; r < cmd.rounds; r++) {
          for (const from of [cmd.first, peerOf(cmd.first)]) {
            this.send(from);
            this.send(from);
            this.deliver(this.pending[this.pending.length - 1]!);
          }
        }
        return;
      case 'deliver': {
        const to = this.pending.filter((p) => p.from !== cmd.to);
        const msg = to[cmd.pick % Math.max(1, to.length)];
        if (msg) this.deliver(msg);
        return;
      }
      case 'deliverOldest': {
        const msg = this.pending.find((p) => p.from !== cmd.to);
        if (msg) this.deliver(msg);
        return;
      }
      case 'drop': {
        const msg = this.pending[cmd.pick % Math.max(1, this.pending.length)];
        if (msg) this.pending = this.pending.filter((p) => p !== msg);
        return;
      }
      case 'redeliver': {
        const received = this.delivered.filter((p) => p.from !== cmd.to);
        const chains = [...new Set(received.map((p) => p.chain))];
        if (chains.length === 0) return;
        const chain = chains[cmd.chain % chains.length];
        const inChain = received.filter((p) => p.chain === chain);
        this.deliver(inChain[cmd.pick % inChain.length]!, true);
        return;
      }
      case 'roundTrip':
        this.roundTrip(cmd.who);
        return;
    }
  }
}

function isDuplicate(o: Outcome): boolean {
  return (
    o.status === 'error' &&
    o.error instanceof DuplicateMessageError &&
    o.error.code === 'DUPLICATE_MESSAGE'
  );
}

function show(o: Outcome): string {
  if (o.status !== 'error') return o.status;
  const e = o.error;
  return e instanceof ProtocolError ? `${e.name} (${e.code})` : `untyped ${String(e)}`;
}

function runScenario(s: Scenario): Simulation {
  const sim = new Simulation(s.seed, s.postQuantum);
  for (const cmd of s.commands) sim.run(cmd);
  // Finally, both sides persist and reload their state, then every message
  // still pending is delivered in the order it was sent.
  sim.roundTrip('A');
  sim.roundTrip('B');
  for (const msg of sim.pending.slice()) sim.deliver(msg);
  const ids = sim.delivered.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, 'a message was accepted twice');
  return sim;
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe('ratchet under random interleavings', () => {
  test('every message opens at most once, with its plaintext, exactly when the model says; refusals change nothing; state survives the codec', (t) => {
    const totals = { ok: 0, duplicate: 0, tooMany: 0, notMine: 0, roundTrips: 0 };
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sim = runScenario(s);
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += sim.stats[k];
      }),
      { numRuns: runs(100), includeErrorInReport: true },
    );
    t.diagnostic(`outcomes over all runs: ${JSON.stringify(totals)}`);
    // The generators must reach every branch of the model.
    for (const [k, v] of Object.entries(totals)) assert.ok(v > 0, `no run produced "${k}"`);
  });
});

// ---------------------------------------------------------------------------
// Targeted scenarios at the limits
// ---------------------------------------------------------------------------

interface Pair {
  a: Conversation;
  b: Conversation;
  readonly random: Random;
}

function establish(seed: string): Pair {
  const random = seededRandom(seed);
  const a0 = freshConversation(alice, bob);
  const b0 = freshConversation(bob, alice);
  const started = encryptMessage(a0, utf8('hello'), {
    ours: alice.keys,
    random,
    bundle: bob.bundle,
    postQuantum: false,
  });
  const opened = decryptEntry(b0, started.entry, { ours: bob.keys, random });
  assert.equal(opened.status, 'ok');
  if (opened.status !== 'ok') throw new Error('unreachable');
  return { a: started.conversation, b: opened.conversation, random };
}

/** `from` sends `count` messages numbered from `label`; returns their entries in order. */
function sendMany(p: Pair, from: Party, count: number, label = ''): Uint8Array[] {
  const entries: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const conv = from === 'A' ? p.a : p.b;
    const e = encryptMessage(conv, utf8(`${label}${i}`), {
      ours: userOf(from).keys,
      random: p.random,
    });
    if (from === 'A') p.a = e.conversation;
    else p.b = e.conversation;
    entries.push(e.entry);
  }
  return entries;
}

/** Delivers to `to`, expects success with `text`, and commits the new state. */
function receive(p: Pair, to: Party, entry: Uint8Array, text: string): void {
  const conv = to === 'A' ? p.a : p.b;
  const r = decryptEntry(conv, entry, { ours: userOf(to).keys, random: p.random });
  assert.equal(r.status, 'ok', `expected ${JSON.stringify(text)} to open`);
  if (r.status !== 'ok') return;
  assert.equal(new TextDecoder().decode(r.plaintext), text);
  if (to === 'A') p.a = r.conversation;
  else p.b = r.conversation;
}

/** Expects `to` to refuse `entry` with `error`, leaving its state untouched. */
function refuse(
  p: Pair,
  to: Party,
  entry: Uint8Array,
  error: new (...args: never[]) => ProtocolError,
  code: string,
): void {
  const conv = to === 'A' ? p.a : p.b;
  const before = encodeConversation(conv);
  assert.throws(
    () => decryptEntry(conv, entry, { ours: userOf(to).keys, random: p.random }),
    (e: unknown) => e instanceof error && (e as ProtocolError).code === code,
  );
  assert.deepEqual(encodeConversation(conv), before, 'a refused entry must not change the state');
}

/** Expects `to` to answer `not-mine` to `entry`, leaving its state untouched. */
function notMine(p: Pair, to: Party, entry: Uint8Array): void {
  const conv = to === 'A' ? p.a : p.b;
  const before = encodeConversation(conv);
  const r = decryptEntry(conv, entry, { ours: userOf(to).keys, random: p.random });
  assert.equal(r.status, 'not-mine');
  assert.deepEqual(encodeConversation(conv), before, 'a refused entry must not change the state');
}

describe('ratchet limits', () => {
  test('a message needing more than MAX_SKIP skipped keys is refused and changes nothing; in-order messages still open', () => {
    const p = establish('too-many-skipped');
    // Bob expects Alice's message 1 next; messages 1 … MAX_SKIP+2 are in flight.
    const entries = sendMany(p, 'A', MAX_SKIP + 2, 'm');
    const beyond = entries[MAX_SKIP + 1]!; // needs MAX_SKIP + 1 skipped keys
    refuse(p, 'B', beyond, TooManySkippedError, 'TOO_MANY_SKIPPED');

    receive(p, 'B', entries[0]!, 'm0');
    // Now exactly MAX_SKIP keys must be skipped: allowed.
    receive(p, 'B', beyond, `m${MAX_SKIP + 1}`);
    // The skipped ones open late, in any order.
    receive(p, 'B', entries[MAX_SKIP]!, `m${MAX_SKIP}`);
    receive(p, 'B', entries[1]!, 'm1');
    receive(p, 'B', entries[500]!, 'm500');
    refuse(p, 'B', entries[500]!, DuplicateMessageError, 'DUPLICATE_MESSAGE');
  });

  test('the MAX_SKIP bound counts the keys left in the old chain plus those in the new chain', () => {
    const p = establish('too-many-across-step');
    const reply = sendMany(p, 'B', 1, 'b');
    const oldChain = sendMany(p, 'A', 600, 'old'); // Alice's first chain: messages 1 … 600
    receive(p, 'A', reply[0]!, 'b0'); // Alice performs a DH ratchet step
    const newChain = sendMany(p, 'A', MAX_SKIP - 600 + 2, 'new');
    // Bob still expects message 1 of the old chain: 600 old keys + index keys.
    const over = newChain[MAX_SKIP - 600 + 1]!; // 600 + 401 = MAX_SKIP + 1
    refuse(p, 'B', over, TooManySkippedError, 'TOO_MANY_SKIPPED');
    const atLimit = newChain[MAX_SKIP - 600]!; // 600 + 400 = MAX_SKIP
    receive(p, 'B', atLimit, `new${MAX_SKIP - 600}`);
    receive(p, 'B', over, `new${MAX_SKIP - 600 + 1}`);
    receive(p, 'B', oldChain[0]!, 'old0');
    receive(p, 'B', oldChain[599]!, 'old599');
    receive(p, 'B', newChain[0]!, 'new0');
  });

  test('beyond MAX_SKIPPED_KEYS the oldest skipped keys are dropped (duplicates) and newer ones still open', () => {
    const p = establish('skipped-eviction');
    const n = MAX_SKIP; // one delivery can skip this many keys
    // Alice's messages 1 … 3n+3 (entries[i] has index i + 1); Bob expects index 1.
    const entries = sendMany(p, 'A', 3 * n + 3, 'm');
    receive(p, 'B', entries[n]!, `m${n}`); // skips indices 1 … n
    receive(p, 'B', entries[2 * n + 1]!, `m${2 * n + 1}`); // skips n+2 … 2n+1
    assert.equal(2 * n, MAX_SKIPPED_KEYS, 'the scenario fills the store exactly');
    // Full but not over: the very oldest key is still there (checked on a copy).
    const probe: Pair = { ...p };
    receive(probe, 'B', entries[0]!, 'm0');

    receive(p, 'B', entries[3 * n + 2]!, `m${3 * n + 2}`); // skips 2n+3 … 3n+2: n over
    // The n oldest keys (indices 1 … n) were dropped: those messages are now duplicates.
    for (const i of [0, 1, n / 2, n - 1])
      refuse(p, 'B', entries[i]!, DuplicateMessageError, 'DUPLICATE_MESSAGE');
    // The newer ones still open.
    for (const i of [n + 1, 2 * n, 2 * n + 2, 3 * n + 1]) receive(p, 'B', entries[i]!, `m${i}`);
  });

  test('keys dropped from the oldest chain: all of an older chain goes first, which is then not tried (not mine)', () => {
    const p = establish('skipped-eviction-old-chain');
    const oldChain = sendMany(p, 'A', 5, 'old'); // Alice's chain 0, indices 1 … 5, never delivered
    const reply = sendMany(p, 'B', 1, 'b');
    receive(p, 'A', reply[0]!, 'b0'); // Alice moves to her chain 1 (PN = 6)
    const newChain = sendMany(p, 'A', 3 * MAX_SKIP, 'new');
    receive(p, 'B', newChain[MAX_SKIP - 5]!, `new${MAX_SKIP - 5}`); // 5 old + 995 new keys kept
    receive(p, 'B', newChain[2 * MAX_SKIP - 5]!, `new${2 * MAX_SKIP - 5}`); // + 999
    // Before the store overflows, the old chain's keys are all there (checked on a copy).
    receive({ ...p }, 'B', oldChain[4]!, 'old4');
    receive(p, 'B', newChain[3 * MAX_SKIP - 5]!, `new${3 * MAX_SKIP - 5}`); // + 999: 998 over
    // The 998 oldest keys are gone: all 5 of the old chain, then new-chain indices 0 … 992.
    // A dropped key of a chain that keeps others is a duplicate …
    refuse(p, 'B', newChain[0]!, DuplicateMessageError, 'DUPLICATE_MESSAGE');
    refuse(p, 'B', newChain[992]!, DuplicateMessageError, 'DUPLICATE_MESSAGE');
    receive(p, 'B', newChain[993]!, 'new993');
    // … and a chain with no kept key left is no longer tried (docs/protocol.md §4.2).
    for (const entry of oldChain) notMine(p, 'B', entry);
  });

  test('a fifth chain with kept keys drops the oldest chain whole', () => {
    const p = establish('skipped-chains-limit');
    // Each round: Bob sends x and y on a new chain, Alice opens only y (x's key
    // is kept), then Alice answers so that Bob starts his next chain.
    const held: Uint8Array[] = [];
    for (let round = 0; round <= MAX_SKIPPED_CHAINS; round++) {
      const [x, y] = sendMany(p, 'B', 2, `r${round}-`);
      receive(p, 'A', y!, `r${round}-1`);
      held.push(x!);
      receive(p, 'B', sendMany(p, 'A', 1, `z${round}-`)[0]!, `z${round}-0`);
    }
    // Five chains had a kept key: the first went whole; the four newest still open.
    notMine(p, 'A', held[0]!);
    for (let round = 1; round <= MAX_SKIPPED_CHAINS; round++)
      receive(p, 'A', held[round]!, `r${round}-0`);
  });

  test('a re-delivered message is a duplicate while its chain is current or keeps keys, then not mine', () => {
    const p = establish('redelivery-old-chain');
    const [b0, b1] = sendMany(p, 'B', 2, 'b');
    receive(p, 'A', b1!, 'b1'); // Bob's chain 0: b0's key is kept
    receive(p, 'B', sendMany(p, 'A', 1, 'a')[0]!, 'a0');
    const [c0] = sendMany(p, 'B', 1, 'c');
    receive(p, 'A', c0!, 'c0'); // Alice now receives on Bob's chain 1
    refuse(p, 'A', c0!, DuplicateMessageError, 'DUPLICATE_MESSAGE'); // current chain
    refuse(p, 'A', b1!, DuplicateMessageError, 'DUPLICATE_MESSAGE'); // older chain with a kept key
    receive(p, 'A', b0!, 'b0'); // its last kept key: the chain is no longer tried
    notMine(p, 'A', b1!);
    notMine(p, 'A', b0!);
    refuse(p, 'A', c0!, DuplicateMessageError, 'DUPLICATE_MESSAGE');
  });
});
