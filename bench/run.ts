/**
 * Runs every benchmark, one after the other, each in its own Node process
 * (so one benchmark's heap and JIT state cannot colour the next one's
 * figures), always with --json, then writes bench/RESULTS.md and
 * bench/plots/*.svg from their results (bench/results.ts).
 *
 *   tsx bench/run.ts [--json] [other arguments passed to every benchmark]
 *
 * Each benchmark's human-readable output is echoed; its progress (stderr)
 * passes through. A benchmark script not present yet is skipped with a note.
 * With --json the last stdout line is one JSON object: every scalar figure
 * of every benchmark at the top level (a key two benchmarks share is kept
 * only under `benchmarks`), `benchmarks` with each result whole, and
 * `skipped` / `failed`. Exits non-zero if a benchmark failed, after writing
 * the report.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BenchJson, type BenchRun, type Machine, writeResults } from './results.js';

/** Benchmark scripts, relative to this folder, in the order they run. */
const BENCHMARKS = ['crypto', 'sandbox', 'cost', 'sync', 'syncScaling', 'e2e'];

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const scripts = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

function commandOf(name: string): string {
  return scripts[`bench:${name}`]
    ? `npm run bench:${name} -- --json`
    : `npx tsx bench/${name}.ts --json`;
}

function runChild(path: string, args: readonly string[]): Promise<{ status: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), out }));
  });
}

async function runOne(name: string, args: readonly string[]): Promise<BenchRun> {
  const path = fileURLToPath(new URL(`${name}.ts`, import.meta.url));
  const command = commandOf(name);
  if (!existsSync(path)) {
    process.stderr.write(`bench: skipping ${name}: bench/${name}.ts is not present yet\n`);
    return { name, command, status: 'absent', text: '' };
  }
  process.stderr.write(`bench: running ${name}\n`);
  const started = performance.now();
  const { status, out } = await runChild(path, ['--json', ...args]);
  const seconds = (performance.now() - started) / 1000;
  const lines = out.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  let json: BenchJson | undefined;
  try {
    const parsed = JSON.parse(last) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as BenchJson;
  } catch {
    json = undefined;
  }
  const text = json ? lines.slice(0, -1).join('\n') : out;
  process.stdout.write(text.endsWith('\n') || !text ? text : `${text}\n`);
  if (status !== 0 || !json) {
    const note =
      status !== 0 ? `exit status ${status}` : 'its last stdout line is not a JSON object';
    process.stderr.write(`bench: ${name} failed: ${note}\n`);
    return { name, command, status: 'failed', text, seconds, note, ...(json ? { json } : {}) };
  }
  return { name, command, status: 'ok', text, json, seconds };
}

function merged(runs: readonly BenchRun[]): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const r of runs)
    for (const [k, v] of Object.entries(r.json ?? {}))
      if (k !== 'bench' && ['number', 'string', 'boolean'].includes(typeof v)) {
        seen.set(k, (seen.get(k) ?? 0) + 1);
        top[k] = v;
      }
  for (const [k, n] of seen) if (n > 1) delete top[k];
  return {
    ...top,
    benchmarks: Object.fromEntries(runs.filter((r) => r.json).map((r) => [r.name, r.json])),
    skipped: runs.filter((r) => r.status === 'absent').map((r) => r.name),
    failed: runs.filter((r) => r.status === 'failed').map((r) => r.name),
    results: 'bench/RESULTS.md',
  };
}

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const passThrough = argv.filter((a) => a !== '--json');
const loadBefore = os.loadavg();
const runs: BenchRun[] = [];
for (const name of BENCHMARKS) runs.push(await runOne(name, passThrough));

const machine: Machine = {
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  loadBefore,
  loadAfter: os.loadavg(),
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
};
const written = writeResults(benchDir, runs, machine);
process.stderr.write(`bench: wrote ${written.map((p) => p.replace(projectRoot, '')).join(', ')}\n`);
if (json) process.stdout.write(`${JSON.stringify(merged(runs))}\n`);
if (runs.some((r) => r.status === 'failed')) process.exit(1);
