/**
 * The sandbox benchmark: many concurrent senders posting to the Mizu
 * contract through the sandbox's RPC (HTTP on loopback, in this process).
 *
 *   tsx bench/sandbox.ts [--json] [--senders N] [--rounds N]
 *
 * Setup (untimed): N fresh accounts funded by the faucet, each revealed and
 * registered on the Mizu contract. Then, per round, every sender's `post`
 * (one 256-byte entry) is forged and signed beforehand (client work, not
 * the node's), all are injected concurrently over HTTP, and a block is
 * baked (POST /mizu/bake). Figures:
 *
 * - injected_posts_per_s: posts / time to inject them all (the node
 *   validates, checks the signature and runs the contract at injection);
 * - included_posts_per_s: posts / (injection + baking) time;
 * - block_apply_ms: median time to bake a block of N posts (writing the
 *   block and its state changes to SQLite, one transaction);
 * - per_op_apply_us: injection time per post (decode, validate, execute).
 *
 * The data directory is a fresh temporary folder (SQLite on disk, as the
 * CLI runs it). With --json the last stdout line is one JSON object.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import { startSandbox } from '../src/sandbox/server.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SENDERS = numArg('--senders', 300);
const ROUNDS = numArg('--rounds', 5);
const log = (s: string) => process.stderr.write(`${s}\n`);

const forger = new LocalForger();
const dataDir = mkdtempSync(join(tmpdir(), 'mizu-bench-sandbox-'));
const sandbox = await startSandbox({ port: 0, blockTime: 0, dataDir });
const url = sandbox.url;

async function post(path: string, body: unknown): Promise<unknown> {
  const r = await fetch(url + path, { method: 'POST', body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`Cannot POST ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

interface Sender {
  signer: InMemorySigner;
  address: string;
  publicKey: string;
  counter: bigint;
}

async function signed(s: Sender, contents: Record<string, unknown>[]): Promise<string> {
  const branch = sandbox.node.head().hash;
  const full = contents.map((c) => ({
    source: s.address,
    fee: '5000',
    gas_limit: '20000',
    storage_limit: '1000',
    counter: String(++s.counter),
    ...c,
  }));
  const bytes = await forger.forge({ branch, contents: full as never });
  return (await s.signer.sign(bytes, new Uint8Array([3]))).sbytes;
}

log(`setup: ${SENDERS} senders`);
const senders: Sender[] = [];
for (let i = 0; i < SENDERS; i++) {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  seed[31] = 0x42;
  const signer = new InMemorySigner(b58Encode(seed, PrefixV2.Ed25519Seed));
  const s = {
    signer,
    address: await signer.publicKeyHash(),
    publicKey: await signer.publicKey(),
    counter: 0n,
  };
  senders.push(s);
  await post('/mizu/faucet', { address: s.address, amount: '10000000' });
}
sandbox.bake();
for (const s of senders) s.counter = sandbox.node.store.account(s.address)!.counter;
const contract = sandbox.contract;
await Promise.all(
  senders.map(async (s) => {
    const hex = await signed(s, [
      { kind: 'reveal', public_key: s.publicKey, gas_limit: '1000' },
      {
        kind: 'transaction',
        amount: '0',
        destination: contract,
        parameters: {
          entrypoint: 'register',
          value: { prim: 'Pair', args: [{ string: s.publicKey }, { bytes: 'aa'.repeat(64) }] },
        },
      },
    ]);
    await post('/injection/operation', hex);
  }),
);
sandbox.bake();

const entry = 'cd'.repeat(256);
const injectMs: number[] = [];
const bakeMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const ops = await Promise.all(
    senders.map((s) =>
      signed(s, [
        {
          kind: 'transaction',
          amount: '0',
          destination: contract,
          parameters: { entrypoint: 'post', value: [{ bytes: entry }] },
        },
      ]),
    ),
  );
  const t0 = performance.now();
  await Promise.all(ops.map((hex) => post('/injection/operation', hex)));
  const t1 = performance.now();
  const block = (await post('/mizu/bake', {})) as { level: number; hash: string };
  const t2 = performance.now();
  const included = (sandbox.node.block(String(block.level)).operations as unknown[][])[3]!.length;
  if (included !== SENDERS) throw new Error(`round ${round}: ${included}/${SENDERS} included`);
  injectMs.push(t1 - t0);
  bakeMs.push(t2 - t1);
  log(`round ${round}: inject ${(t1 - t0).toFixed(0)} ms, bake ${(t2 - t1).toFixed(0)} ms`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const totalInject = injectMs.reduce((a, b) => a + b, 0);
const totalBake = bakeMs.reduce((a, b) => a + b, 0);
const posts = SENDERS * ROUNDS;
const result = {
  senders: SENDERS,
  rounds: ROUNDS,
  posts,
  injected_posts_per_s: Math.round((posts / totalInject) * 1000),
  included_posts_per_s: Math.round((posts / (totalInject + totalBake)) * 1000),
  block_apply_ms: Math.round(median(bakeMs) * 10) / 10,
  per_op_apply_us: Math.round((totalInject / posts) * 1000),
};
await sandbox.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(
  `sandbox: ${posts} posts by ${SENDERS} senders in ${ROUNDS} blocks\n` +
    `  injected ${result.injected_posts_per_s} posts/s, included ${result.included_posts_per_s} posts/s\n` +
    `  block of ${SENDERS} posts baked in ${result.block_apply_ms} ms (median)\n`,
);
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
