/**
 * A fault-injecting HTTP proxy in front of a node (tests). Requests pass
 * through to `target` unless a rule matches; a rule applies to requests whose
 * method and path match, `times` times (default: forever), first rule first:
 *
 *   const proxy = await startFaultProxy(sandbox.url);
 *   proxy.rules.push({ path: /run_script_view/, action: 'error500', times: 2 });
 *   proxy.rules.push({ path: /^\/injection\/operation/, action: 'drop-injection' });
 *   proxy.held        // signed operations accepted but never forwarded (hex)
 *   await proxy.release()   // forwards them now; their answers
 *   proxy.requests    // every request: method, path, client's port, action taken
 *
 * Actions:
 * - `delay`: wait `delayMs` before passing through (longer than the client's
 *   timeout = a timeout);
 * - `hang`: never answer (the connection stays open until close());
 * - `error500`: 500 with a plain-text body (not a Tezos error list);
 * - `status`: answer `status` (e.g. 429, 404) with `body` (default: empty);
 * - `garbage`: 200 with a body that is not JSON;
 * - `drop-injection`: answer `/injection/operation` with the operation's real
 *   hash, keep the bytes in `held`, and never forward them (accepted, never
 *   included);
 * - `rewrite`: pass through, then replace the JSON answer by
 *   `rewrite(answer, requestBody)` (a lying node).
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { encodeOpHash } from '@taquito/utils';

export type FaultAction =
  | 'delay'
  | 'hang'
  | 'error500'
  | 'status'
  | 'garbage'
  | 'drop-injection'
  | 'rewrite';

export interface FaultRule {
  readonly action: FaultAction;
  readonly path?: RegExp;
  readonly method?: 'GET' | 'POST';
  /** Applications left; undefined = unlimited. Decremented on each use. */
  times?: number;
  readonly delayMs?: number;
  /** For `status`. */
  readonly status?: number;
  readonly body?: string;
  readonly rewrite?: (answer: unknown, requestBody: unknown) => unknown;
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** The client's source port (to match against a SOCKS relay's outgoing ports). */
  readonly remotePort: number;
  readonly action: FaultAction | 'pass';
  /** The request body as received ('' for GET). */
  readonly body: string;
}

export interface FaultProxy {
  readonly url: string;
  readonly rules: FaultRule[];
  readonly requests: ProxiedRequest[];
  readonly held: string[];
  /** Ports of every TCP connection accepted (whether or not a request followed). */
  readonly connectionPorts: number[];
  release(): Promise<{ status: number; text: string }[]>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: FaultRule[] = [];
  const requests: ProxiedRequest[] = [];
  const held: string[] = [];
  const connectionPorts: number[] = [];
  const sockets = new Set<Socket>();
  const base = target.replace(/\/+$/, '');

  const forward = async (method: string, path: string, body: string) => {
    const r = await fetch(base + path, {
      method,
      ...(method === 'POST' ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: r.status, text: await r.text(), type: r.headers.get('content-type') };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const body = await readBody(req);
    const rule = rules.find(
      (r) =>
        (r.times === undefined || r.times > 0) &&
        (!r.method || r.method === method) &&
        (!r.path || r.path.test(path)),
    );
    if (rule && rule.times !== undefined) rule.times--;
    const action = rule?.action ?? 'pass';
    requests.push({ method, path, remotePort: req.socket.remotePort ?? 0, action, body });
    switch (action) {
      case 'hang':
        return;
      case 'error500':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('Internal Server Error');
      case 'status':
        res.writeHead(rule?.status ?? 500, { 'content-type': 'text/plain' });
        return void res.end(rule?.body ?? '');
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"data": [ {"prim": "Pai');
      case 'drop-injection': {
        const hex = JSON.parse(body) as string;
        held.push(hex);
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(encodeOpHash(hex)));
      }
      case 'delay':
        await new Promise((r) => setTimeout(r, rule?.delayMs ?? 0));
        break;
    }
    let answer: { status: number; text: string; type: string | null };
    try {
      answer = await forward(method, path, body);
    } catch {
      res.writeHead(502);
      return void res.end('Bad Gateway');
    }
    if (action === 'rewrite' && answer.status === 200 && rule?.rewrite) {
      answer = {
        ...answer,
        text: JSON.stringify(
          rule.rewrite(JSON.parse(answer.text), body ? JSON.parse(body) : undefined),
        ),
      };
    }
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
    res.end(answer.text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.on('connection', (s: Socket) => {
    connectionPorts.push(s.remotePort ?? 0);
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    rules,
    requests,
    held,
    connectionPorts,
    async release() {
      const out = [];
      for (const hex of held.splice(0)) {
        const r = await forward('POST', '/injection/operation', JSON.stringify(hex));
        out.push({ status: r.status, text: r.text });
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
