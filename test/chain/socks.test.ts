/**
 * Node access through SOCKS5 with stream isolation, against a recording
 * SOCKS5 server on loopback and the real sandbox behind a pass-through
 * proxy that records every TCP connection it accepts.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exchange, TransportError } from '../../src/adapters/chain/httpTransport.js';
import { createChain, type MizuChain } from '../../src/adapters/chain/index.js';
import { IsolationCredentials, parseSocks5 } from '../../src/adapters/chain/socks.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { makeUser, seededRandom, testSecretKey } from '../helpers/fixtures.js';
import { type SocksServer, startSocksServer } from '../helpers/socksServer.js';

let sandbox: Sandbox;
let node: FaultProxy;
let socks: SocksServer;
let chain: MizuChain;
const contactA = 'tz1aU9kFZ6XYRD4TyawGFS2hLK7nST3XXqBm';
const contactB = 'tz1f7FvBZKZqtDkPkvsF2SdMZbpmboje1Kxw';

/** Credentials used by the SOCKS connections `run` opens. */
async function credentialsOf(run: () => Promise<unknown>): Promise<Set<string>> {
  const from = socks.connections.length;
  await run();
  return new Set(socks.connections.slice(from).map((c) => `${c.userId}:${c.password}`));
}

describe('chain adapter through SOCKS5', { timeout: 60_000 }, () => {
  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
    node = await startFaultProxy(sandbox.url);
    socks = await startSocksServer();
    // A hostname, so that the proxy (not this process) has to resolve it.
    const url = node.url.replace('127.0.0.1', 'localhost');
    chain = await createChain({
      urls: [url],
      contract: sandbox.contract,
      socks5: `127.0.0.1:${socks.port}`,
      pollMs: 50,
    });
  });
  after(async () => {
    await socks.close();
    await node.close();
    await sandbox.close();
  });

  it('reads of two contacts travel with different credentials, stable per contact', async () => {
    const a1 = await credentialsOf(() => chain.getPostal(contactA, 0, 10, `contact:${contactA}`));
    const b = await credentialsOf(() => chain.getUser(contactB, `contact:${contactB}`));
    const a2 = await credentialsOf(() => chain.getCounters([contactA], `contact:${contactA}`));
    const r = await credentialsOf(() => chain.getRequests(contactA, 0, 10, 'requests'));
    for (const s of [a1, b, a2, r]) assert.equal(s.size, 1);
    assert.deepEqual(a1, a2);
    assert.notDeepEqual(a1, b);
    assert.notDeepEqual(a1, r);
    assert.notDeepEqual(b, r);
    for (const c of socks.connections) {
      assert.ok(!`${c.userId}${c.password}`.includes(contactA.slice(3, 12)), 'no address in creds');
      assert.ok(!`${c.userId}${c.password}`.includes(contactB.slice(3, 12)), 'no address in creds');
    }
  });

  it('sends the hostname to the proxy (domain address type): no local DNS', async () => {
    assert.ok(socks.connections.length > 0, 'some connections');
    for (const c of socks.connections) {
      assert.equal(c.addressType, 'domain');
      assert.equal(c.host, 'localhost');
    }
  });

  it('writes use their own credentials, and nothing reaches the node but through the proxy', async () => {
    const key = testSecretKey('socks writer');
    const user = await makeUser('w', key, seededRandom('socks'), { contract: sandbox.contract });
    const r = await fetch(`${sandbox.url}/mizu/faucet`, {
      method: 'POST',
      body: JSON.stringify({ address: user.address, amount: '50000000' }),
    });
    assert.equal(r.status, 200);
    sandbox.bake();
    const writer = await chain.writer(key);
    const reads = await credentialsOf(() => chain.getUser(contactA, `contact:${contactA}`));
    const writes = await credentialsOf(async () => {
      const op = await writer.inject({ kind: 'register', bundle: user.bundleBytes });
      await writer.waitForInclusion(op);
    });
    assert.equal(writes.size, 1);
    assert.notDeepEqual(writes, reads);
    const relayed = new Set(socks.connections.map((c) => c.localPort));
    assert.ok(node.connectionPorts.length > 0, 'connections seen');
    for (const port of node.connectionPorts)
      assert.ok(relayed.has(port), `connection from port ${port} did not come through the proxy`);
    assert.ok(
      node.requests.some((q) => q.path === '/injection/operation'),
      'the injection went through too',
    );
  });

  it('derives per-group credentials from a per-process secret', () => {
    const one = new IsolationCredentials(seededRandom('one'));
    const two = new IsolationCredentials(seededRandom('two'));
    const groups = [
      'writes',
      'requests',
      'directory',
      `contact:${contactA}`,
      `contact:${contactB}`,
    ];
    const seen = new Set(groups.map((g) => JSON.stringify(one.of(g as never))));
    assert.equal(seen.size, groups.length);
    assert.deepEqual(one.of('writes'), one.of('writes'));
    assert.notDeepEqual(one.of('writes'), two.of('writes'));
    assert.deepEqual(parseSocks5('127.0.0.1:9050'), { host: '127.0.0.1', port: 9050 });
    assert.deepEqual(parseSocks5('[::1]:9150'), { host: '::1', port: 9150 });
    assert.throws(() => parseSocks5('localhost'), RangeError);
    assert.throws(() => parseSocks5('h:70000'), RangeError);
  });

  it('runs TLS end to end inside the SOCKS stream, with the hostname as SNI and checked', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mizu-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return t.skip('openssl is not installed');
    }
    const names: string[] = [];
    const server = createHttpsServer({
      key: readFileSync(join(dir, 'k.pem')),
      cert: readFileSync(join(dir, 'c.pem')),
      SNICallback: (name, cb) => {
        names.push(name);
        cb(null);
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const from = socks.connections.length;
    try {
      // A self-signed certificate: the client must refuse it (verification is on).
      await assert.rejects(
        exchange({
          url: `https://localhost:${port}/chains/main/chain_id`,
          method: 'GET',
          timeoutMs: 5_000,
          socks: {
            proxy: { host: '127.0.0.1', port: socks.port },
            credentials: { userId: 'u', password: 'p' },
          },
        }),
        (e: unknown) => e instanceof TransportError && /certificate/i.test(e.message),
      );
      assert.deepEqual(names, ['localhost']);
      const c = socks.connections.slice(from);
      assert.equal(c.length, 1);
      assert.deepEqual([c[0]!.host, c[0]!.port, c[0]!.addressType], ['localhost', port, 'domain']);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails closed when the proxy is down: no direct request', async () => {
    const dead = await startSocksServer();
    const port = dead.port;
    await dead.close();
    const before = node.connectionPorts.length;
    await assert.rejects(
      createChain({
        urls: [node.url],
        contract: sandbox.contract,
        socks5: `127.0.0.1:${port}`,
        timeoutMs: 500,
      }),
      (e: unknown) => (e as { code?: string }).code === 'unreachable',
    );
    assert.equal(node.connectionPorts.length, before);
  });
});
