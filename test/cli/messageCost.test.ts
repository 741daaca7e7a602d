/** The compose line's cost estimate grows with the padded entry, and matches the typical figure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryBytes, messageCostMutez, TYPICAL_TEXT_BYTES } from '../../src/cli/messageCost.js';
import { STEADY_OVERHEAD } from '../../src/protocol/index.js';

const typical = {
  feeMutez: 584n,
  burnMutez: 61_000n,
  gasLimit: 1100,
  storageBytes: 244,
  totalMutez: 61_584n,
};

describe('message cost estimate', () => {
  it('is the typical cost for a typical text, more for longer texts, flat inside a padding bucket', () => {
    // 100 bytes + the padding marker pad (Padmé) to 104.
    assert.equal(entryBytes(TYPICAL_TEXT_BYTES), STEADY_OVERHEAD + 104);
    assert.equal(messageCostMutez(TYPICAL_TEXT_BYTES, typical), 61_584n);
    assert.equal(messageCostMutez(98, typical), messageCostMutez(100, typical));
    const long = messageCostMutez(1000, typical);
    // 1000 bytes pad to 1024: 920 more entry bytes at 250 + 1 mutez each.
    assert.equal(entryBytes(1000), STEADY_OVERHEAD + 1024);
    assert.equal(long, 61_584n + 920n * 251n);
    assert.ok(messageCostMutez(1, typical) < 61_584n);
  });
});
