/**
 * An HTTP proxy on loopback in front of a node that counts the requests it
 * forwards and the bytes it sends back (bodies, and optionally an estimate
 * of the response headers): what the sync benchmarks report as the cost of
 * a sync in RPC requests and bytes received.
 */

import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** Reset by the caller before each measured step. */
  readonly counts: { requests: number; bytes: number };
  close(): void;
}

export async function startCountingProxy(
  targetUrl: string,
  opts: { countHeaderBytes?: boolean } = {},
): Promise<CountingProxy> {
  const counts = { requests: 0, bytes: 0 };
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    counts.requests++;
    const up = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (r) => {
        if (opts.countHeaderBytes) {
          counts.bytes += Object.entries(r.headers).reduce(
            (n, [k, v]) => n + k.length + String(v).length + 4,
            16,
          );
        }
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.on('data', (d: Buffer) => {
          counts.bytes += d.length;
          res.write(d);
        });
        r.on('end', () => res.end());
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => server.close(),
  };
}
