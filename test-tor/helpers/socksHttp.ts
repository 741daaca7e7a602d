/**
 * One plain HTTP/1.0 GET through a SOCKS5 proxy with a given username and
 * password: the smallest client that lets the Tor tests drive the real Tor
 * client without the chain adapter. The hostname is passed to the proxy
 * (SOCKS5 domain name), so it is resolved at the exit.
 */

import { SocksClient } from 'socks';

export interface SocksGetResult {
  readonly status: number;
  readonly body: string;
  /** The local port of the SOCKS connection (Tor's SOURCE_ADDR for the stream). */
  readonly localPort: number;
  readonly ms: number;
}

export async function socksGet(options: {
  socksPort: number;
  username: string;
  password: string;
  host: string;
  port: number;
  path: string;
  timeoutMs?: number;
}): Promise<SocksGetResult> {
  const t0 = performance.now();
  const { socket } = await SocksClient.createConnection({
    command: 'connect',
    proxy: {
      host: '127.0.0.1',
      port: options.socksPort,
      type: 5,
      userId: options.username,
      password: options.password,
    },
    destination: { host: options.host, port: options.port },
    timeout: options.timeoutMs ?? 30_000,
  });
  const localPort = socket.localPort ?? 0;
  socket.write(`GET ${options.path} HTTP/1.0\r\nHost: ${options.host}\r\n\r\n`);
  const raw = await new Promise<string>((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  const head = /^HTTP\/1\.\d (\d{3})/.exec(raw);
  const split = raw.indexOf('\r\n\r\n');
  return {
    status: head ? Number(head[1]) : 0,
    body: split < 0 ? '' : raw.slice(split + 4),
    localPort,
    ms: performance.now() - t0,
  };
}
