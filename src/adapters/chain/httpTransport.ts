/**
 * One HTTP(S) exchange with one node: direct, or through a SOCKS5 proxy with
 * the isolation group's credentials. The node pool (nodePool.ts) decides
 * which node; this module only moves bytes.
 *
 * Security notes:
 * - When a proxy is set, the socket comes from `socksConnect` and Node's
 *   own connection logic (and its resolver) is never used: the request
 *   cannot bypass the proxy, and the hostname is resolved by the proxy.
 * - TLS runs inside the SOCKS stream, end to end with the node, with the
 *   hostname as SNI and for certificate checks.
 * - Answers are capped at MAX_ANSWER_BYTES.
 */

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type Socks5Proxy, type SocksCredentials, socksConnect } from './socks.js';

/** The largest answer accepted (a full block of posts is well under this). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface HttpExchange {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  /** JSON text of the body, for POST. */
  readonly body?: string;
  readonly timeoutMs: number;
  readonly socks?: { readonly proxy: Socks5Proxy; readonly credentials: SocksCredentials };
  /** For direct access (default: agents shared by the process). */
  readonly agents?: DirectAgents;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** A transport failure: no HTTP answer (refused, reset, timeout, too large, proxy refusal). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timeout = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Kept-alive connections for direct access (one set per node pool; none through SOCKS5). */
export class DirectAgents {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

const sharedAgents = new DirectAgents();

export function exchange(x: HttpExchange): Promise<HttpAnswer> {
  const url = new URL(x.url);
  const tls = url.protocol === 'https:';
  if (!tls && url.protocol !== 'http:')
    return Promise.reject(new TransportError(`Cannot reach ${url.origin}: not http(s)`));
  const port = Number(url.port || (tls ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (x.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(x.body));
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    const options = {
      method: x.method,
      host,
      port,
      path: url.pathname + url.search,
      headers,
    };
    const socks = x.socks;
    const req = socks
      ? (tls ? httpsRequest : httpRequest)({
          ...options,
          // With createConnection and no agent, Node asks us for the socket: only the proxy's.
          createConnection: (_o: unknown, done: (err: Error | null, s?: Socket) => void) => {
            socksConnect(socks.proxy, socks.credentials, host, port, x.timeoutMs).then(
              (s) => {
                if (!tls) return done(null, s);
                const t = tlsConnect({ socket: s, ...(isIP(host) ? {} : { servername: host }) });
                done(null, t as unknown as Socket);
              },
              (e: Error) =>
                done(
                  new TransportError(
                    `Cannot reach ${url.origin} through the SOCKS5 proxy: ${e.message}`,
                  ),
                ),
            );
            return undefined;
          },
        } as never)
      : (tls ? httpsRequest : httpRequest)({
          ...options,
          agent: tls ? (x.agents ?? sharedAgents).https : (x.agents ?? sharedAgents).http,
        });
    const timer = setTimeout(() => {
      req.destroy();
      fail(new TransportError(`Cannot reach ${url.origin}: no answer in ${x.timeoutMs} ms`, true));
    }, x.timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      fail(
        e instanceof TransportError
          ? e
          : new TransportError(`Cannot reach ${url.origin}: ${e.message}`),
      );
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          clearTimeout(timer);
          req.destroy();
          fail(
            new TransportError(`Cannot read ${url.origin}: answer over ${MAX_ANSWER_BYTES} bytes`),
          );
        } else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        fail(new TransportError(`Cannot read ${url.origin}: ${e.message}`));
      });
    });
    req.end(x.body);
  });
}
