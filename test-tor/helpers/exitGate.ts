/**
 * A loopback TCP gate in front of the sandbox node that records, for every
 * connection it accepts, which process opened it: one of the private
 * network's exit relays, or anything else (the test process connecting
 * directly, say). The tests give the chain adapter the gate's address only,
 * so a request that reached the node without going through Tor shows up as
 * a connection not owned by an exit.
 *
 * How the owner is found (Linux, root, inside the namespace): the gate sees
 * the peer's port; /proc/net/tcp maps the peer's socket (local port = that
 * port, remote port = the gate's) to a socket inode; /proc/PID/fd of each
 * exit (PIDs from tor-testnet's pid files) and of this process holds the
 * inode as `socket:[inode]`. The lookup runs when the connection is
 * accepted, while both ends are open.
 */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

export interface GateConnection {
  /** Date.now() when the gate accepted it. */
  readonly at: number;
  readonly peerPort: number;
  /** `exit0`, `exit1`, … ; `self` for this process; `unknown` if no owner was found. */
  readonly owner: string;
  /** The first line of what the client sent (`POST /injection/operation HTTP/1.1`), once seen. */
  requestLine?: string;
}

export interface ExitGate {
  readonly port: number;
  readonly connections: GateConnection[];
  close(): Promise<void>;
}

/** Nickname → PID of each exit relay of the tor-testnet network in `dir`. */
export function exitPids(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const nodes = join(dir, 'nodes');
  for (const name of readdirSync(nodes)) {
    if (!name.startsWith('exit')) continue;
    const pid = Number(readFileSync(join(nodes, name, 'tor.pid'), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) out.set(name, pid);
  }
  if (out.size === 0) throw new Error(`no exit relay pid files under ${nodes}`);
  return out;
}

/** The inode of the TCP socket 127.0.0.1:localPort → 127.0.0.1:remotePort, or null. */
function socketInode(localPort: number, remotePort: number): string | null {
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hex(localPort)}`;
  const remote = `0100007F:${hex(remotePort)}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[2] === remote && f[9] && f[9] !== '0') return f[9];
  }
  return null;
}

function holdsInode(pid: number | 'self', inode: string): boolean {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return false;
  }
  const want = `socket:[${inode}]`;
  for (const fd of fds) {
    try {
      if (readlinkSync(join(dir, fd)) === want) return true;
    } catch {
      // fd closed meanwhile
    }
  }
  return false;
}

/** Which process owns the client end of a connection from peerPort to gatePort. */
export function connectionOwner(
  peerPort: number,
  gatePort: number,
  exits: ReadonlyMap<string, number>,
): string {
  const inode = socketInode(peerPort, gatePort);
  if (!inode) return 'unknown';
  for (const [name, pid] of exits) if (holdsInode(pid, inode)) return name;
  return holdsInode('self', inode) ? 'self' : 'unknown';
}

/** Listens on 127.0.0.1 (ephemeral port) and forwards every connection to 127.0.0.1:targetPort. */
export async function startExitGate(targetPort: number, torDir: string): Promise<ExitGate> {
  const exits = exitPids(torDir);
  const connections: GateConnection[] = [];
  const server: Server = createServer((client) => {
    const at = Date.now();
    const owner = connectionOwner(client.remotePort ?? 0, gate.port, exits);
    const record: GateConnection = { at, peerPort: client.remotePort ?? 0, owner };
    connections.push(record);
    client.once('data', (chunk: Buffer) => {
      const text = chunk.subarray(0, 512).toString('latin1');
      record.requestLine = text.slice(0, Math.max(0, text.indexOf('\r\n')));
    });
    const upstream = connect(targetPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the gate has no port');
  const gate: ExitGate = {
    port: address.port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of sockets) c.destroy();
      }),
  };
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return gate;
}
