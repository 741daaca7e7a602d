/**
 * SOCKS5 (RFC 1928, RFC 1929) connections for node access, with Tor-style
 * stream isolation.
 *
 * Every request opens its own connection through the proxy with the
 * username/password of its isolation group. Tor (IsolateSOCKSAuth, on by
 * default) puts streams with different credentials on different circuits,
 * so an exit node or a node operator cannot link, by circuit, the reads of
 * one contact to those of another or to the user's own writes.
 *
 * Security notes:
 * - Credentials are HMAC-SHA-256(per-process secret, group name): they name
 *   no contact address, differ between groups (up to HMAC collisions), and
 *   change at every process start so circuits are not linkable across runs.
 * - The destination is sent to the proxy as given: a hostname travels as a
 *   SOCKS5 domain name (ATYP 3) and is resolved by the proxy, never locally
 *   (no DNS leak). Nothing here calls the resolver.
 */

import { createHmac } from 'node:crypto';
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { IsolationGroup } from '../../ports/chain.js';
import type { Random } from '../../ports/random.js';

export interface Socks5Proxy {
  readonly host: string;
  readonly port: number;
}

export interface SocksCredentials {
  readonly userId: string;
  readonly password: string;
}

/** Parses `HOST:PORT` (or `[IPv6]:PORT`) as given to --socks5. */
export function parseSocks5(text: string): Socks5Proxy {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port > 0 && port < 65_536))
    throw new RangeError(`Cannot use the SOCKS5 proxy "${text}": expected HOST:PORT`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Per-group SOCKS credentials derived from one secret drawn at start. */
export class IsolationCredentials {
  private readonly secret: Buffer;
  private readonly cache = new Map<IsolationGroup, SocksCredentials>();

  constructor(random: Random) {
    this.secret = Buffer.from(random(32));
  }

  of(group: IsolationGroup): SocksCredentials {
    let c = this.cache.get(group);
    if (!c) {
      const mac = createHmac('sha256', this.secret)
        .update(`mizu socks5 isolation/${group}`)
        .digest();
      // RFC 1929 allows up to 255 bytes each; 16 bytes of the MAC in hex is plenty.
      c = {
        userId: `mizu-${mac.subarray(0, 8).toString('hex')}`,
        password: mac.subarray(8, 24).toString('hex'),
      };
      this.cache.set(group, c);
    }
    return c;
  }
}

/** A TCP stream to `host:port` through the proxy, authenticated with `credentials`. */
export async function socksConnect(
  proxy: Socks5Proxy,
  credentials: SocksCredentials,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Socket> {
  const { socket } = await SocksClient.createConnection({
    command: 'connect',
    proxy: {
      host: proxy.host,
      port: proxy.port,
      type: 5,
      userId: credentials.userId,
      password: credentials.password,
    },
    destination: { host, port },
    timeout: timeoutMs,
  });
  return socket;
}
