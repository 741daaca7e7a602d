/**
 * The protocol benchmark: Mizu's protocol core side by side with
 * `@signalapp/libsignal-client`, in one process.
 *
 *   tsx bench/crypto.ts [--json] [--batches N]
 *
 * Prints a table; with --json the last stdout line is one JSON object with
 * every figure (medians, in microseconds or bytes). Progress goes to stderr.
 *
 * What is measured (100-byte plaintexts, sessions set up before timing):
 * - ping-pong: the direction alternates every message, so every message
 *   makes its reader perform a DH ratchet step; one operation = one message
 *   encrypted and decrypted.
 * - burst: every message in one direction; one operation = encrypt + decrypt.
 * - session start / accept: the initial message (X3DH with the ML-KEM part)
 *   made from a verified bundle, and its acceptance by the responder.
 * - foreign entry: a reader deciding that an entry of a contact's postal box
 *   belongs to another conversation (`not-mine`); for information, also
 *   against a conversation at its limits (4 sessions × 6 header keys).
 * - overheads: entry length minus plaintext length (padding `none`).
 * - for information, the X25519 work alone of a ping-pong message (through
 *   Mizu's own x25519 module): the floor under Mizu's ping-pong figure.
 *
 * Measurements that are compared run side by side: their batches are
 * interleaved (see stats.ts). libsignal's session start includes its check
 * of the bundle's signatures; Mizu checks bundles in verifyBundle, untimed.
 *
 * Timed Mizu loops use the default padding policy (Padmé, minimum 32), as a
 * client would; libsignal does not pad (Signal pads above it). Randomness is
 * the system source (src/adapters/systemRandom.ts) for Mizu; libsignal draws
 * its own.
 */

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import { systemRandom } from '../src/adapters/systemRandom.js';
import { x25519, x25519KeyPair } from '../src/protocol/crypto/x25519.js';
import {
  type Conversation,
  createConversation,
  DEFAULT_PADDING,
  decryptEntry,
  encryptMessage,
  generateIdentityKeys,
  type IdentityKeys,
  MAX_SESSIONS_PER_CONVERSATION,
  MAX_SKIPPED_CHAINS,
  type PaddingPolicy,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
} from '../src/protocol/index.js';
import {
  createSignalParty,
  establishSignalSession,
  MemorySessionStore,
  type SignalParty,
  type SignalWireMessage,
  signalReceive,
  signalSend,
  startSignalSession,
} from './libsignalBaseline.js';
import {
  type BenchmarkSpec,
  type Measurement,
  measureGroup,
  median,
  sink,
  sinkTotal,
} from './stats.js';

const CONTRACT = 'KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi';
const CHAIN_ID = 'NetXdQprcVkpaWU';
const PLAINTEXT_BYTES = 100;
const NO_PADDING: PaddingPolicy = { kind: 'none' };
const random = systemRandom;
/** Distinct entries cycled through by the foreign-entry measurements. */
const FOREIGN_POOL = 64;

function progress(message: string): void {
  process.stderr.write(`[bench:crypto] ${message}\n`);
}

function fail(message: string): never {
  throw new Error(`bench:crypto: ${message}`);
}

// ---------------------------------------------------------------------------
// Mizu parties and conversations

interface MizuUser {
  readonly name: string;
  readonly address: string;
  readonly keys: IdentityKeys;
  readonly bundle: VerifiedBundle;
}

/** A benchmark-only Tezos account per name (fixed), with fresh Mizu keys and a verified bundle. */
async function createMizuUser(name: string): Promise<MizuUser> {
  const seed = createHash('sha256').update(`mizu bench account/${name}`).digest();
  const signer = await InMemorySigner.fromSecretKey(b58Encode(seed, PrefixV2.Ed25519Seed));
  const address = await signer.publicKeyHash();
  const keys = generateIdentityKeys(random, true);
  const current = keys.prekeys[0]!;
  const bundleBytes = await signBundle(
    {
      accountPublicKey: await signer.publicKey(),
      contract: CONTRACT,
      chainId: CHAIN_ID,
      identityKey: keys.identity.publicKey,
      signedPrekey: current.prekey.publicKey,
      prekeyEpoch: current.epoch,
      kemPublicKey: current.kem?.publicKey ?? null,
    },
    signer,
  );
  const bundle = verifyBundle(bundleBytes, { address, contract: CONTRACT, chainId: CHAIN_ID });
  return { name, address, keys, bundle };
}

function newConversation(ours: MizuUser, peer: MizuUser): Conversation {
  return createConversation({
    ourAddress: ours.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
}

/** One side of a conversation; `conv` is replaced as messages go through. */
interface End {
  readonly user: MizuUser;
  conv: Conversation;
}

/** The initial message from `from` to `to`, made on a conversation with no session. */
function initialEntry(
  from: MizuUser,
  to: MizuUser,
  plaintext: Uint8Array,
  extra: { postQuantum?: boolean; padding?: PaddingPolicy } = {},
): Uint8Array {
  const sent = encryptMessage(newConversation(from, to), plaintext, {
    ours: from.keys,
    random,
    bundle: to.bundle,
    ...extra,
  });
  if (!sent.startedSession) fail('an initial message did not start a session');
  return sent.entry;
}

/** Sends one message from `from` to `to` and reads it; both ends move on. */
function mizuExchange(from: End, to: End, plaintext: Uint8Array): void {
  const sent = encryptMessage(from.conv, plaintext, { ours: from.user.keys, random });
  const got = decryptEntry(to.conv, sent.entry, { ours: to.user.keys, random });
  if (got.status !== 'ok' || got.plaintext.length !== plaintext.length)
    fail(`${to.user.name} could not read a message from ${from.user.name}`);
  from.conv = sent.conversation;
  to.conv = got.conversation;
  sink(got.plaintext[0]! + sent.entry.length);
}

/** A conversation in which `a` started the session and `b` answered: both can send. */
function establishMizu(a: MizuUser, b: MizuUser, plaintext: Uint8Array): [End, End] {
  const first = encryptMessage(newConversation(a, b), plaintext, {
    ours: a.keys,
    random,
    bundle: b.bundle,
  });
  const accepted = decryptEntry(newConversation(b, a), first.entry, { ours: b.keys, random });
  if (accepted.status !== 'ok') fail('the initial message was not accepted');
  const ends: [End, End] = [
    { user: a, conv: first.conversation },
    { user: b, conv: accepted.conversation },
  ];
  mizuExchange(ends[1], ends[0], plaintext);
  return ends;
}

/**
 * `b`'s conversation with `a` at the limits that bound the work spent on a
 * foreign entry: MAX_SESSIONS_PER_CONVERSATION sessions (`a` re-installed and
 * started over each time), each keeping skipped keys of MAX_SKIPPED_CHAINS
 * chains. A foreign steady-state entry is tried against every header key.
 */
function busiestConversation(a: MizuUser, b: MizuUser, plaintext: Uint8Array): Conversation {
  let bConv = newConversation(b, a);
  for (let s = 0; s < MAX_SESSIONS_PER_CONVERSATION; s++) {
    const first = encryptMessage(newConversation(a, b), plaintext, {
      ours: a.keys,
      random,
      bundle: b.bundle,
    });
    const accepted = decryptEntry(bConv, first.entry, { ours: b.keys, random });
    if (accepted.status !== 'ok') fail('a new session was not accepted');
    const aEnd: End = { user: a, conv: first.conversation };
    const bEnd: End = { user: b, conv: accepted.conversation };
    for (let c = 0; c < MAX_SKIPPED_CHAINS; c++) {
      mizuExchange(bEnd, aEnd, plaintext); // a's next message opens a new chain…
      aEnd.conv = encryptMessage(aEnd.conv, plaintext, { ours: a.keys, random }).conversation;
      mizuExchange(aEnd, bEnd, plaintext); // …whose first message never arrived: b keeps its key
    }
    bConv = bEnd.conv;
  }
  const full = bConv.sessions.every((s) => s.ratchet.skipped.length === MAX_SKIPPED_CHAINS);
  if (bConv.sessions.length !== MAX_SESSIONS_PER_CONVERSATION || !full)
    fail('the busiest conversation is not at its limits');
  return bConv;
}

// ---------------------------------------------------------------------------
// libsignal helpers

async function signalExchange(
  from: SignalParty,
  to: SignalParty,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const message = await signalSend(from, to, plaintext);
  const opened = await signalReceive(to, from, message);
  if (opened.length !== plaintext.length) fail('libsignal returned a wrong plaintext');
  sink(opened[0]! + message.bytes.length);
}

// ---------------------------------------------------------------------------
// The measurements

interface Results {
  readonly timings: Record<string, Measurement>;
  readonly bytes: Record<string, number>;
}

async function run(batches: number): Promise<Results> {
  const plaintext = new Uint8Array(random(PLAINTEXT_BYTES));
  const timings: Record<string, Measurement> = {};
  const bytes: Record<string, number> = {};
  /** Measures the specs side by side (interleaved batches) and files them under their keys. */
  const record = async (group: Record<string, BenchmarkSpec<unknown>>): Promise<void> => {
    const specs = Object.values(group).map((spec) => ({ batches, ...spec }));
    progress(specs.map((spec) => spec.name).join(' | '));
    const measured = await measureGroup(specs);
    Object.keys(group).forEach((key, i) => {
      timings[key] = measured[i]!;
    });
  };

  progress('setting up parties');
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map((name) => createMizuUser(name)),
  );
  if (!alice || !bob || !carol) fail('parties');
  const [sa, sb, sc, sd] = await Promise.all([1, 2, 3, 4].map((id) => createSignalParty(id)));
  if (!sa || !sb || !sc || !sd) fail('libsignal parties');

  // Ping-pong: every message makes its reader perform a DH ratchet step.
  const [aliceEnd, bobEnd] = establishMizu(alice, bob, plaintext);
  await establishSignalSession(sa, sb);
  let turn = 0;
  let signalTurn = 0;
  // The X25519 work one ping-pong message needs at least (a new ratchet key
  // pair and two DH), through Mizu's x25519 module: a floor for Mizu's
  // ping-pong figure.
  const ratchetKey = x25519KeyPair(random(32));
  const peerRatchetKeys = Array.from({ length: 64 }, () => x25519KeyPair(random(32)).publicKey);
  await record({
    pingpong: {
      name: 'Mizu ping-pong',
      run: (ops) => {
        for (let i = 0; i < ops; i++) {
          if ((turn++ & 1) === 0) mizuExchange(aliceEnd, bobEnd, plaintext);
          else mizuExchange(bobEnd, aliceEnd, plaintext);
        }
      },
    },
    pingpong_x25519_floor: {
      name: 'X25519 work of a ping-pong message',
      run: (ops) => {
        for (let i = 0; i < ops; i++) {
          // A copy, as a decoded header gives.
          const peer = peerRatchetKeys[i % peerRatchetKeys.length]!.slice();
          const next = x25519KeyPair(random(32));
          sink(x25519(ratchetKey.privateKey, peer)[0]! + x25519(next.privateKey, peer)[0]!);
        }
      },
    },
    libsignal_pingpong: {
      name: 'libsignal ping-pong',
      run: async (ops) => {
        for (let i = 0; i < ops; i++) {
          if ((signalTurn++ & 1) === 0) await signalExchange(sa, sb, plaintext);
          else await signalExchange(sb, sa, plaintext);
        }
      },
    },
  });

  // Burst: all messages in one direction (no DH ratchet step).
  await record({
    burst: {
      name: 'Mizu burst',
      run: (ops) => {
        for (let i = 0; i < ops; i++) mizuExchange(aliceEnd, bobEnd, plaintext);
      },
    },
    libsignal_burst: {
      name: 'libsignal burst',
      run: async (ops) => {
        for (let i = 0; i < ops; i++) await signalExchange(sa, sb, plaintext);
      },
    },
  });

  // Session start: X3DH with the ML-KEM part and the first ratchet message, from
  // a verified bundle (Mizu) or a bundle libsignal checks itself.
  const aliceFresh = newConversation(alice, bob);
  await record({
    session_start: {
      name: 'Mizu session start',
      run: (ops) => {
        for (let i = 0; i < ops; i++) {
          const sent = encryptMessage(aliceFresh, plaintext, {
            ours: alice.keys,
            random,
            bundle: bob.bundle,
          });
          if (!sent.startedSession || sent.entry[0] !== 0x13) fail('session start');
          sink(sent.entry.length);
        }
      },
    },
    libsignal_session_start: {
      name: 'libsignal session start',
      prepare: (ops) => Array.from({ length: ops }, () => new MemorySessionStore()),
      run: async (ops, stores: MemorySessionStore[]) => {
        for (let i = 0; i < ops; i++) {
          sc.sessionStore = stores[i]!;
          await startSignalSession(sc, sd);
          const message = await signalSend(sc, sd, plaintext);
          sink(message.bytes.length);
        }
      },
    },
  });

  // Session accept: each operation reads a distinct initial message.
  const bobFresh = newConversation(bob, alice);
  type SignalInitial = { readonly store: MemorySessionStore; readonly message: SignalWireMessage };
  await record({
    session_accept: {
      name: 'Mizu session accept',
      maxOps: 64,
      prepare: (ops) => Array.from({ length: ops }, () => initialEntry(alice, bob, plaintext)),
      run: (ops, entries: Uint8Array[]) => {
        for (let i = 0; i < ops; i++) {
          const got = decryptEntry(bobFresh, entries[i]!, { ours: bob.keys, random });
          if (got.status !== 'ok' || !got.startedSession) fail('session accept');
          sink(got.plaintext.length);
        }
      },
    },
    libsignal_session_accept: {
      name: 'libsignal session accept',
      maxOps: 64,
      prepare: async (ops) => {
        const prepared: SignalInitial[] = [];
        for (let i = 0; i < ops; i++) {
          sc.sessionStore = new MemorySessionStore();
          await startSignalSession(sc, sd);
          const message = await signalSend(sc, sd, plaintext);
          prepared.push({ store: new MemorySessionStore(), message });
        }
        return prepared;
      },
      run: async (ops, prepared: SignalInitial[]) => {
        for (let i = 0; i < ops; i++) {
          const { store, message } = prepared[i]!;
          sd.sessionStore = store;
          const opened = await signalReceive(sd, sc, message);
          sink(opened.length);
        }
      },
    },
  });

  // Foreign entries: Alice's postal box holds messages from Alice to Carol;
  // Bob, in conversation with Alice, tries them and must answer `not-mine`.
  const [aliceToCarol, carolEnd] = establishMizu(alice, carol, plaintext);
  const foreignSteady: Uint8Array[] = [];
  for (let i = 0; i < FOREIGN_POOL; i++) {
    // Carol answers now and then, so the pool spans several of Alice's sending chains.
    if (i % 16 === 15) mizuExchange(carolEnd, aliceToCarol, plaintext);
    const sent = encryptMessage(aliceToCarol.conv, plaintext, { ours: alice.keys, random });
    aliceToCarol.conv = sent.conversation;
    foreignSteady.push(sent.entry);
  }
  const foreignInitial = Array.from({ length: FOREIGN_POOL }, () =>
    initialEntry(alice, carol, plaintext),
  );
  const notMine = (conv: Conversation, entries: readonly Uint8Array[]) => (ops: number) => {
    for (let i = 0; i < ops; i++) {
      const got = decryptEntry(conv, entries[i % entries.length]!, {
        ours: bob.keys,
        random,
      });
      if (got.status !== 'not-mine') fail('a foreign entry was taken for ours');
      sink(i);
    }
  };
  const busiest = busiestConversation(alice, bob, plaintext);
  await record({
    foreign_skip_steady: {
      name: 'Mizu foreign steady entry',
      run: notMine(bobEnd.conv, foreignSteady),
    },
    foreign_skip_initial: {
      name: 'Mizu foreign initial entry',
      run: notMine(bobEnd.conv, foreignInitial),
    },
    foreign_skip_steady_busiest: {
      name: 'Mizu foreign steady entry, busiest conversation',
      run: notMine(busiest, foreignSteady),
    },
  });

  // Sizes.
  progress('sizes');
  const [sizeA] = establishMizu(alice, bob, plaintext);
  const steady = encryptMessage(sizeA.conv, plaintext, {
    ours: alice.keys,
    random,
    padding: NO_PADDING,
  });
  bytes.overhead_steady = steady.entry.length - PLAINTEXT_BYTES;
  bytes.overhead_steady_default_padding =
    encryptMessage(sizeA.conv, plaintext, { ours: alice.keys, random, padding: DEFAULT_PADDING })
      .entry.length - PLAINTEXT_BYTES;
  bytes.overhead_initial =
    initialEntry(alice, bob, plaintext, { postQuantum: false, padding: NO_PADDING }).length -
    PLAINTEXT_BYTES;
  bytes.overhead_initial_pq =
    initialEntry(alice, bob, plaintext, { postQuantum: true, padding: NO_PADDING }).length -
    PLAINTEXT_BYTES;

  const [se, sf] = await Promise.all([5, 6].map((id) => createSignalParty(id)));
  if (!se || !sf) fail('libsignal parties');
  await startSignalSession(se, sf);
  const signalInitial = await signalSend(se, sf, plaintext);
  bytes.libsignal_overhead_initial = signalInitial.bytes.length - PLAINTEXT_BYTES;
  await signalReceive(sf, se, signalInitial);
  const burstSizes: number[] = [];
  const pingpongSizes: number[] = [];
  for (let i = 0; i < 32; i++) {
    const fromE = i % 2 === 0;
    const message = await signalSend(fromE ? se : sf, fromE ? sf : se, plaintext);
    await signalReceive(fromE ? sf : se, fromE ? se : sf, message);
    pingpongSizes.push(message.bytes.length - PLAINTEXT_BYTES);
  }
  for (let i = 0; i < 32; i++) {
    const message = await signalSend(se, sf, plaintext);
    await signalReceive(sf, se, message);
    burstSizes.push(message.bytes.length - PLAINTEXT_BYTES);
  }
  bytes.libsignal_overhead_steady = median(burstSizes);
  bytes.libsignal_overhead_pingpong = median(pingpongSizes);
  return { timings, bytes };
}

// ---------------------------------------------------------------------------
// Report

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function libsignalVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@signalapp/libsignal-client/package.json') as { version: string }).version;
}

function formatUs(m: Measurement | undefined): string {
  if (!m) return '—';
  return `${m.medianUs.toFixed(2)} µs [${m.p10Us.toFixed(1)}–${m.p90Us.toFixed(1)}]`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const batchesArg = args.indexOf('--batches');
  const batches = batchesArg >= 0 ? Number(args[batchesArg + 1]) : 15;
  if (!Number.isInteger(batches) || batches < 1) fail('--batches needs a positive integer');
  const started = Date.now();
  const { timings: t, bytes } = await run(batches);
  const us = (key: string): number => {
    const m = t[key];
    if (!m) return fail(`missing measurement ${key}`);
    return m.medianUs;
  };

  const pingpong = us('pingpong');
  const libPingpong = us('libsignal_pingpong');
  const burst = us('burst');
  const libBurst = us('libsignal_burst');
  const foreignSteady = us('foreign_skip_steady');
  const foreignInitial = us('foreign_skip_initial');
  const foreign = Math.max(foreignSteady, foreignInitial);
  const targets = {
    pingpong: pingpong <= libPingpong / 2,
    burst: burst <= libBurst / 4,
    overhead_steady: bytes.overhead_steady! <= 72,
    foreign_skip: foreign <= 5,
  };
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const ratio = (mizu: number, lib: number) => `${(lib / mizu).toFixed(2)}×`;

  const cpus = os.cpus();
  const header =
    `Mizu protocol core vs @signalapp/libsignal-client ${libsignalVersion()}\n` +
    `node ${process.version}, ${process.platform}-${process.arch}, ${cpus[0]?.model ?? '?'} ×${cpus.length}\n` +
    `${PLAINTEXT_BYTES}-byte plaintexts; Mizu timed loops use the default padding (Padmé, minimum 32).\n` +
    `Median over batches of the mean time per operation, [p10–p90 of the batch means].`;
  const timeRows = [
    ['operation', 'Mizu', 'libsignal', 'speed-up', 'target'],
    [
      'ping-pong message (enc + dec, DH step)',
      formatUs(t.pingpong),
      formatUs(t.libsignal_pingpong),
      ratio(pingpong, libPingpong),
      `≥ 2×: ${mark(targets.pingpong)}`,
    ],
    [
      '  of which X25519 alone (node:crypto)',
      formatUs(t.pingpong_x25519_floor),
      '',
      '',
      `floor: ${((us('pingpong_x25519_floor') / pingpong) * 100).toFixed(0)}% of Mizu`,
    ],
    [
      'burst message (enc + dec)',
      formatUs(t.burst),
      formatUs(t.libsignal_burst),
      ratio(burst, libBurst),
      `≥ 4×: ${mark(targets.burst)}`,
    ],
    [
      'session start (X3DH + ML-KEM, 1st msg)',
      formatUs(t.session_start),
      formatUs(t.libsignal_session_start),
      ratio(us('session_start'), us('libsignal_session_start')),
      '',
    ],
    [
      'session accept',
      formatUs(t.session_accept),
      formatUs(t.libsignal_session_accept),
      ratio(us('session_accept'), us('libsignal_session_accept')),
      '',
    ],
    ['foreign steady entry → not-mine', formatUs(t.foreign_skip_steady), '', '', ''],
    [
      '  same, busiest conversation (24 keys)',
      formatUs(t.foreign_skip_steady_busiest),
      '',
      '',
      '(information)',
    ],
    [
      'foreign initial entry → not-mine',
      formatUs(t.foreign_skip_initial),
      '',
      '',
      `max ≤ 5 µs: ${mark(targets.foreign_skip)}`,
    ],
  ];
  const sizeRows = [
    ['overhead (entry − plaintext, no padding)', 'Mizu', 'libsignal', '', 'target'],
    [
      'steady-state message',
      `${bytes.overhead_steady} B`,
      `${bytes.libsignal_overhead_steady} B (ping-pong: ${bytes.libsignal_overhead_pingpong} B)`,
      '',
      `≤ 72 B: ${mark(targets.overhead_steady)}`,
    ],
    ['initial message', `${bytes.overhead_initial} B`, '(always with Kyber)', '', ''],
    [
      'initial message with ML-KEM',
      `${bytes.overhead_initial_pq} B`,
      `${bytes.libsignal_overhead_initial} B`,
      '',
      '',
    ],
  ];
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `${header}\n\n${table(timeRows)}\n\n${table(sizeRows)}\n\n` +
      `(${Object.values(t)[0]?.batches ?? 0} batches per figure; ${seconds.toFixed(1)} s; checksum ${sinkTotal()})\n`,
  );

  if (json) {
    const spread: Record<string, { p10_us: number; p90_us: number; ops_per_batch: number }> = {};
    for (const [key, m] of Object.entries(t)) {
      spread[key] = {
        p10_us: round(m.p10Us),
        p90_us: round(m.p90Us),
        ops_per_batch: m.opsPerBatch,
      };
    }
    const result = {
      bench: 'crypto',
      pingpong_us: round(pingpong),
      libsignal_pingpong_us: round(libPingpong),
      burst_us: round(burst),
      libsignal_burst_us: round(libBurst),
      session_start_us: round(us('session_start')),
      session_accept_us: round(us('session_accept')),
      libsignal_session_start_us: round(us('libsignal_session_start')),
      libsignal_session_accept_us: round(us('libsignal_session_accept')),
      foreign_skip_steady_us: round(foreignSteady),
      foreign_skip_initial_us: round(foreignInitial),
      foreign_skip_us: round(foreign),
      foreign_skip_steady_busiest_us: round(us('foreign_skip_steady_busiest')),
      pingpong_x25519_floor_us: round(us('pingpong_x25519_floor')),
      overhead_steady_bytes: bytes.overhead_steady,
      overhead_steady_default_padding_bytes: bytes.overhead_steady_default_padding,
      overhead_initial_bytes: bytes.overhead_initial,
      overhead_initial_pq_bytes: bytes.overhead_initial_pq,
      libsignal_overhead_steady_bytes: bytes.libsignal_overhead_steady,
      libsignal_overhead_pingpong_bytes: bytes.libsignal_overhead_pingpong,
      libsignal_overhead_initial_pq_bytes: bytes.libsignal_overhead_initial,
      targets,
      padding: 'timed loops: default (padme, minimum 32); overhead figures: none',
      plaintext_bytes: PLAINTEXT_BYTES,
      batches: Object.values(t)[0]?.batches ?? 0,
      spread,
      node: process.version,
      libsignal_version: libsignalVersion(),
      cpu: `${cpus[0]?.model ?? '?'} x${cpus.length}`,
      duration_s: round(seconds, 1),
      checksum: sinkTotal(),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

await main();
