/**
 * The sandbox's shell: SQLite store, chain, block timer and HTTP server
 * (node:http, loopback by default). `startSandbox` is what the CLI and the
 * tests call; it resolves once the RPC listens.
 */

import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type BootstrapAccount, bootstrapAccounts } from './accounts.js';
import { BadRequestError, NodeError, NotFoundError } from './errors.js';
import { Faucet } from './faucet.js';
import { SandboxNode } from './node.js';
import { route } from './rpc.js';
import { SqliteStore } from './sqliteStore.js';

export interface SandboxOptions {
  readonly host?: string;
  /** 0 = an ephemeral port. */
  readonly port?: number;
  /** Seconds between blocks (fractions allowed); 0 = bake on demand only. */
  readonly blockTime?: number;
  /** Data directory; undefined = in memory. */
  readonly dataDir?: string;
  readonly maxOperationsTtl?: number;
}

export interface Sandbox {
  readonly url: string;
  readonly node: SandboxNode;
  readonly accounts: readonly BootstrapAccount[];
  readonly contract: string;
  bake(): { level: number; hash: string };
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BadRequestError('Cannot read the request: body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = typeof value === 'string' && status !== 200 ? value : JSON.stringify(value);
  res.writeHead(status, {
    'content-type': status === 200 || status === 500 ? 'application/json' : 'text/plain',
    'access-control-allow-origin': '*',
  });
  res.end(text);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const blockTime = options.blockTime ?? 1;
  if (!(blockTime >= 0)) throw new RangeError('blockTime must be ≥ 0 seconds');
  let dbPath = ':memory:';
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dbPath = join(options.dataDir, 'sandbox.sqlite');
  }
  const store = new SqliteStore(dbPath);
  const accounts = await bootstrapAccounts();
  const node = new SandboxNode({
    store,
    bootstrap: accounts,
    ...(options.maxOperationsTtl ? { maxOperationsTtl: options.maxOperationsTtl } : {}),
  });
  await node.init();
  const faucet = new Faucet(node, accounts[accounts.length - 1]!);
  const bake = () => node.bake();
  const bakeOnTimer = () => {
    try {
      bake();
    } catch (e) {
      process.stderr.write(`sandbox: cannot bake a block: ${(e as Error).message}\n`);
    }
  };
  const ctx = { node, faucet, blockTime, bake };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const text = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new BadRequestError('Cannot parse the request body as JSON');
        }
      }
      send(res, 200, await route(ctx, req.method ?? 'GET', url.pathname, body));
    } catch (e) {
      if (e instanceof NodeError) send(res, e.httpStatus, e.errors);
      else if (e instanceof NotFoundError) send(res, 404, e.message);
      else if (e instanceof BadRequestError) send(res, 400, e.message);
      else send(res, 500, [{ kind: 'temporary', id: 'sandbox.internal', message: String(e) }]);
    }
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 18732, host, resolve);
    });
  } catch (e) {
    store.close();
    throw new Error(
      `Cannot start the sandbox on ${host}:${options.port ?? 18732}: ${(e as Error).message}`,
    );
  }
  const { port } = server.address() as AddressInfo;
  const timer = blockTime > 0 ? setInterval(bakeOnTimer, blockTime * 1000) : undefined;
  timer?.unref();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    node,
    accounts,
    contract: node.mizuContract()!,
    bake,
    async close() {
      if (timer) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
