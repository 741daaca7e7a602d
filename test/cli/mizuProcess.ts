/**
 * Running `mizu` as a user does, in a child process, for tests: with a
 * profile directory, a passphrase in the environment and the test-only fast
 * Argon2id switch. Returns exit code, stdout and stderr (never throws on a
 * non-zero exit: tests assert the codes).
 *
 * By default it runs `bin/mizu.js` (TypeScript through tsx). A suite that
 * starts many processes may call `bundleMizu()` first: the same sources
 * (src/cli/main.ts) bundled once with esbuild into one plain JavaScript file,
 * which starts in about half the time; the chat and demo tests keep
 * `bin/mizu.js`, so the real entry point stays tested.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

export const MIZU_BIN = new URL('../../bin/mizu.js', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

let entry = MIZU_BIN;

/**
 * Bundles src/cli/main.ts into node_modules/.cache (two levels below the root,
 * like src/cli/, so its `import.meta.url`-relative paths still resolve);
 * returns a function that removes it.
 */
export async function bundleMizu(): Promise<() => void> {
  const outfile = `${ROOT}node_modules/.cache/mizu-cli-${process.pid}.mjs`;
  await build({
    entryPoints: [`${ROOT}src/cli/main.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    external: [
      'better-sqlite3-multiple-ciphers',
      'better-sqlite3',
      'sodium-native',
      'ink',
      'react',
    ],
    outfile,
    logLevel: 'error',
    // Bundled CommonJS dependencies call require(): give the ES module one.
    banner: {
      js: "import { createRequire as mizuCreateRequire } from 'node:module'; const require = mizuCreateRequire(import.meta.url);",
    },
  });
  entry = outfile;
  return () => {
    entry = MIZU_BIN;
    rmSync(outfile, { force: true });
  };
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function mizu(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [entry, ...args],
      {
        timeout: timeoutMs,
        env: { ...process.env, MIZU_INSECURE_TEST_KDF: '1', MIZU_HOME: '', ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one JSON document a --json command prints. */
export function json<T = Record<string, unknown>>(r: Run): T {
  if (r.code !== 0) throw new Error(`mizu exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
