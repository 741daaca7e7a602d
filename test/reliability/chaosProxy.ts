/**
 * A node that misbehaves at random (tests): an HTTP proxy in front of the
 * sandbox that silently drops a share of the injections (answers with the
 * operation's real hash and never forwards it: accepted, never included)
 * and, with a seeded random source, fails a share of the other requests —
 * no answer before the client's timeout, a plain 500, or a 200 whose body
 * is not JSON. Everything else passes through. `counts` says what it did.
 */

import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { encodeOpHash } from '@taquito/utils';
import type { Random } from '../../src/ports/random.js';

export interface ChaosOptions {
  readonly random: Random;
  /**
   * Share of `POST /injection/operation` accepted and dropped: exactly this
   * share, spread evenly over the injections counted in `injections` (which
   * several proxies may share), the second one dropped first.
   */
  readonly dropInjections: number;
  readonly injections?: { count: number };
  /** Share of other requests that fail. */
  readonly failRequests: number;
  /** How long a "timeout" keeps the client waiting before the connection is cut. */
  readonly stallMs: number;
}

export interface ChaosCounts {
  passed: number;
  dropped: number;
  stalled: number;
  error500: number;
  garbage: number;
}

export interface ChaosProxy {
  readonly url: string;
  readonly counts: ChaosCounts;
  /** Signed operations dropped so far (hex), in order. */
  readonly held: string[];
  /** Faults on or off (off: a plain proxy). */
  enabled: boolean;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startChaosProxy(target: string, o: ChaosOptions): Promise<ChaosProxy> {
  const base = target.replace(/\/+$/, '');
  const counts: ChaosCounts = { passed: 0, dropped: 0, stalled: 0, error500: 0, garbage: 0 };
  const held: string[] = [];
  const sockets = new Set<Socket>();
  const injections = o.injections ?? { count: 0 };
  const dropNext = () => {
    const k = injections.count++;
    const p = o.dropInjections;
    return Math.floor((k + 1) * p + 0.5) > Math.floor(k * p + 0.5);
  };
  const chance = () => {
    const b = o.random(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
  };
  const proxy: ChaosProxy = {
    url: '',
    counts,
    held,
    enabled: true,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer(async (req, res) => {
    try {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const text = await body(req);
      const injection = method === 'POST' && path.startsWith('/injection/operation');
      if (proxy.enabled && injection && dropNext()) {
        const hex = JSON.parse(text) as string;
        held.push(hex);
        counts.dropped++;
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(encodeOpHash(hex)));
      }
      if (proxy.enabled && !injection && chance() < o.failRequests) {
        const kind = Math.floor(chance() * 3);
        if (kind === 0) {
          counts.stalled++;
          await new Promise((r) => setTimeout(r, o.stallMs));
          return void req.socket.destroy();
        }
        if (kind === 1) {
          counts.error500++;
          res.writeHead(500, { 'content-type': 'text/plain' });
          return void res.end('Internal Server Error');
        }
        counts.garbage++;
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"level": 12, "hash": "BL');
      }
      counts.passed++;
      const r = await fetch(base + path, {
        method,
        ...(method === 'POST'
          ? { body: text, headers: { 'content-type': 'application/json' } }
          : {}),
      });
      const answer = await r.text();
      if (res.destroyed) return;
      res.writeHead(r.status, {
        'content-type': r.headers.get('content-type') ?? 'application/json',
      });
      res.end(answer);
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { url: string }).url =
    `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return proxy;
}
