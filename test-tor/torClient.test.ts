/**
 * The real Tor client of the private network (tor-testnet), driven with
 * plain SOCKS5 requests, before any Mizu code is involved: it shows that the
 * mechanisms the chain adapter relies on hold, and that the tests' two
 * detectors of "this request went through Tor" can fail.
 *
 * - Stream isolation: requests with two different SOCKS usernames travel on
 *   disjoint circuits (read from the ControlPort's STREAM events and
 *   circuit-status), while one username keeps its circuit.
 * - A hostname that only the exits can resolve (helpers/exitOnlyDns.ts):
 *   this process cannot resolve it, a request through Tor reaches the server
 *   under that name, and the exits asked our DNS responder for it.
 * - The exit gate (helpers/exitGate.ts) attributes every connection that
 *   came through Tor to an exit relay process, and a direct connection from
 *   this process to `self`.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ControlPort } from './helpers/controlPort.js';
import { type ExitGate, startExitGate } from './helpers/exitGate.js';
import {
  assertUnresolvableHere,
  type ExitOnlyDns,
  startExitOnlyDns,
} from './helpers/exitOnlyDns.js';
import { circuitsByUsername, sharedCircuits, usernamesByCircuit } from './helpers/isolation.js';
import { socksGet } from './helpers/socksHttp.js';
import { torEnv } from './helpers/torEnv.js';

const DOMAIN = 'mizu-tor.test';
/** A fresh name per run: the exits cache answers, and the test wants to see them ask. */
const NAME = `node-${randomBytes(4).toString('hex')}.${DOMAIN}`;
const tor = torEnv();

describe('the private Tor network: isolation and exit-only resolution', () => {
  let server: Server;
  let gate: ExitGate;
  let dns: ExitOnlyDns;
  let control: ControlPort;
  const seen: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end(`ok ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gate = await startExitGate((server.address() as AddressInfo).port, tor.dir);
    dns = await startExitOnlyDns(DOMAIN);
    control = await ControlPort.open({ port: tor.controlPort, cookieFile: tor.cookieFile });
    await control.watchStreams();
  });

  after(async () => {
    await control?.close();
    await dns?.close();
    await gate?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('the test name does not resolve in this process, and a direct request fails', async () => {
    await assertUnresolvableHere(NAME);
    await assert.rejects(fetch(`http://${NAME}:${gate.port}/direct`));
    assert.deepEqual(seen, []);
  });

  it('two usernames get disjoint circuits; one username keeps its circuit', async () => {
    const run = randomBytes(4).toString('hex');
    const users = [`iso-a-${run}`, `iso-b-${run}`];
    const before = gate.connections.length;
    const results = [];
    for (const round of [0, 1]) {
      for (const user of users) {
        const r = await socksGet({
          socksPort: tor.socksPort,
          username: user,
          password: 'pw',
          host: NAME,
          port: gate.port,
          path: `/${user}/${round}`,
        });
        assert.equal(r.status, 200);
        assert.equal(r.body, `ok /${user}/${round}`);
        results.push(r);
      }
    }
    const circuits = await control.circuits();
    const ours = control.streams.filter(
      (s) => s.username !== undefined && users.includes(s.username),
    );
    const succeeded = ours.filter((s) => s.status === 'SUCCEEDED');
    assert.equal(succeeded.length, 4, 'one Tor stream per request');
    // The name reaches Tor as a name (the exit resolves it; Tor then remaps the target).
    const created = ours.filter((s) => s.status === 'NEW');
    assert.equal(created.length, 4);
    for (const s of created) assert.equal(s.target, `${NAME}:${gate.port}`);

    const byUser = circuitsByUsername(ours);
    const a = byUser.get(users[0]!)!;
    const b = byUser.get(users[1]!)!;
    assert.ok(a.size >= 1 && b.size >= 1);
    for (const c of a) assert.ok(!b.has(c), `circuit ${c} carried both usernames`);
    assert.deepEqual(sharedCircuits(usernamesByCircuit(control.streams, circuits)), []);
    // Same username, same circuit: isolation is per credential, not per stream.
    const firstA = succeeded.find((s) => s.username === users[0])!;
    const lastA = succeeded.filter((s) => s.username === users[0]).at(-1)!;
    assert.equal(lastA.circuit, firstA.circuit);

    // Every connection the server got came out of an exit relay.
    const fresh = gate.connections.slice(before);
    assert.equal(fresh.length, 4);
    for (const c of fresh) assert.match(c.owner, /^exit\d$/);
    // The exits resolved the name with our responder.
    assert.ok(dns.queries.includes(NAME), 'the exits asked for the name');
  });

  it('the gate attributes a direct connection to this process', async () => {
    const before = gate.connections.length;
    const r = await fetch(`http://127.0.0.1:${gate.port}/direct`);
    assert.equal(r.status, 200);
    await r.text();
    const fresh = gate.connections.slice(before);
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0]!.owner, 'self');
  });
});
