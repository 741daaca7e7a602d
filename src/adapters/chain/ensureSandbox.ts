/**
 * The sandbox preset on demand: if nothing answers at the sandbox URL,
 * start `mizu sandbox start --detach` (data in `$XDG_DATA_HOME/mizu/sandbox`
 * or `~/.local/share/mizu/sandbox`, or `dataDir`) and wait until it
 * answers. Only for loopback URLs: a remote node is never started.
 *
 * The probe (GET /mizu/status) goes straight to loopback, never through a
 * SOCKS5 proxy: a proxy such as Tor cannot reach the user's own loopback,
 * and nothing leaves the machine.
 */

import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ChainError } from './errors.js';
import { SANDBOX_URL } from './networks.js';

const run = promisify(execFile);
const MIZU_BIN = fileURLToPath(new URL('../../../bin/mizu.js', import.meta.url));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function defaultSandboxDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mizu', 'sandbox');
}

/** The sandbox's Mizu contract, or null when nothing (or something else) answers. */
export async function probeSandbox(url: string, timeoutMs = 2_000): Promise<string | null> {
  try {
    const r = await fetch(`${url.replace(/\/+$/, '')}/mizu/status`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!r.ok) return null;
    const c = ((await r.json()) as { contract?: unknown }).contract;
    return typeof c === 'string' && /^KT1[1-9A-HJ-NP-Za-km-z]{33}$/.test(c) ? c : null;
  } catch {
    return null;
  }
}

export interface EnsuredSandbox {
  readonly url: string;
  readonly contract: string;
  /** True when this call started it. */
  readonly started: boolean;
}

export async function ensureSandbox(
  options: { url?: string; dataDir?: string; blockTime?: number; timeoutMs?: number } = {},
): Promise<EnsuredSandbox> {
  const url = (options.url ?? SANDBOX_URL).replace(/\/+$/, '');
  const existing = await probeSandbox(url);
  if (existing) return { url, contract: existing, started: false };
  const { hostname, port } = new URL(url);
  if (!LOOPBACK.has(hostname))
    throw new ChainError('unreachable', `No sandbox answers at ${url}, and it is not local`);
  const args = [
    MIZU_BIN,
    'sandbox',
    'start',
    '--detach',
    '--json',
    '--host',
    hostname.replace(/^\[(.*)\]$/, '$1'),
    '--port',
    port || '80',
    '--data',
    options.dataDir ?? defaultSandboxDataDir(),
    ...(options.blockTime ? ['--block-time', String(options.blockTime)] : []),
  ];
  try {
    await run(process.execPath, args, { timeout: options.timeoutMs ?? 90_000 });
  } catch (e) {
    // Another process may have started it meanwhile (port taken): then it answers.
    const raced = await probeSandbox(url);
    if (raced) return { url, contract: raced, started: false };
    throw new ChainError(
      'unreachable',
      `Cannot start the sandbox at ${url}: ${(e as Error).message.split('\n', 1)[0]}`,
    );
  }
  const contract = await probeSandbox(url);
  if (!contract)
    throw new ChainError('unreachable', `Started the sandbox at ${url}, but it does not answer`);
  return { url, contract, started: true };
}
