/**
 * Every error the layers below raise leads to its documented exit code
 * (docs/cli.md) and to one line without a stack.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainError } from '../../src/adapters/chain/errors.js';
import { CliError } from '../../src/cli/cliError.js';
import { reportError } from '../../src/cli/errorReport.js';
import { EXIT } from '../../src/cli/exitCodes.js';
import { EngineError } from '../../src/engine/errors.js';
import { StoreError } from '../../src/store/errors.js';

describe('error reports', () => {
  it('maps store errors: wrong passphrase and locked → 2, no profile → 6, corrupt → 8', () => {
    assert.equal(reportError(new StoreError('wrong-passphrase', 'Wrong passphrase')).exitCode, 2);
    assert.equal(reportError(new StoreError('locked', 'in use')).exitCode, EXIT.locked);
    assert.equal(reportError(new StoreError('no-profile', 'none')).exitCode, EXIT.notFound);
    assert.equal(reportError(new StoreError('corrupt', 'bad')).exitCode, EXIT.profile);
  });

  it('maps engine errors: unknown contact → 6, changed or forged bundle → 4, balance → 5', () => {
    assert.equal(reportError(new EngineError('unknown-contact', 'x')).exitCode, 6);
    assert.equal(reportError(new EngineError('bundle-changed', 'x')).exitCode, 4);
    assert.equal(reportError(new EngineError('bundle-forged', 'x')).exitCode, 4);
    assert.equal(reportError(new EngineError('insufficient-balance', 'x')).exitCode, 5);
  });

  it('maps chain errors: unreachable and timeout → 3, dropped and failed → 7', () => {
    assert.equal(reportError(new ChainError('unreachable', 'x')).exitCode, EXIT.network);
    assert.equal(reportError(new ChainError('timeout', 'x')).exitCode, EXIT.network);
    assert.equal(reportError(new ChainError('dropped', 'x')).exitCode, EXIT.rejected);
    assert.equal(reportError(new ChainError('forged-bundle', 'x')).exitCode, EXIT.verification);
  });

  it('recognises a refused connection, even wrapped, as a network error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    assert.equal(reportError(refused).exitCode, EXIT.network);
    assert.equal(reportError(new TypeError('fetch failed', { cause: refused })).exitCode, 3);
  });

  it('keeps the first line only, and calls anything unknown internal (9)', () => {
    const r = reportError(new Error('Cannot do it: because\n    at foo (bar.ts:1:1)'));
    assert.deepEqual(r, { exitCode: EXIT.internal, line: 'Cannot do it: because' });
    assert.deepEqual(reportError(new CliError('No such thing', EXIT.notFound)), {
      exitCode: 6,
      line: 'No such thing',
    });
  });
});
