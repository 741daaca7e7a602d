/**
 * `mizu sandbox start|stop|status|fund`: the local Tezos node (docs/sandbox.md).
 *
 * `start` runs the node in this process, or with --detach in a detached
 * child process, returning once its RPC answers. The other subcommands talk
 * to a running sandbox over its RPC (--host/--port).
 *
 * Security: the sandbox's faucet and bootstrap keys are public, so `start`
 * binds to loopback only. A non-loopback --host is refused unless
 * --allow-remote says so explicitly (then with a warning).
 */

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { bootstrapAccounts } from '../sandbox/accounts.js';
import { startSandbox } from '../sandbox/server.js';
import { CliError } from './cliError.js';
import { EXIT } from './exitCodes.js';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 18732;
/** How long `start --detach` waits for the child's RPC. */
const DETACH_TIMEOUT_MS = 60_000;

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'mizu', 'sandbox');
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be > 0 seconds');
  return n;
}

interface Target {
  host: string;
  port: number;
}

const rpcUrl = (t: Target) => `http://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;

async function call(t: Target, path: string, init?: RequestInit): Promise<unknown> {
  let r: Response;
  try {
    r = await fetch(rpcUrl(t) + path, init);
  } catch {
    throw new Error(`Cannot reach the sandbox at ${rpcUrl(t)}: no answer`);
  }
  const text = await r.text();
  if (!r.ok) throw new Error(`Cannot ${path}: the sandbox answered ${r.status} ${text}`);
  return JSON.parse(text);
}

async function startInfo(rpc: string, pid: number, contract: string) {
  const accounts = (await bootstrapAccounts()).map((a) => ({
    address: a.address,
    secret_key: a.secretKey,
  }));
  return { rpc, pid, contract, accounts };
}

function printStart(info: Awaited<ReturnType<typeof startInfo>>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const lines = [
    `Sandbox RPC: ${info.rpc} (pid ${info.pid})`,
    `Mizu contract: ${info.contract}`,
    'Bootstrap accounts (TEST KEYS — public, never use them on a real network):',
    ...info.accounts.map((a) => `  ${a.address}  ${a.secret_key}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface StartOptions {
  host: string;
  port: number;
  blockTime: number;
  data?: string;
  detach?: boolean;
  json?: boolean;
  allowRemote?: boolean;
}

/** True for `localhost`, 127.0.0.0/8, ::1 and ::ffff:127.x.y.z: hosts only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

async function start(o: StartOptions): Promise<void> {
  const dataDir = o.data ?? defaultDataDir();
  if (!isLoopbackHost(o.host)) {
    if (!o.allowRemote)
      throw new CliError(
        `Cannot listen on ${o.host}: not a loopback address, and anyone who reaches the sandbox can use its faucet and test keys (add --allow-remote to do it anyway)`,
        EXIT.usage,
      );
    process.stderr.write(
      `mizu: warning: the sandbox listens on ${o.host}; anyone who reaches it can use its faucet and test keys\n`,
    );
  }
  if (o.detach) {
    const args = process.argv.slice(1).filter((a) => a !== '--detach');
    mkdirSync(dataDir, { recursive: true });
    // The child's output (its start report, any crash) goes to a log beside its data.
    const logFd = openSync(join(dataDir, 'sandbox.log'), 'a');
    const child = spawn(process.execPath, [...process.execArgv, ...args], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    child.unref();
    const t = { host: o.host, port: o.port };
    const until = Date.now() + DETACH_TIMEOUT_MS;
    for (;;) {
      try {
        const s = (await call(t, '/mizu/status')) as { contract: string };
        printStart(await startInfo(rpcUrl(t), child.pid ?? 0, s.contract), !!o.json);
        return;
      } catch (e) {
        if (Date.now() > until || child.exitCode !== null) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  const sandbox = await startSandbox({
    host: o.host,
    port: o.port,
    blockTime: o.blockTime,
    dataDir,
  });
  printStart(await startInfo(sandbox.url, process.pid, sandbox.contract), !!o.json);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function sandboxCommand(program: Command): void {
  const sandbox = program.command('sandbox').description('A local Tezos node for Mizu (test keys)');
  const target = (c: Command) =>
    c
      .option('--host <host>', 'sandbox RPC host', DEFAULT_HOST)
      .option('--port <port>', 'sandbox RPC port', parsePort, DEFAULT_PORT);

  target(sandbox.command('start').description('Start a sandbox node'))
    .option('--block-time <seconds>', 'seconds between blocks (fractions allowed)', parseSeconds, 1)
    .option('--data <dir>', 'data directory (SQLite state)')
    .option('--detach', 'run in the background; return once the RPC answers')
    .option('--json', 'print {"rpc","pid","contract","accounts"} as JSON')
    .option('--allow-remote', 'allow a non-loopback --host (the faucet and test keys are public)')
    .action(async (o: StartOptions) => start(o));

  target(sandbox.command('status').description('Show a running sandbox'))
    .option('--json', 'print JSON')
    .action(async (o: Target & { json?: boolean }) => {
      const s = (await call(o, '/mizu/status')) as Record<string, unknown>;
      process.stdout.write(
        o.json
          ? `${JSON.stringify({ rpc: rpcUrl(o), ...s })}\n`
          : `Sandbox ${rpcUrl(o)}: pid ${s.pid}, level ${s.level}, contract ${s.contract}, ${s.pending} pending\n`,
      );
    });

  target(sandbox.command('stop').description('Stop a running sandbox')).action(
    async (o: Target) => {
      const s = (await call(o, '/mizu/status')) as { pid: number };
      process.kill(s.pid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        try {
          await call(o, '/mizu/status');
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          process.stdout.write(`Sandbox ${rpcUrl(o)} stopped (pid ${s.pid})\n`);
          return;
        }
      }
      throw new Error(`Cannot stop the sandbox at ${rpcUrl(o)}: still answering`);
    },
  );

  target(
    sandbox
      .command('fund')
      .description('Send tez from the faucet')
      .argument('<address>', 'tz… address')
      .argument('<tez>', 'amount in tez'),
  ).action(async (address: string, tez: string, o: Target) => {
    if (!/^\d+(\.\d{1,6})?$/.test(tez)) throw new InvalidArgumentError('tez must be a decimal');
    const [whole, frac = ''] = tez.split('.');
    const mutez = BigInt(whole!) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
    const r = (await call(o, '/mizu/faucet', {
      method: 'POST',
      body: JSON.stringify({ address, amount: String(mutez) }),
    })) as { hash: string };
    process.stdout.write(`Sent ${tez} tez to ${address}: ${r.hash}\n`);
  });
}
