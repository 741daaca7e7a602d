/**
 * A small recording SOCKS5 server for tests (RFC 1928 CONNECT, RFC 1929
 * username/password; no other method). For every connection it records the
 * credentials and the requested destination as the client sent it
 * (a domain name stays a name: this server resolves it itself, as Tor
 * would), then relays bytes both ways.
 *
 *   const socks = await startSocksServer();
 *   createChain({ urls, socks5: `127.0.0.1:${socks.port}` });
 *   socks.connections  // [{ userId, password, host, port, addressType, localPort }]
 *   await socks.close();
 *
 * `localPort` is the port of the server's outgoing socket to the destination,
 * so a test can match what the destination saw against what went through here.
 */

import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SocksConnection {
  readonly userId: string;
  readonly password: string;
  /** Destination as requested: an IP literal or a domain name. */
  readonly host: string;
  readonly port: number;
  /** 'ipv4' | 'domain' | 'ipv6' (the ATYP the client used). */
  readonly addressType: 'ipv4' | 'domain' | 'ipv6';
  /** Local port of the relay's outgoing connection (set once connected). */
  localPort?: number;
}

export interface SocksServer {
  readonly port: number;
  readonly connections: SocksConnection[];
  close(): Promise<void>;
}

/** Reads exactly n bytes from a socket, buffering what arrives. */
function reader(socket: Socket) {
  let buf = Buffer.alloc(0);
  let want: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  const pump = () => {
    if (want && buf.length >= want.n) {
      const out = buf.subarray(0, want.n);
      buf = buf.subarray(want.n);
      const w = want;
      want = null;
      w.resolve(Buffer.from(out));
    }
  };
  const onData = (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    pump();
  };
  socket.on('data', onData);
  socket.on('close', () => want?.reject(new Error('closed')));
  return {
    read(n: number): Promise<Buffer> {
      return new Promise((resolve, reject) => {
        want = { n, resolve, reject };
        pump();
      });
    },
    /** Stop reading; returns what is buffered beyond the handshake. */
    detach(): Buffer {
      socket.off('data', onData);
      return buf;
    },
  };
}

async function handle(client: Socket, log: SocksConnection[]): Promise<void> {
  const r = reader(client);
  const [ver, nMethods] = await r.read(2);
  const methods = await r.read(nMethods!);
  if (ver !== 5 || !methods.includes(2)) {
    client.end(Buffer.from([5, 0xff]));
    return;
  }
  client.write(Buffer.from([5, 2]));
  const [authVer, uLen] = await r.read(2);
  const user = (await r.read(uLen!)).toString('utf8');
  const [pLen] = await r.read(1);
  const password = (await r.read(pLen!)).toString('utf8');
  if (authVer !== 1) return void client.destroy();
  client.write(Buffer.from([1, 0]));
  const [v, cmd, , atyp] = await r.read(4);
  let host: string;
  let addressType: SocksConnection['addressType'];
  if (atyp === 1) {
    host = [...(await r.read(4))].join('.');
    addressType = 'ipv4';
  } else if (atyp === 3) {
    const [n] = await r.read(1);
    host = (await r.read(n!)).toString('utf8');
    addressType = 'domain';
  } else if (atyp === 4) {
    const b = await r.read(16);
    host = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i).toString(16)).join(':');
    addressType = 'ipv6';
  } else return void client.destroy();
  const port = (await r.read(2)).readUInt16BE(0);
  const entry: SocksConnection = { userId: user, password, host, port, addressType };
  log.push(entry);
  if (v !== 5 || cmd !== 1) {
    client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
    return;
  }
  const upstream = connect({ host, port });
  upstream.once('connect', () => {
    entry.localPort = upstream.localPort;
    client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
    const rest = r.detach();
    if (rest.length) upstream.write(rest);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  upstream.once('error', () => {
    if (entry.localPort === undefined) client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    else client.destroy();
  });
  client.once('error', () => upstream.destroy());
  client.once('close', () => upstream.destroy());
}

export async function startSocksServer(): Promise<SocksServer> {
  const connections: SocksConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    handle(client, connections).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
