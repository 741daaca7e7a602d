/**
 * Runs every benchmark, one after the other, each in its own Node process
 * (so one benchmark's heap and JIT state cannot colour the next one's
 * figures), passing the command-line arguments through (e.g. --json) and
 * their output through unchanged.
 *
 *   tsx bench/run.ts [--json]
 *
 * Exits with the first non-zero exit status of a benchmark.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Benchmark scripts, relative to this folder, in the order they run. */
const BENCHMARKS = ['crypto.ts', 'sandbox.ts'];

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

function runChild(script: string, args: readonly string[]): Promise<number> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
      cwd: projectRoot,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const args = process.argv.slice(2);
for (const script of BENCHMARKS) {
  const status = await runChild(script, args);
  if (status !== 0) {
    process.stderr.write(`bench: ${script} failed with exit status ${status}\n`);
    process.exit(status);
  }
}
