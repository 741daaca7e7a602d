/**
 * The on-chain cost benchmark: what Mizu's operations cost on the sandbox
 * node (in this process, blocks baked on demand), sent by unmodified Taquito
 * with test accounts, and read back from each included operation's receipt
 * (bench/receipt.ts): bytes stored, fee, storage burn, gas.
 *
 *   tsx bench/cost.ts [--json]
 *
 * Scenario (a 100-byte text throughout, real protocol-core entries):
 * - registration with a hybrid (ML-KEM) and a classic bundle;
 * - Alice → Bob session start with the post-quantum part (the default),
 *   Bob's reply, then Alice's steady-state messages with Padmé padding (the
 *   default) and without padding, and eight steady-state messages in one post;
 * - Carol → Bob: a sealed discovery request and a session start without the
 *   post-quantum part;
 * - the cost of the next one-entry post when the poster's box holds 1, 10,
 *   100, 1,000 and 10,000 entries. The box is filled with batches of posts of
 *   8 entries (as many as one operation of at most 32,768 bytes holds), one
 *   operation per block, as mainnet allows one manager operation per account
 *   per block.
 *
 * Every entry is decrypted by its reader before the next step, so every
 * figure is the cost of a message that works. Bytes, mutez and gas are
 * deterministic; only the fill time depends on the machine.
 * With --json the last stdout line is one JSON object with every figure.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySigner } from '@taquito/signer';
import { type ContractAbstraction, type ContractProvider, TezosToolkit } from '@taquito/taquito';
import { toHex, utf8 } from '../src/protocol/bytes.js';
import {
  type Conversation,
  createConversation,
  decryptEntry,
  encryptMessage,
  openRequest,
  type PaddingPolicy,
  sealRequest,
  verifyRequestSender,
} from '../src/protocol/index.js';
import { startSandbox } from '../src/sandbox/server.js';
import { makeUser, seededRandom, type TestUser, testSecretKey } from '../test/helpers/fixtures.js';
import { type OperationCost, receiptOf } from './receipt.js';

const CHAIN_ID = 'NetXdQprcVkpaWU';
const TEXT = utf8('x'.repeat(100));
const BOX_LENGTHS = [1, 10, 100, 1_000, 10_000] as const;
const ENTRIES_PER_POST = 8;
const MAX_OPERATION_BYTES = 32_768;
const FILL_ENTRY_BYTES = 166;
const json = process.argv.includes('--json');
const log = (s: string) => process.stderr.write(`${s}\n`);
const random = seededRandom('bench/cost');

const dataDir = mkdtempSync(join(tmpdir(), 'mizu-bench-cost-'));
const sandbox = await startSandbox({ port: 0, blockTime: 0, dataDir });

type Mizu = ContractAbstraction<ContractProvider>;

interface Party {
  readonly user: TestUser;
  readonly tz: TezosToolkit;
  readonly mizu: Mizu;
}

async function fund(address: string, tez: number): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: String(BigInt(tez) * 1_000_000n) }),
  });
  if (!r.ok) throw new Error(`Cannot fund ${address}: ${r.status} ${await r.text()}`);
  sandbox.bake();
}

async function party(name: string, withKem: boolean, tez: number): Promise<Party> {
  const secretKey = testSecretKey(`bench cost ${name}`);
  const user = await makeUser(name, secretKey, random, {
    withKem,
    contract: sandbox.contract,
    chainId: CHAIN_ID,
  });
  const tz = new TezosToolkit(sandbox.url);
  tz.setProvider({ signer: new InMemorySigner(secretKey) });
  await fund(user.address, tez);
  return { user, tz, mizu: await tz.contract.at(sandbox.contract) };
}

const balance = async (p: Party) => BigInt((await p.tz.tz.getBalance(p.user.address)).toFixed());

interface Measured {
  readonly receipt: OperationCost;
  /** Signed operation bytes as injected. */
  readonly operationBytes: number;
}

/**
 * Sends one contract call, bakes, and returns its receipt. The receipt's fee
 * and burn must add up to what left the sender's balance.
 */
async function measured(
  p: Party,
  call: (m: Mizu) => ReturnType<NonNullable<Mizu['methodsObject'][string]>>,
): Promise<Measured> {
  const before = await balance(p);
  const op = await call(p.mizu).send();
  sandbox.bake();
  const receipt = await receiptOf(p.tz.rpc, op.hash);
  const spent = before - (await balance(p));
  if (receipt.contents.some((c) => c.status !== 'applied'))
    throw new Error(`Operation ${op.hash} was not applied`);
  if (spent !== receipt.totalMutez)
    throw new Error(
      `Receipt of ${op.hash} says ${receipt.totalMutez} mutez, balance moved ${spent}`,
    );
  const raw = (op as unknown as { raw: { opbytes: string } }).raw;
  return { receipt, operationBytes: raw.opbytes.length / 2 };
}

const transaction = (m: Measured) => m.receipt.contents.find((c) => c.kind === 'transaction')!;

interface Row {
  readonly name: string;
  readonly entry_bytes: number;
  readonly storage_bytes: number;
  readonly gas: number;
  readonly fee_mutez: number;
  readonly burn_mutez: number;
  readonly total_mutez: number;
  readonly operation_bytes: number;
}

const rows: Row[] = [];

function record(name: string, entryBytes: number, m: Measured): Row {
  const t = transaction(m);
  const row = {
    name,
    entry_bytes: entryBytes,
    storage_bytes: t.paidStorageBytes,
    gas: Math.ceil(Number(t.milligas) / 1000),
    fee_mutez: Number(t.feeMutez),
    burn_mutez: Number(t.burnMutez),
    total_mutez: Number(t.feeMutez + t.burnMutez),
    operation_bytes: m.operationBytes,
  };
  rows.push(row);
  log(`${name}: ${row.storage_bytes} B stored, ${row.total_mutez} mutez`);
  return row;
}

const register = (p: Party) =>
  measured(p, (m) =>
    m.methodsObject.register!({ key: p.user.publicKey, bundle: toHex(p.user.bundleBytes) }),
  );
const post = (p: Party, entries: readonly Uint8Array[]) =>
  measured(p, (m) => m.methodsObject.post!(entries.map(toHex)));

function conversation(me: Party, peer: Party): Conversation {
  return createConversation({
    ourAddress: me.user.address,
    peerAddress: peer.user.address,
    peerIdentityKey: peer.user.bundle.identityKey,
    contract: sandbox.contract,
    chainId: CHAIN_ID,
  });
}

/** One side of a conversation, with its state kept between messages. */
class Side {
  conv: Conversation;
  constructor(
    readonly me: Party,
    readonly peer: Party,
  ) {
    this.conv = conversation(me, peer);
  }
  encrypt(options: { postQuantum?: boolean; padding?: PaddingPolicy } = {}): Uint8Array {
    const out = encryptMessage(this.conv, TEXT, {
      ours: this.me.user.keys,
      random,
      bundle: this.peer.user.bundle,
      ...options,
    });
    this.conv = out.conversation;
    return out.entry;
  }
  decrypt(entry: Uint8Array): void {
    const out = decryptEntry(this.conv, entry, { ours: this.me.user.keys, random });
    if (out.status !== 'ok' || out.plaintext.length !== TEXT.length)
      throw new Error(`${this.me.user.name} cannot read an entry from ${this.peer.user.name}`);
    this.conv = out.conversation;
  }
}

/** Sends `entry` from `from.me`, has `to` read it, and records the cost. */
async function message(name: string, from: Side, to: Side, entry: Uint8Array): Promise<Row> {
  const row = record(name, entry.length, await post(from.me, [entry]));
  to.decrypt(entry);
  return row;
}

log('setup: parties funded and registered');
const alice = await party('alice', true, 1_000);
const bob = await party('bob', true, 1_000);
const carol = await party('carol', false, 1_000);
const filler = await party('filler', true, 5_000);
// First calls carry Taquito's reveal; registrations are recorded without it.
const registerHybrid = record('register (hybrid bundle)', 0, await register(alice));
await register(bob);
const registerClassic = record('register (classic bundle)', 0, await register(carol));
const registerAgain = record('register again (same bundle)', 0, await register(alice));
await register(filler);

const aToB = new Side(alice, bob);
const bToA = new Side(bob, alice);
const cToB = new Side(carol, bob);
const bToC = new Side(bob, carol);

const startPq = await message('session start, post-quantum', aToB, bToA, aToB.encrypt());
await message('reply (first steady-state message)', bToA, aToB, bToA.encrypt());
const steady = await message('steady-state message, Padmé', aToB, bToA, aToB.encrypt());
const steadyNoPad = await message(
  'steady-state message, no padding',
  aToB,
  bToA,
  aToB.encrypt({ padding: { kind: 'none' } }),
);
const eight = Array.from({ length: ENTRIES_PER_POST }, () => aToB.encrypt());
const eightRow = record(
  '8 steady-state messages in one post',
  eight.reduce((a, e) => a + e.length, 0),
  await post(alice, eight),
);
for (const e of eight) bToA.decrypt(e);

const sealed = sealRequest({
  ourIdentity: carol.user.keys.identity,
  ourAddress: carol.user.address,
  recipient: bob.user.bundle,
  postalIndex: 0n,
  note: 'Hi Bob, it is Carol',
  random,
});
const requestRow = record(
  'discovery request',
  sealed.length,
  await measured(carol, (m) =>
    m.methodsObject.request!({ recipient: bob.user.address, sealed: toHex(sealed) }),
  ),
);
const opened = openRequest(sealed, bob.user.keys, {
  contract: sandbox.contract,
  chainId: CHAIN_ID,
});
verifyRequestSender(opened, carol.user.bundle, {
  identity: bob.user.keys.identity,
  address: bob.user.address,
});
const startClassic = await message(
  'session start, classic (no ML-KEM)',
  cToB,
  bToC,
  cToB.encrypt({ postQuantum: false }),
);

/** Fills the filler's box to `target` entries with batches of full posts. */
async function fillTo(target: number, current: number): Promise<number> {
  const fillEntry = () => randomBytes(FILL_ENTRY_BYTES);
  while (current < target) {
    const batch = filler.tz.contract.batch();
    let posts = 0;
    let entries = 0;
    let bytes = 200; // branch, signature and slack
    while (current + entries < target) {
      const n = Math.min(ENTRIES_PER_POST, target - current - entries);
      const size = 100 + n * (FILL_ENTRY_BYTES + 5);
      if (bytes + size > MAX_OPERATION_BYTES) break;
      batch.withContractCall(
        filler.mizu.methodsObject.post!(Array.from({ length: n }, () => toHex(fillEntry()))),
      );
      posts++;
      entries += n;
      bytes += size;
    }
    const op = await batch.send();
    const opBytes = (op as unknown as { raw: { opbytes: string } }).raw.opbytes.length / 2;
    if (opBytes > MAX_OPERATION_BYTES) throw new Error(`A fill operation has ${opBytes} bytes`);
    sandbox.bake();
    const receipt = await receiptOf(filler.tz.rpc, op.hash);
    if (receipt.contents.length !== posts || receipt.contents.some((c) => c.status !== 'applied'))
      throw new Error(`Fill operation ${op.hash} was not applied`);
    current += entries;
  }
  return current;
}

interface BoxPoint {
  readonly box_entries: number;
  readonly gas: number;
  readonly milligas: number;
  readonly storage_bytes: number;
  readonly fee_mutez: number;
  readonly burn_mutez: number;
}

const boxPoints: BoxPoint[] = [];
let boxLength = 0;
const fillStarted = performance.now();
let fillMs = 0;
for (const target of BOX_LENGTHS) {
  const t0 = performance.now();
  boxLength = await fillTo(target, boxLength);
  fillMs += performance.now() - t0;
  const m = await post(filler, [randomBytes(FILL_ENTRY_BYTES)]);
  const t = transaction(m);
  boxPoints.push({
    box_entries: boxLength,
    gas: Math.ceil(Number(t.milligas) / 1000),
    milligas: Number(t.milligas),
    storage_bytes: t.paidStorageBytes,
    fee_mutez: Number(t.feeMutez),
    burn_mutez: Number(t.burnMutez),
  });
  log(`box of ${boxLength}: next post ${t.milligas} milligas, ${t.paidStorageBytes} B`);
  boxLength += 1;
}
const counters = (await filler.mizu.contractViews.get_counters!([filler.user.address]).executeView({
  viewCaller: filler.user.address,
})) as { 1: { toNumber(): number } }[];
const posted = counters[0]![1].toNumber();
if (posted !== boxLength)
  throw new Error(`The filler's box holds ${posted}, expected ${boxLength}`);
log(`filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);

await sandbox.close();
rmSync(dataDir, { recursive: true, force: true });

const tez = (mutez: number) => mutez / 1_000_000;
const at = (n: number) => boxPoints.find((p) => p.box_entries === n)!;
const ratio = (a: number, b: number) => Math.round((a / b) * 1e6) / 1e6;
const result = {
  bench: 'cost',
  plaintext_bytes: TEXT.length,
  cost_per_byte_mutez: 250,
  message_cost_tez: tez(steady.total_mutez),
  message_bytes_on_chain: steady.storage_bytes,
  message_entry_bytes: steady.entry_bytes,
  message_nopad_cost_tez: tez(steadyNoPad.total_mutez),
  message_nopad_bytes_on_chain: steadyNoPad.storage_bytes,
  message_nopad_entry_bytes: steadyNoPad.entry_bytes,
  message_in_post_of_8_cost_tez: tez(eightRow.total_mutez / ENTRIES_PER_POST),
  session_start_cost_tez: tez(startClassic.total_mutez),
  session_start_bytes_on_chain: startClassic.storage_bytes,
  session_start_pq_cost_tez: tez(startPq.total_mutez),
  session_start_pq_bytes_on_chain: startPq.storage_bytes,
  request_cost_tez: tez(requestRow.total_mutez),
  request_bytes_on_chain: requestRow.storage_bytes,
  register_hybrid_cost_tez: tez(registerHybrid.total_mutez),
  register_classic_cost_tez: tez(registerClassic.total_mutez),
  register_again_cost_tez: tez(registerAgain.total_mutez),
  post_gas_ratio_10000_vs_1: ratio(at(10_000).milligas, at(1).milligas),
  post_storage_ratio_10000_vs_1: ratio(at(10_000).storage_bytes, at(1).storage_bytes),
  post_vs_box: boxPoints,
  operations: rows,
  fill_entries: boxLength,
  fill_s: Math.round(fillMs / 100) / 10,
};

const pad = (s: string | number, n: number) => String(s).padStart(n);
process.stdout.write(
  `On-chain costs on the sandbox (mainnet economics: 250 mutez per byte), 100-byte text\n\n` +
    `${'operation'.padEnd(38)}${pad('entry B', 8)}${pad('stored B', 9)}${pad('gas', 7)}` +
    `${pad('fee', 7)}${pad('burn', 8)}${pad('total tez', 11)}\n` +
    rows
      .map(
        (r) =>
          `${r.name.padEnd(38)}${pad(r.entry_bytes || '', 8)}${pad(r.storage_bytes, 9)}` +
          `${pad(r.gas, 7)}${pad(r.fee_mutez, 7)}${pad(r.burn_mutez, 8)}` +
          `${pad(tez(r.total_mutez).toFixed(6), 11)}\n`,
      )
      .join('') +
    `\nNext one-entry post (${FILL_ENTRY_BYTES} B) by box length\n` +
    boxPoints
      .map(
        (p) =>
          `  ${pad(p.box_entries, 6)} entries: gas ${p.gas}, stored ${p.storage_bytes} B, ` +
          `fee ${p.fee_mutez} + burn ${p.burn_mutez} mutez\n`,
      )
      .join('') +
    `  ratio 10,000 vs 1: gas ${result.post_gas_ratio_10000_vs_1}, ` +
    `storage ${result.post_storage_ratio_10000_vs_1}\n`,
);
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
