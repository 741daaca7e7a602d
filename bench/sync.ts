/**
 * The engine's sync benchmark on the sandbox (in this process, blocks baked
 * on demand), with the engine's reads going through a counting HTTP proxy:
 *
 *   tsx bench/sync.ts [--json] [--entries N] [--mine N] [--contacts N]
 *
 * 1. sync_10k: a contact's postal box holds N entries (default 10,000), of
 *    which M (default 100, spread evenly) are for us and the rest are that
 *    contact's real messages to someone else. We add the contact (cursor 0)
 *    and time one `sync({ only: [contact] })` (that box alone, without our
 *    request box): seconds, RPC requests, bytes received.
 * 2. idle poll: with C more contacts (default 50) and nothing new anywhere,
 *    one `sync()`: RPC requests and bytes received, per contact — with the
 *    default isolated counter reads (one request per contact plus one for
 *    our request box) and with batched counter reads (one request).
 *
 * Setup (untimed): the entries are encrypted with the protocol core using
 * the sender's keys from its profile, and posted 160 per operation (20
 * `post` calls of 8 entries), one operation per block. With --json the last
 * stdout line is one JSON object.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import { createChain } from '../src/adapters/chain/index.js';
import { systemClock } from '../src/adapters/systemClock.js';
import { systemRandom } from '../src/adapters/systemRandom.js';
import { Engine, MIGRATIONS } from '../src/engine/index.js';
import { decodeIdentityKeys } from '../src/engine/keysCodec.js';
import {
  type Conversation,
  createConversation,
  encryptMessage,
  generateIdentityKeys,
  signBundle,
  verifyBundle,
} from '../src/protocol/index.js';
import { startSandbox } from '../src/sandbox/server.js';
import { createProfile, TEST_KDF } from '../src/store/index.js';
import { startCountingProxy } from './countingProxy.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ENTRIES = numArg('--entries', 10_000);
const MINE = numArg('--mine', 100);
const CONTACTS = numArg('--contacts', 50);
const log = (s: string) => process.stderr.write(`${s}\n`);

const clock = systemClock;

const dir = mkdtempSync(join(tmpdir(), 'mizu-bench-sync-'));
const sandbox = await startSandbox({ port: 0, blockTime: 0 });
const baker = setInterval(() => sandbox.bake(), 20);

const proxy = await startCountingProxy(sandbox.url, { countHeaderBytes: true });
const { counts } = proxy;
const proxyUrl = proxy.url;

async function fund(address: string): Promise<void> {
  const r = await fetch(`${sandbox.url}/mizu/faucet`, {
    method: 'POST',
    body: JSON.stringify({ address, amount: '1000000000' }),
  });
  if (r.status !== 200) throw new Error(`faucet: ${await r.text()}`);
  sandbox.bake();
}

async function party(name: string, url = sandbox.url) {
  const store = createProfile({
    home: join(dir, name),
    passphrase: 'bench',
    migrations: MIGRATIONS,
    kdf: TEST_KDF,
  });
  const chain = await createChain({ urls: [url], contract: sandbox.contract, pollMs: 10 });
  const engine = new Engine({ store, chain, clock, random: systemRandom, network: 'sandbox' });
  const id = await engine.createIdentity({ name });
  await fund(id.address);
  await engine.publishBundle();
  return { store, chain, engine, address: id.address };
}

const forger = new LocalForger();
async function injectBatch(
  signer: InMemorySigner,
  source: string,
  calls: { entrypoint: string; value: unknown }[],
): Promise<void> {
  let counter = sandbox.node.store.account(source)!.counter;
  const contents = calls.map((c) => ({
    kind: 'transaction',
    source,
    fee: '20000',
    gas_limit: '20000',
    storage_limit: '4000',
    counter: String(++counter),
    amount: '0',
    destination: sandbox.contract,
    parameters: { entrypoint: c.entrypoint, value: c.value },
  }));
  const bytes = await forger.forge({
    branch: sandbox.node.head().hash,
    contents: contents as never,
  });
  const signed = (await signer.sign(bytes, new Uint8Array([3]))).sbytes;
  const r = await fetch(`${sandbox.url}/injection/operation`, {
    method: 'POST',
    body: JSON.stringify(signed),
  });
  if (r.status !== 200) throw new Error(`inject: ${await r.text()}`);
  sandbox.bake();
}

log(`setup: a box of ${ENTRIES} entries, ${MINE} for the reader`);
const alice = await party('alice');
const carol = await party('carol');
const bob = await party('bob', proxyUrl);
const chainId = bob.chain.chainId;
const ctx = { contract: sandbox.contract, chainId };

const aliceRow = alice.store.db.prepare('SELECT secret_key, keys FROM identities').get() as {
  secret_key: string;
  keys: Buffer;
};
const aliceKeys = decodeIdentityKeys(new Uint8Array(aliceRow.keys));
const aliceSigner = await InMemorySigner.fromSecretKey(aliceRow.secret_key);
const bundleOf = async (address: string) =>
  verifyBundle((await alice.chain.getUser(address, 'directory'))!.bundle, { address, ...ctx });
const bobBundle = await bundleOf(bob.address);
const carolBundle = await bundleOf(carol.address);
const conv = (peer: typeof bobBundle): Conversation =>
  createConversation({
    ourAddress: alice.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.identityKey,
    ...ctx,
  });
let toBob = conv(bobBundle);
let toCarol = conv(carolBundle);
const entries: Uint8Array[] = [];
const every = Math.floor(ENTRIES / MINE);
for (let i = 0; i < ENTRIES; i++) {
  const forBob = i % every === every - 1 && entries.filter(Boolean).length >= 0;
  const text = new TextEncoder().encode(
    `${forBob ? 'bob' : 'carol'} message ${i}: some text of an ordinary length`,
  );
  const peer = forBob ? bobBundle : carolBundle;
  const out = encryptMessage(forBob ? toBob : toCarol, text, {
    ours: aliceKeys,
    random: systemRandom,
    bundle: peer,
  });
  if (forBob) toBob = out.conversation;
  else toCarol = out.conversation;
  entries.push(out.entry);
}
const perOp = 160;
for (let i = 0; i < entries.length; i += perOp) {
  const chunk = entries.slice(i, i + perOp);
  const calls = [];
  for (let j = 0; j < chunk.length; j += 8) {
    calls.push({
      entrypoint: 'post',
      value: chunk.slice(j, j + 8).map((e) => ({ bytes: Buffer.from(e).toString('hex') })),
    });
  }
  await injectBatch(aliceSigner, alice.address, calls);
}
const posted = (await bob.chain.getCounters([alice.address], 'directory')).get(alice.address);
if (posted?.posts !== ENTRIES)
  throw new Error(`expected ${ENTRIES} entries, found ${posted?.posts}`);
await bob.engine.addContact(alice.address, 'alice');
clearInterval(baker);

log('sync of the big box');
counts.requests = 0;
counts.bytes = 0;
const t0 = performance.now();
const report = await bob.engine.sync({ only: [alice.address] });
const syncS = (performance.now() - t0) / 1000;
const syncRequests = counts.requests;
const syncBytes = counts.bytes;
if (report.newMessages !== MINE)
  throw new Error(`expected ${MINE} messages, got ${report.newMessages}`);
const texts = bob.engine.messages('alice', { limit: MINE }).map((m) => m.text);
if (!texts.every((t) => t.startsWith('bob message'))) throw new Error('wrong messages');

log(`setup: ${CONTACTS} idle contacts`);
const contactBundles: string[] = [];
const baker2 = setInterval(() => sandbox.bake(), 20);
const signers: InMemorySigner[] = [];
for (let i = 0; i < CONTACTS; i++) {
  const signer = new InMemorySigner(b58Encode(systemRandom(32), PrefixV2.Ed25519Seed));
  signers.push(signer);
  const address = await signer.publicKeyHash();
  await fund(address);
  contactBundles.push(address);
}
clearInterval(baker2);
for (const signer of signers) {
  const address = await signer.publicKeyHash();
  const publicKey = await signer.publicKey();
  const keys = generateIdentityKeys(systemRandom);
  const bundle = await signBundle(
    {
      accountPublicKey: publicKey,
      ...ctx,
      identityKey: keys.identity.publicKey,
      signedPrekey: keys.prekeys[0]!.prekey.publicKey,
      prekeyEpoch: 0,
      kemPublicKey: keys.prekeys[0]!.kem!.publicKey,
    },
    signer,
  );
  let counter = sandbox.node.store.account(address)!.counter;
  const bytes = await forger.forge({
    branch: sandbox.node.head().hash,
    contents: [
      {
        kind: 'reveal',
        source: address,
        fee: '2000',
        gas_limit: '2000',
        storage_limit: '0',
        counter: String(++counter),
        public_key: publicKey,
      },
      {
        kind: 'transaction',
        source: address,
        fee: '20000',
        gas_limit: '20000',
        storage_limit: '3000',
        counter: String(++counter),
        amount: '0',
        destination: sandbox.contract,
        parameters: {
          entrypoint: 'register',
          value: {
            prim: 'Pair',
            args: [{ string: publicKey }, { bytes: Buffer.from(bundle).toString('hex') }],
          },
        },
      },
    ] as never,
  });
  const signed = (await signer.sign(bytes, new Uint8Array([3]))).sbytes;
  const r = await fetch(`${sandbox.url}/injection/operation`, {
    method: 'POST',
    body: JSON.stringify(signed),
  });
  if (r.status !== 200) throw new Error(`register: ${await r.text()}`);
}
sandbox.bake();
for (const [i, address] of contactBundles.entries()) await bob.engine.addContact(address, `c${i}`);
await bob.engine.sync();

log('idle poll');
const contacts = CONTACTS + 1;
async function idlePoll(engine: Engine) {
  counts.requests = 0;
  counts.bytes = 0;
  const t = performance.now();
  const idle = await engine.sync();
  const ms = performance.now() - t;
  if (idle.newMessages !== 0) throw new Error('the idle poll found something');
  return { requests: counts.requests, bytes: counts.bytes, ms };
}
const isolated = await idlePoll(bob.engine);
// The same profile, read with batched counters (one request naming every contact).
const batchedEngine = new Engine({
  store: bob.store,
  chain: bob.chain,
  clock,
  random: systemRandom,
  network: 'sandbox',
  isolatedCounterReads: false,
});
const batched = await idlePoll(batchedEngine);
const result = {
  sync_entries: ENTRIES,
  sync_mine: MINE,
  sync_10k_s: Number(syncS.toFixed(3)),
  sync_10k_requests: syncRequests,
  sync_10k_bytes: syncBytes,
  idle_poll_contacts: contacts,
  idle_poll_requests: isolated.requests,
  idle_poll_bytes: isolated.bytes,
  idle_poll_ms: Number(isolated.ms.toFixed(1)),
  idle_poll_requests_per_contact: Number((isolated.requests / contacts).toFixed(4)),
  idle_poll_bytes_per_contact: Number((isolated.bytes / contacts).toFixed(1)),
  idle_poll_batched_requests: batched.requests,
  idle_poll_batched_bytes: batched.bytes,
  idle_poll_batched_requests_per_contact: Number((batched.requests / contacts).toFixed(4)),
  idle_poll_batched_bytes_per_contact: Number((batched.bytes / contacts).toFixed(1)),
};
for (const p of [alice, bob, carol]) {
  p.store.close();
  await p.chain.close();
}
proxy.close();
await sandbox.close();
rmSync(dir, { recursive: true, force: true });

if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `sync of ${ENTRIES} entries (${MINE} mine): ${result.sync_10k_s} s, ${syncRequests} requests, ${syncBytes} bytes\n` +
      `idle poll of ${contacts} contacts, isolated counter reads (default): ${isolated.requests} requests, ${isolated.bytes} bytes ` +
      `(${result.idle_poll_requests_per_contact} requests, ${result.idle_poll_bytes_per_contact} bytes per contact), ${result.idle_poll_ms} ms\n` +
      `idle poll, batched counter reads: ${batched.requests} request(s), ${batched.bytes} bytes ` +
      `(${result.idle_poll_batched_requests_per_contact} requests, ${result.idle_poll_batched_bytes_per_contact} bytes per contact)\n`,
  );
}
