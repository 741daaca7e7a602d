/** Amounts, addresses and digit groups as the command line and the chat print them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digitGroups, parseTez, shortAddress, tez } from '../../src/cli/format.js';

describe('formatting', () => {
  it('writes mutez as tez without trailing zeros, and reads it back', () => {
    assert.equal(tez(0n), '0');
    assert.equal(tez(1n), '0.000001');
    assert.equal(tez(1_234_500n), '1.2345');
    assert.equal(tez(20_000_000n), '20');
    assert.equal(tez(-15_000n), '-0.015');
    for (const m of [0n, 1n, 999_999n, 1_000_000n, 123_456_789n]) assert.equal(parseTez(tez(m)), m);
    assert.equal(parseTez('1.0000001'), null);
    assert.equal(parseTez('-1'), null);
  });

  it('shortens addresses and groups digits by five', () => {
    assert.equal(shortAddress('tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb'), 'tz1VSUr…jcjb');
    assert.deepEqual(digitGroups('1234567890123456789012345', 2), [
      '12345 67890',
      '12345 67890',
      '12345',
    ]);
  });
});
