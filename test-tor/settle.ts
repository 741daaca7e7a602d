/**
 * Makes sure new circuits build at once before the Tor tests run
 * (scripts/test-tor.sh calls it inside the namespace): three requests in a
 * row, each with a fresh SOCKS username (so a new circuit), must go through
 * in under 3 s each.
 *
 * Why: `tor-testnet up` returns once the client can build circuits, but the
 * relays republish their descriptors in the network's first minute; a
 * client that has not fetched the new ones knows no usable exit, and new
 * circuits stall while existing ones keep working. The script has the
 * client fetch directory information early (TOR_TESTNET_CLIENT_EXTRA), which
 * shrinks that window to milliseconds; this check catches a network where
 * it still is not so, and waits (up to 3 minutes) rather than let the tests
 * fail at random.
 */

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { socksGet } from './helpers/socksHttp.js';
import { torEnv } from './helpers/torEnv.js';

const TIMEOUT_MS = 180_000;
const tor = torEnv();
const started = Date.now();
const log = (m: string) =>
  process.stderr.write(`test:tor: settle: ${m} (${Math.round((Date.now() - started) / 1000)} s)\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    let good = 0;
    while (good < 3) {
      if (Date.now() - started > TIMEOUT_MS) throw new Error('new circuits keep stalling');
      try {
        const r = await socksGet({
          socksPort: tor.socksPort,
          username: `settle-${randomBytes(6).toString('hex')}`,
          password: 'x',
          host: '127.0.0.1',
          port,
          path: '/',
          timeoutMs: 3000,
        });
        good = r.status === 200 && r.ms < 3000 ? good + 1 : 0;
      } catch {
        good = 0;
        await sleep(1000);
      }
    }
    log('new circuits build at once');
  } finally {
    server.close();
  }
}

main().catch((e: Error) => {
  log(`failed: ${e.message}`);
  process.exit(1);
});
