/**
 * Networks: presets, custom URL lists, the networks file (contract
 * addresses recorded by `mizu contract deploy`), and the chain-id check
 * against the real sandbox.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChainError, createChain } from '../../src/adapters/chain/index.js';
import {
  networkConfigPath,
  PRESETS,
  readNetworkConfig,
  recordContract,
  resolveNetwork,
  SANDBOX_URL,
} from '../../src/adapters/chain/networks.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { CONTRACT, OTHER_CONTRACT } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mizu-networks-'));

describe('networks', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has a sandbox default and several public URLs for mainnet and shadownet', () => {
    assert.deepEqual(resolveNetwork('sandbox'), {
      name: 'sandbox',
      urls: [SANDBOX_URL],
      sandbox: true,
    });
    for (const n of ['mainnet', 'shadownet'] as const) {
      const r = resolveNetwork(n);
      assert.ok(r.urls.length >= 3, `${n} has several nodes`);
      for (const u of r.urls) assert.match(u, /^https:\/\//);
      assert.equal(r.chainId, PRESETS[n].chainId);
      assert.equal(r.sandbox, false);
      assert.equal(r.contract, undefined);
    }
  });

  it('takes a custom list of URLs, and refuses what is not http(s)', () => {
    const r = resolveNetwork('http://a.example:8732/, https://b.example');
    assert.deepEqual(r.urls, ['http://a.example:8732', 'https://b.example']);
    assert.equal(r.name, 'http://a.example:8732,https://b.example');
    assert.throws(() => resolveNetwork('ftp://x'), RangeError);
    assert.throws(() => resolveNetwork('testnet'), RangeError);
    assert.throws(() => resolveNetwork('mainnet', { contract: 'tz1nope' }), RangeError);
  });

  it('records contracts in the networks file; --contract wins over it', () => {
    const path = networkConfigPath({ home: dir });
    assert.equal(path, join(dir, 'networks.json'));
    assert.equal(networkConfigPath({ env: { XDG_CONFIG_HOME: '/x' } }), '/x/mizu/networks.json');
    assert.deepEqual(readNetworkConfig(path), { networks: {} });
    recordContract(path, 'shadownet', CONTRACT);
    recordContract(path, 'mine', CONTRACT, ['https://node.example']);
    recordContract(path, 'shadownet', OTHER_CONTRACT);
    assert.equal((statSync(path).mode & 0o777).toString(8), '600');
    const config = readNetworkConfig(path);
    assert.equal(resolveNetwork('shadownet', { config }).contract, OTHER_CONTRACT);
    assert.equal(resolveNetwork('shadownet', { config, contract: CONTRACT }).contract, CONTRACT);
    assert.deepEqual(resolveNetwork('mine', { config }), {
      name: 'mine',
      urls: ['https://node.example'],
      contract: CONTRACT,
      sandbox: false,
    });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).networks.mine, {
      contract: CONTRACT,
      urls: ['https://node.example'],
    });
    writeFileSync(path, '{"networks": {"x": {"contract": "KT1short"}}}');
    assert.throws(() => readNetworkConfig(path), /not a KT1 address/);
    writeFileSync(path, 'nope');
    assert.throws(() => readNetworkConfig(path), /not JSON/);
  });

  it('refuses nodes of another chain than the preset says', async () => {
    const sandbox = await startSandbox({ port: 0, blockTime: 0 });
    try {
      // The sandbox reports mainnet's chain id: as shadownet, it is refused.
      await assert.rejects(
        createChain({ urls: [sandbox.url], chainId: PRESETS.shadownet.chainId! }),
        (e: unknown) => e instanceof ChainError && /wrong network/.test(e.message),
      );
      const ok = await createChain({ urls: [sandbox.url], chainId: PRESETS.mainnet.chainId! });
      assert.equal(ok.contract, sandbox.contract);
    } finally {
      await sandbox.close();
    }
  });
});
