/**
 * Junk into every parser of the protocol core: decodeEntry, decryptEntry,
 * decodeBundle, verifyBundle, openRequest, decodeConversation and unpad.
 *
 * Whatever the bytes (random, of lengths around every boundary of every
 * format, or valid encodings truncated, extended or altered), each parser
 * either succeeds or throws a ProtocolError: never a TypeError, RangeError or
 * any other untyped exception. decryptEntry must also leave the conversation
 * it was given unchanged. Oversized inputs are refused by the length checks,
 * before any work proportional to their size.
 *
 * MIZU_SOAK=1 multiplies the number of fast-check runs by 20.
 */

import assert from 'node:assert/strict';
import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from 'node:crypto';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Random } from '../../src/ports/random.js';
import { MAX_BUNDLE_BYTES } from '../../src/protocol/bundle.js';
import { utf8 } from '../../src/protocol/bytes.js';
import {
  type Conversation,
  createConversation,
  DEFAULT_PADDING,
  DecryptionFailedError,
  decodeBundle,
  decodeConversation,
  decodeEntry,
  decryptEntry,
  encodeConversation,
  encryptMessage,
  MAX_ENTRY_BYTES,
  MAX_PLAINTEXT_BYTES,
  MAX_STATE_BYTES,
  MalformedError,
  openRequest,
  ProtocolError,
  pad,
  sealRequest,
  UnsupportedVersionError,
  unpad,
  verifyBundle,
  WIRE,
} from '../../src/protocol/index.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  runs,
  SOAK,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';

// ---------------------------------------------------------------------------
// Users, conversations and one valid sample of every format
// ---------------------------------------------------------------------------

let alice: TestUser;
let bob: TestUser;
/** Bundles of the three account curves, with and without the ML-KEM key. */
let others: TestUser[];
const random: Random = seededRandom('junk');

interface Samples {
  entries: Uint8Array[];
  bundles: { bytes: Uint8Array; owner: TestUser }[];
  requests: Uint8Array[];
  states: Uint8Array[];
  padded: Uint8Array[];
}
let samples: Samples;
/** Bob before any session, and Bob in two sessions with Alice. */
let bobFresh: Conversation;
let bobBusy: Conversation;
/** An entry Alice sent that bobBusy has not opened yet. */
let pendingForBob: Uint8Array;

function conversation(me: TestUser, peer: TestUser): Conversation {
  return createConversation({
    ourAddress: me.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
}

function open(conv: Conversation, entry: Uint8Array, to: TestUser): Conversation {
  const r = decryptEntry(conv, entry, { ours: to.keys, random });
  assert.equal(r.status, 'ok');
  if (r.status !== 'ok') throw new Error('unreachable');
  return r.conversation;
}

before(async () => {
  const usersRandom = seededRandom('junk-users');
  alice = await makeUser('alice', testSecretKey('alice'), usersRandom);
  bob = await makeUser('bob', testSecretKey('bob'), usersRandom);
  others = [
    await makeUser('dave', testSecretKey('dave'), usersRandom, { withKem: false }),
    await makeUser('erin', testSecretKey('erin', 'secp256k1'), usersRandom),
    await makeUser('frank', testSecretKey('frank', 'p256'), usersRandom, { withKem: false }),
  ];

  // A simultaneous start: both keep two sessions. Then messages with gaps.
  let a = conversation(alice, bob);
  let b = conversation(bob, alice);
  const fromAlice = encryptMessage(a, utf8('hi bob'), {
    ours: alice.keys,
    random,
    bundle: bob.bundle,
  });
  const fromBob = encryptMessage(b, utf8('hi alice'), {
    ours: bob.keys,
    random,
    bundle: alice.bundle,
    postQuantum: false,
  });
  bobFresh = b;
  a = open(fromAlice.conversation, fromBob.entry, alice);
  b = open(fromBob.conversation, fromAlice.entry, bob);
  const send = (from: 'a' | 'b', text: string) => {
    const e = encryptMessage(from === 'a' ? a : b, utf8(text), {
      ours: from === 'a' ? alice.keys : bob.keys,
      random,
    });
    if (from === 'a') a = e.conversation;
    else b = e.conversation;
    return e.entry;
  };
  const entries = [fromAlice.entry, fromBob.entry];
  for (let i = 0; i < 3; i++) entries.push(send('a', `a${i}`));
  b = open(b, entries[entries.length - 1]!, bob); // skips two keys
  const reply = send('b', 'a long reply '.repeat(200));
  a = open(a, reply, alice);
  entries.push(reply);
  pendingForBob = send('a', 'pending');
  entries.push(pendingForBob);
  bobBusy = b;

  const note280 = 'n'.repeat(280);
  samples = {
    entries,
    bundles: [alice, bob, ...others].map((u) => ({ bytes: u.bundleBytes, owner: u })),
    requests: ['', 'hello bob', note280].map((note) =>
      sealRequest({
        ourIdentity: alice.keys.identity,
        ourAddress: alice.address,
        recipient: bob.bundle,
        postalIndex: 7n,
        note,
        random,
      }),
    ),
    states: [conversation(alice, bob), a, b, bobFresh].map(encodeConversation),
    padded: [new Uint8Array(0), utf8('x'), utf8('y'.repeat(100))].map((p) =>
      pad(p, DEFAULT_PADDING),
    ),
  };
});

// ---------------------------------------------------------------------------
// The parsers, each wrapped to report anything but success or a ProtocolError
// ---------------------------------------------------------------------------

interface Parser {
  readonly name: string;
  readonly run: (bytes: Uint8Array) => unknown;
}

function decryptUnchanged(conv: Conversation) {
  const snapshot = Buffer.from(encodeConversation(conv));
  return (bytes: Uint8Array) => {
    decryptEntry(conv, bytes, { ours: bob.keys, random });
    assert.ok(snapshot.equals(encodeConversation(conv)), 'decryptEntry changed its input');
  };
}

function parsers(): Parser[] {
  return [
    { name: 'decodeEntry', run: decodeEntry },
    { name: 'decryptEntry (no session)', run: decryptUnchanged(bobFresh) },
    { name: 'decryptEntry (two sessions)', run: decryptUnchanged(bobBusy) },
    { name: 'decodeBundle', run: decodeBundle },
    {
      name: 'verifyBundle',
      run: (b) =>
        verifyBundle(b, { address: alice.address, contract: CONTRACT, chainId: CHAIN_ID }),
    },
    {
      name: 'openRequest',
      run: (b) => openRequest(b, bob.keys, { contract: CONTRACT, chainId: CHAIN_ID }),
    },
    { name: 'decodeConversation', run: decodeConversation },
    { name: 'unpad', run: unpad },
  ];
}

/** Runs `parser` on `bytes`; returns a description of the violation, or null. */
function violation(parser: Parser, bytes: Uint8Array, label = ''): string | null {
  try {
    parser.run(bytes);
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return null;
    const kind = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    return `${parser.name} on ${bytes.length} bytes${label ? ` (${label})` : ''} threw ${kind}`;
  }
}

function checkAll(bytes: Uint8Array, label = '', only?: readonly Parser[]): string[] {
  const out: string[] = [];
  for (const p of only ?? parsers()) {
    const v = violation(p, bytes, label);
    if (v) out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/** Lengths at and around every boundary of every format. */
function boundaryLengths(): number[] {
  const steady = 1 + 8 + 40 + 16;
  const initialPrefix = 1 + 8 + 32;
  const pqPrefix = initialPrefix + 1088;
  const freshState = 1 + 22 + 22 + 32 + 22 + 4 + 1 + 1;
  const centres = [
    0,
    steady,
    initialPrefix,
    initialPrefix + steady - 1,
    pqPrefix,
    pqPrefix + steady - 1,
    MAX_ENTRY_BYTES,
    2 + 33 + 22 + 4 + 32 + 32 + 4 + 2 + 64, // ed25519 bundle without the KEM key
    MAX_BUNDLE_BYTES - 1, // ed25519 bundle with it
    MAX_BUNDLE_BYTES,
    33, // a request's kind byte and EPH
    33 + 16, // … and its tag
    freshState,
    MAX_STATE_BYTES,
  ];
  const lengths = new Set<number>();
  for (const c of centres) for (const d of [-1, 0, 1]) if (c + d >= 0) lengths.add(c + d);
  for (const s of Object.values(samples).flat()) {
    const n = s instanceof Uint8Array ? s.length : s.bytes.length;
    for (const d of [-1, 0, 1]) lengths.add(n + d);
  }
  return [...lengths].sort((x, y) => x - y);
}

/** Leading bytes worth trying: every kind and version byte, and some that are none. */
const LEADS = [
  ...new Set([0x00, 0x01, 0x02, 0x10, ...Object.values(WIRE), 0x15, 0x1f, 0x20, 0x21, 0x31, 0xff]),
];

/** Every valid sample, with the parsers of its own format. */
function samplesByFormat(): { samples: Uint8Array[]; parsers: Parser[] }[] {
  const all = parsers();
  const named = (...names: string[]) => all.filter((p) => names.some((n) => p.name.startsWith(n)));
  return [
    { samples: samples.entries, parsers: named('decodeEntry', 'decryptEntry') },
    {
      samples: samples.bundles.map((b) => b.bytes),
      parsers: named('decodeBundle', 'verifyBundle'),
    },
    { samples: samples.requests, parsers: named('openRequest') },
    { samples: samples.states, parsers: named('decodeConversation') },
    { samples: samples.padded, parsers: named('unpad') },
  ];
}

function allSamples(): Uint8Array[] {
  return samplesByFormat().flatMap((f) => f.samples);
}

type Mutation =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'extend'; readonly tail: Uint8Array }
  | { readonly op: 'set'; readonly at: number; readonly value: number }
  | { readonly op: 'flip'; readonly at: number; readonly mask: number }
  | { readonly op: 'delete'; readonly at: number; readonly count: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('extend' as const),
    tail: fc.uint8Array({ minLength: 1, maxLength: 80 }),
  }),
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
);

function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const n = input.length;
  const at = (x: number, size: number) => (size === 0 ? 0 : x % size);
  switch (m.op) {
    case 'truncate':
      return input.slice(0, at(m.at, n + 1));
    case 'extend':
      return Uint8Array.from([...input, ...m.tail]);
    case 'set': {
      if (n === 0) return input;
      const out = input.slice();
      out[at(m.at, n)] = m.value;
      return out;
    }
    case 'flip': {
      if (n === 0) return input;
      const out = input.slice();
      out[at(m.at, n)]! ^= m.mask;
      return out;
    }
    case 'delete': {
      const i = at(m.at, n + 1);
      return Uint8Array.from([...input.subarray(0, i), ...input.subarray(i + m.count)]);
    }
    case 'insert': {
      const i = at(m.at, n + 1);
      return Uint8Array.from([...input.subarray(0, i), ...m.bytes, ...input.subarray(i)]);
    }
  }
}

// ---------------------------------------------------------------------------

describe('junk into every parser', () => {
  test('the valid samples are accepted by their own parser', () => {
    for (const e of samples.entries) decodeEntry(e);
    for (const { bytes, owner } of samples.bundles) {
      verifyBundle(bytes, { address: owner.address, contract: CONTRACT, chainId: CHAIN_ID });
    }
    for (const r of samples.requests)
      openRequest(r, bob.keys, { contract: CONTRACT, chainId: CHAIN_ID });
    for (const s of samples.states) assert.deepEqual(encodeConversation(decodeConversation(s)), s);
    for (const p of samples.padded) unpad(p);
    const r = decryptEntry(bobBusy, pendingForBob, { ours: bob.keys, random });
    assert.equal(r.status, 'ok');
  });

  test('random bytes of any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000, size: 'max' }), (bytes) => {
        assert.deepEqual(checkAll(bytes), []);
      }),
      { numRuns: runs(300), includeErrorInReport: true },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.constantFrom(...LEADS), (bytes, lead) => {
        assert.deepEqual(checkAll(Uint8Array.from([lead, ...bytes])), []);
      }),
      { numRuns: runs(200), includeErrorInReport: true },
    );
  });

  test('lengths at and around every boundary, with every kind byte', () => {
    const problems: string[] = [];
    const lengths = boundaryLengths();
    const fillRandom = seededRandom('junk-boundaries');
    for (const length of lengths) {
      const fills: [string, Uint8Array][] = [
        ['zeros', new Uint8Array(length)],
        ['0xff', new Uint8Array(length).fill(0xff)],
        ['random', fillRandom(length)],
      ];
      for (const [fill, base] of fills) {
        const leads = length === 0 ? [undefined] : [undefined, ...LEADS];
        for (const lead of leads) {
          const bytes = base.slice();
          if (lead !== undefined) bytes[0] = lead;
          const label = `${fill}${lead === undefined ? '' : `, lead 0x${lead.toString(16)}`}`;
          problems.push(...checkAll(bytes, label));
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  test('every truncation and short extension of every valid encoding', () => {
    // Each through the parsers of its own format (the random tests cross formats).
    const problems: string[] = [];
    const tails = [[0x00], [0x80], [0xff], Array.from({ length: 64 }, (_, i) => i)];
    for (const format of samplesByFormat()) {
      for (const sample of format.samples) {
        for (let n = 0; n < sample.length; n++)
          problems.push(...checkAll(sample.subarray(0, n), 'truncated', format.parsers));
        for (const tail of tails) {
          const extended = Uint8Array.from([...sample, ...tail]);
          problems.push(...checkAll(extended, 'extended', format.parsers));
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  test('valid encodings truncated, extended and altered at random', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (pick, mutations) => {
          const all = allSamples();
          const bytes = mutations.reduce(mutate, all[pick % all.length]!);
          assert.deepEqual(checkAll(bytes, 'mutated'), []);
        },
      ),
      { numRuns: runs(400), includeErrorInReport: true },
    );
  });

  /**
   * Decodes `bytes`; if that works, re-encodes (one encoding per state) and
   * uses the state to receive and to send. Returns 'decoded', 'refused', or
   * throws on an untyped failure or a re-encoding mismatch.
   */
  function exerciseState(bytes: Uint8Array, entryPick: number): 'decoded' | 'refused' {
    let conv: Conversation;
    try {
      conv = decodeConversation(bytes);
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `decodeConversation: untyped ${String(e)}`);
      return 'refused';
    }
    assert.deepEqual(encodeConversation(conv), bytes, 'the codec has one encoding per state');
    const ours = conv.ourAddress === alice.address ? alice.keys : bob.keys;
    const entry = samples.entries[entryPick % samples.entries.length]!;
    for (const [name, use] of [
      ['decryptEntry', () => decryptEntry(conv, entry, { ours, random })],
      ['encryptMessage', () => encryptMessage(conv, utf8('still here?'), { ours, random })],
    ] as const) {
      try {
        use();
      } catch (e) {
        assert.ok(e instanceof ProtocolError, `${name} on a damaged state: untyped ${String(e)}`);
      }
    }
    return 'decoded';
  }

  test('a damaged conversation state that still decodes re-encodes identically and fails only in typed ways', (t) => {
    let decoded = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (pick, mutations, entryPick) => {
          const base = samples.states[pick % samples.states.length]!;
          if (exerciseState(mutations.reduce(mutate, base), entryPick) === 'decoded') decoded++;
        },
      ),
      { numRuns: runs(400), includeErrorInReport: true },
    );
    t.diagnostic(`${decoded} randomly damaged states still decoded`);
    assert.ok(decoded > 0, 'no damaged state decoded: the property checked nothing');
  });

  test('every single-byte change of every conversation state', (t) => {
    let decoded = 0;
    for (const state of samples.states) {
      for (let i = 0; i < state.length; i++) {
        for (const mask of SOAK ? [0x01, 0x02, 0x10, 0x80, 0xff] : [0x01, 0x80]) {
          const bytes = state.slice();
          bytes[i]! ^= mask;
          if (exerciseState(bytes, i) === 'decoded') decoded++;
        }
      }
    }
    t.diagnostic(`${decoded} altered states still decoded`);
  });

  test('the largest plaintext still makes an entry the parser accepts', () => {
    const big = new Uint8Array(MAX_PLAINTEXT_BYTES).fill(0x61);
    for (const postQuantum of [false, true]) {
      const started = encryptMessage(conversation(alice, bob), big, {
        ours: alice.keys,
        random,
        bundle: bob.bundle,
        postQuantum,
      });
      assert.ok(started.entry.length <= MAX_ENTRY_BYTES, `${started.entry.length} bytes`);
      const r = decryptEntry(conversation(bob, alice), started.entry, { ours: bob.keys, random });
      assert.equal(r.status, 'ok');
      const steady = encryptMessage(started.conversation, big, { ours: alice.keys, random });
      assert.ok(steady.entry.length <= MAX_ENTRY_BYTES);
      decodeEntry(steady.entry);
    }
  });
});

describe('oversized inputs', () => {
  const TEN_MB = 10 * 1024 * 1024;

  test('are refused by the length checks, before any work proportional to their size', () => {
    for (const lead of [0x01, ...Object.values(WIRE)]) {
      const huge = new Uint8Array(TEN_MB);
      huge[0] = lead;
      for (const p of parsers()) {
        if (p.name === 'unpad') continue; // no length limit: see below
        const started = performance.now();
        // Malformed, or (a request with a foreign version nibble) unsupported: both before reading on.
        assert.throws(
          () => p.run(huge),
          (e: unknown) => e instanceof MalformedError || e instanceof UnsupportedVersionError,
          `${p.name}, lead 0x${lead.toString(16)}`,
        );
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 50, `${p.name} took ${elapsed.toFixed(1)} ms on 10 MB`);
      }
    }
  });

  test('one byte over each limit is refused as malformed; an entry at the limit still parses', () => {
    const cases: [string, number, (b: Uint8Array) => unknown][] = [
      ['decodeEntry', MAX_ENTRY_BYTES, decodeEntry],
      ['decodeBundle', MAX_BUNDLE_BYTES, decodeBundle],
      ['decodeConversation', MAX_STATE_BYTES, decodeConversation],
    ];
    for (const [name, limit, parse] of cases) {
      const lead = name === 'decodeEntry' ? WIRE.message : 0x01;
      const over = new Uint8Array(limit + 1);
      over[0] = lead;
      assert.throws(() => parse(over), MalformedError, name);
      const at = new Uint8Array(limit);
      at[0] = lead;
      try {
        parse(at);
      } catch (e) {
        assert.ok(e instanceof ProtocolError, `${name}: untyped ${String(e)}`);
      }
    }
    const atLimit = new Uint8Array(MAX_ENTRY_BYTES);
    atLimit[0] = WIRE.message;
    assert.equal(decodeEntry(atLimit).kind, 'message');
  });

  test('unpad of 10 MB scans without copying', () => {
    const huge = new Uint8Array(TEN_MB);
    huge[0] = 0x80;
    const started = performance.now();
    const out = unpad(huge);
    assert.ok(performance.now() - started < 200);
    assert.equal(out.length, 0);
    assert.equal(out.buffer, huge.buffer, 'unpad returns a view, not a copy');
    assert.throws(() => unpad(new Uint8Array(TEN_MB)), MalformedError);
  });
});

// ---------------------------------------------------------------------------
// Well-formed input from a hostile peer: keys that are low-order points
// ---------------------------------------------------------------------------

/** X25519 public keys of small order (and their non-canonical forms), little-endian. */
const LOW_ORDER_POINTS: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000', // 0
  '0100000000000000000000000000000000000000000000000000000000000000', // 1
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p − 1
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1
].map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));

/** DH with node:crypto directly, to forge what a hostile peer can compute. */
function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return new Uint8Array(
    diffieHellman({
      privateKey: createPrivateKey({
        key: { kty: 'OKP', crv: 'X25519', d: b64(privateKey), x: '' },
        format: 'jwk',
      }),
      publicKey: createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: b64(publicKey) },
        format: 'jwk',
      }),
    }),
  );
}

/** The initial tag of docs/protocol.md §5.2, computed by the sender (who can). */
function initialTag(sender: TestUser, recipient: TestUser, ephemeral: Uint8Array): Uint8Array {
  const spk = recipient.bundle.signedPrekey;
  const kDet = new Uint8Array(
    hkdfSync(
      'sha256',
      dh(sender.keys.identity.privateKey, recipient.bundle.identityKey),
      new Uint8Array(32),
      Buffer.concat([Buffer.from('Mizu_InitialDetection_v1'), spk]),
      32,
    ),
  );
  const aes = createCipheriv('aes-256-ecb', kDet, null).setAutoPadding(false);
  return new Uint8Array(aes.update(ephemeral.subarray(0, 16))).subarray(0, 8);
}

describe('well-formed entries from a hostile peer', () => {
  // docs/protocol.md §1: a low-order key in received data is reported like any
  // other failure of that data: a decryption failure, typed, state unchanged.

  test('an initial message whose EK_A is a low-order point fails as a decryption failure', () => {
    const message = seededRandom('hostile-initial')(64);
    for (const ephemeral of LOW_ORDER_POINTS) {
      const entry = Uint8Array.from([
        WIRE.initial,
        ...initialTag(alice, bob, ephemeral),
        ...ephemeral,
        ...message,
      ]);
      const receiver = conversation(bob, alice);
      const before = encodeConversation(receiver);
      assert.throws(
        () => decryptEntry(receiver, entry, { ours: bob.keys, random }),
        DecryptionFailedError,
        Buffer.from(ephemeral).toString('hex'),
      );
      assert.deepEqual(encodeConversation(receiver), before);
    }
  });

  test('a ratchet step to a low-order ratchet key fails as a decryption failure', () => {
    let a = conversation(alice, bob);
    let b = conversation(bob, alice);
    const initial = encryptMessage(a, utf8('hi'), { ours: alice.keys, random, bundle: bob.bundle });
    a = initial.conversation;
    b = open(b, initial.entry, bob);
    const reply = encryptMessage(b, utf8('hello'), { ours: bob.keys, random });
    b = reply.conversation;
    a = open(a, reply.entry, alice); // Alice now sends on a new chain, with a new ratchet key
    for (const point of LOW_ORDER_POINTS) {
      // Alice's client, modified to announce a low-order ratchet key; everything
      // else (header key, message key, body) is genuine, so the entry routes to
      // Bob's next header key and reaches the DH ratchet step.
      const s = a.sessions[0]!;
      const forged: Conversation = {
        ...a,
        sessions: [
          {
            ...s,
            ratchet: { ...s.ratchet, ourRatchet: { ...s.ratchet.ourRatchet, publicKey: point } },
          },
        ],
      };
      const entry = encryptMessage(forged, utf8('gotcha'), { ours: alice.keys, random }).entry;
      const before = encodeConversation(b);
      assert.throws(
        () => decryptEntry(b, entry, { ours: bob.keys, random }),
        DecryptionFailedError,
        Buffer.from(point).toString('hex'),
      );
      assert.deepEqual(encodeConversation(b), before);
    }
    // The genuine next message still opens.
    const genuine = encryptMessage(a, utf8('fine'), { ours: alice.keys, random });
    open(b, genuine.entry, bob);
  });

  test('a discovery request whose EPH is a low-order point fails as a decryption failure', () => {
    const length = samples.requests[0]!.length;
    const rest = seededRandom('hostile-request')(length - 33);
    for (const eph of LOW_ORDER_POINTS) {
      const request = Uint8Array.from([WIRE.request, ...eph, ...rest]);
      assert.throws(
        () => openRequest(request, bob.keys, { contract: CONTRACT, chainId: CHAIN_ID }),
        DecryptionFailedError,
      );
    }
  });
});
