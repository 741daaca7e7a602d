/**
 * Running `bin/mizu.js` as a user does, in a child process, for tests: with a
 * profile directory, a passphrase in the environment and the test-only fast
 * Argon2id switch. Returns exit code, stdout and stderr (never throws on a
 * non-zero exit: tests assert the codes).
 */
import { execFile } from 'node:child_process';

export const MIZU_BIN = new URL('../../bin/mizu.js', import.meta.url).pathname;

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
      [MIZU_BIN, ...args],
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
