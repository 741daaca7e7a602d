/**
 * `mizu demo` against a sandbox in this process: two temporary identities
 * meet through a discovery request and exchange messages; every step is
 * reported with its latency, every message with its cost, and the
 * temporary profiles are gone afterwards.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { json, mizu } from './mizuProcess.js';

interface DemoReport {
  safetyNumbersMatch: boolean;
  steps: { step: string; latencyMs: number; costMutez: string | null }[];
  averageMessageCostMutez: string;
}

describe('mizu demo', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
  });
  after(() => sandbox.close());

  it('runs a conversation that starts with a request, reporting cost and latency', async () => {
    const demos = () => readdirSync(tmpdir()).filter((f) => f.startsWith('mizu-demo-')).length;
    const before = demos();
    const run = await mizu(['demo', '--network', sandbox.url, '--json']);
    const r = json<DemoReport>(run);
    assert.equal(r.safetyNumbersMatch, true);
    const messages = r.steps.filter((s) => s.step.includes('→'));
    assert.equal(messages.length, 5);
    assert.match(messages[0]!.step, /discovery request/);
    for (const m of messages) assert.ok(BigInt(m.costMutez!) > 0n && m.latencyMs > 0);
    assert.ok(r.steps.some((s) => /Bob accepts the request/.test(s.step)));
    assert.ok(BigInt(r.averageMessageCostMutez) > 0n);
    assert.equal(demos(), before);
    // The steps as people read them (on stderr under --json).
    assert.match(run.stderr, /Bob accepts the request: he reads "Hello Bob/);
    assert.match(run.stderr, /Done: 5 messages, [\d.]+ tez and [\d.]+ s to inclusion per message/);
  });
});
