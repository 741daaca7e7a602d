/**
 * A DNS responder for the private Tor network: it answers A queries for the
 * names under one test domain (e.g. `node-1a2b.mizu-tor.test`) with 127.0.0.1, on 127.0.0.1:53 inside the tor-testnet
 * namespace. The exit relays resolve through 127.0.0.1 (tor-testnet points
 * their ServerDNSResolvConfFile there); the test process resolves through
 * the system's /etc/resolv.conf, whose server is unreachable from the
 * namespace. So these names resolve only at the exits: a client that
 * connected directly instead of through Tor would fail to resolve them.
 * `assertUnresolvableHere` checks that precondition in the test process.
 *
 * Exits cache answers, so a test that wants to see the exits ask uses a
 * fresh name under the domain.
 *
 * Only the DNS needed here: one question per query, class IN, A answers with
 * a 60 s TTL; any other name or type gets NXDOMAIN / an empty answer. Tor
 * randomises the case of query names (0x20), so names compare without case
 * and the question is echoed back as it came.
 */

import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';

export interface ExitOnlyDns {
  /** Every name asked, lower-cased, in order. */
  readonly queries: string[];
  close(): Promise<void>;
}

/** Reads the question name at offset 12; returns it and the offset after QTYPE/QCLASS. */
function readQuestion(msg: Buffer): { name: string; end: number } | null {
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    if (i >= msg.length) return null;
    const len = msg[i]!;
    if (len === 0) break;
    if (len > 63 || i + 1 + len > msg.length) return null; // no compression in questions
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  const end = i + 1 + 4;
  if (end > msg.length) return null;
  return { name: labels.join('.'), end };
}

function answer(query: Buffer, domain: string): { reply: Buffer; name: string } | null {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return null; // exactly one question
  const q = readQuestion(query);
  if (!q) return null;
  const qtype = query.readUInt16BE(q.end - 4);
  const qclass = query.readUInt16BE(q.end - 2);
  const name = q.name.toLowerCase();
  const known = name.endsWith(`.${domain}`);
  const withAnswer = known && qtype === 1 && qclass === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  // QR=1, opcode copied, AA=1, RD copied, RA=1, RCODE 0 or 3 (NXDOMAIN)
  header[2] = 0x80 | (query[2]! & 0x79) | 0x04;
  header[3] = 0x80 | (known ? 0 : 3);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(withAnswer ? 1 : 0, 6);
  const question = query.subarray(12, q.end);
  if (!withAnswer) return { reply: Buffer.concat([header, question]), name };
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
  rr.writeUInt16BE(1, 2); // A
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(4, 10);
  rr.set([127, 0, 0, 1], 12);
  return { reply: Buffer.concat([header, question, rr]), name };
}

/** Starts the responder on 127.0.0.1:`port` (53 by default: root inside the namespace). */
export async function startExitOnlyDns(domain: string, port = 53): Promise<ExitOnlyDns> {
  const known = domain.toLowerCase();
  const queries: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const a = answer(msg, known);
    if (!a) return;
    queries.push(a.name);
    socket.send(a.reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return {
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Throws if this process can resolve `name` (the method would then prove nothing). */
export async function assertUnresolvableHere(name: string): Promise<void> {
  let resolved: string | null = null;
  try {
    resolved = (await lookup(name, { family: 4 })).address;
  } catch {
    return;
  }
  throw new Error(
    `${name} resolves in the test process (to ${resolved}); it must resolve only at the exits`,
  );
}
