/**
 * Crash safety: two profiles talk through child processes (crashChild.ts)
 * that the test kills with SIGKILL at random moments — while sending,
 * committing, posting, waiting for inclusion, syncing — 200 kills in all
 * (1,000 under SOAK). Afterwards every message either side committed is
 * received exactly once, in order, and both sides keep talking.
 *
 * The child is bundled once with esbuild (tsx's own dependency) and loaded
 * with a V8 code cache, so that a restart costs a plain `node` start rather
 * than a TypeScript compile (it can also run as
 * `node --import tsx test/engine/crashChild.ts …`).
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { SOAK } from '../helpers/fixtures.js';
import { type Party, systemClock, transcript, World } from './harness.js';

const PAIRS = 1;
const KILLS = Number(process.env.MIZU_CRASH_KILLS ?? (SOAK ? 1000 : 200));
const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, 'node_modules/.cache/mizu-test');
const BUNDLE = join(CACHE, 'crashChild.cjs');
const LOADER = join(CACHE, 'crashChildLoader.cjs');

/**
 * Loads the bundled child with V8's code cache (written on first run), so a
 * restart skips compiling the 3 MB bundle: most of what remains is the
 * libraries' own start-up work.
 */
const LOADER_SOURCE = `
const fs = require('node:fs');
const vm = require('node:vm');
const { wrap } = require('node:module');
const file = ${JSON.stringify(BUNDLE)};
const cacheFile = file + '.v8';
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const m = { exports: {} };
script.runInThisContext().call(m.exports, m.exports, require, m, file, ${JSON.stringify(CACHE)});
if (!cachedData || script.cachedDataRejected) {
  const tmp = cacheFile + '.' + process.pid;
  fs.writeFileSync(tmp, script.createCachedData());
  fs.renameSync(tmp, cacheFile);
}
`;

async function bundleChild(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  rmSync(`${BUNDLE}.v8`, { force: true });
  await build({
    entryPoints: [join(ROOT, 'test/engine/crashChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['better-sqlite3-multiple-ciphers', 'better-sqlite3', 'sodium-native'],
    outfile: BUNDLE,
    logLevel: 'error',
    // CommonJS has no import.meta: give modules that compute paths from it a plausible one.
    define: {
      'import.meta.url': JSON.stringify(
        pathToFileURL(join(ROOT, 'src/adapters/chain/index.ts')).href,
      ),
    },
  });
  writeFileSync(LOADER, LOADER_SOURCE);
}

function startChild(args: string[]): {
  child: ChildProcess;
  ready: Promise<void>;
  exit: Promise<void>;
} {
  const child = spawn(process.execPath, [LOADER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) resolve();
    });
    child.once('exit', () => resolve());
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    if (stderr) errors.push(...stderr.trim().split('\n'));
  });
  return { child, ready, exit };
}

const errors: string[] = [];
const rand = (max: number) => Math.floor(Math.random() * max);

/** Runs and kills one side's child `kills` times; resolves with the kills made. */
async function killLoop(world: World, me: Party, peer: Party, label: string, kills: number) {
  let done = 0;
  let failures = 0;
  while (done < kills) {
    const { child, ready, exit } = startChild([
      me.home,
      world.sandbox.url,
      world.sandbox.contract,
      peer.address,
      label,
    ]);
    // Mostly kill while working; sometimes during start-up (opening the profile).
    if (rand(10) === 0) await systemClock.sleep(rand(500));
    else {
      await Promise.race([ready, systemClock.sleep(5000)]);
      await systemClock.sleep(rand(500));
    }
    if (process.env.MIZU_CRASH_DEBUG)
      process.stderr.write(`${label} kill ${done} ${new Date().toISOString()}\n`);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      done++;
      failures = 0;
    } else if (child.exitCode !== 0 && ++failures >= 3) {
      throw new Error(`the crash child fails on its own: ${errors.slice(-3).join(' | ')}`);
    }
    await exit;
  }
  return done;
}

describe('engine: crash safety under SIGKILL', () => {
  const world = new World();
  before(async () => {
    await Promise.all([world.start(0.05), bundleChild()]);
  });
  after(() => world.close());

  it(`every committed message arrives exactly once, in order, after ${KILLS} kills`, async () => {
    const pairs: [Party, Party][] = [];
    for (let i = 0; i < PAIRS; i++) {
      const a = await world.party(`a${i}`);
      const b = await world.party(`b${i}`);
      await a.engine.addContact(b.address, 'peer');
      await b.engine.addContact(a.address, 'peer');
      a.store.close();
      b.store.close();
      pairs.push([a, b]);
    }
    const perChild = KILLS / (2 * PAIRS);
    const kills = await Promise.all(
      pairs.flatMap(([a, b], i) => [
        killLoop(world, a, b, `A${i}`, perChild),
        killLoop(world, b, a, `B${i}`, perChild),
      ]),
    );
    assert.equal(
      kills.reduce((x, y) => x + y, 0),
      KILLS,
    );

    const out = (p: Party) =>
      p.engine.messages('peer', { limit: 100_000 }).filter((m) => m.direction === 'out');
    const inbox = (p: Party) =>
      p.engine.messages('peer', { limit: 100_000 }).filter((m) => m.direction === 'in');
    const counts: number[] = [];
    for (const [[a, b], i] of pairs.map((p, i) => [p, i] as const)) {
      await world.reopen(a);
      await world.reopen(b);
      // Recovery: flush and sync both until everything committed is delivered.
      for (let round = 0; round < 50; round++) {
        await a.engine.flushOutbox();
        await b.engine.flushOutbox();
        await a.engine.sync();
        await b.engine.sync();
        if (inbox(b).length >= out(a).length && inbox(a).length >= out(b).length) break;
      }
      for (const [from, to, label] of [
        [a, b, `A${i}`],
        [b, a, `B${i}`],
      ] as const) {
        const sent = out(from).map((m) => m.text);
        counts.push(sent.length);
        assert.ok(sent.length >= 10, `${label} made progress (${sent.length} messages)`);
        assert.deepEqual(
          sent,
          sent.map((_, n) => `${label}-${n}`),
          `${label} numbered its messages without gaps`,
        );
        assert.deepEqual(
          inbox(to).map((m) => m.text),
          sent,
          `each of ${label}'s messages arrived once, in order`,
        );
        for (const m of out(from)) assert.ok(m.state === 'included' || m.state === 'final');
      }
      // Both sides keep talking.
      await a.engine.send('peer', 'still there?');
      await a.engine.flushOutbox();
      assert.equal((await b.engine.sync()).newMessages, 1);
      await b.engine.send('peer', 'yes');
      await b.engine.flushOutbox();
      assert.equal((await a.engine.sync()).newMessages, 1);
      assert.deepEqual(transcript(b, 'peer').slice(-2), ['< still there?', '> yes']);
    }
    const distinct = [...new Set(errors.map((e) => e.replace(/[0-9a-zA-Z]{30,}/g, '…')))];
    process.stderr.write(
      `crash suite: ${KILLS} kills, messages per side ${counts.join(' ')}, ${errors.length} child errors (${distinct.slice(0, 5).join(' | ')})\n`,
    );
  });
});
