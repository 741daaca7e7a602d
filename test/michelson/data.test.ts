/**
 * Data conversions: readable ⇄ optimized forms, the three unparsing modes of
 * right combs, timestamps, validation of literals, and binary sizes.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseData } from '../../src/michelson/data.js';
import { InvalidDataError } from '../../src/michelson/errors.js';
import { bytesToInt, intToBytes } from '../../src/michelson/instructions/bytes.js';
import { parseExpr, toHex } from '../../src/michelson/micheline.js';
import { formatTimestamp, parseTimestamp } from '../../src/michelson/timestamp.js';
import { parseType } from '../../src/michelson/types.js';
import { type UnparseMode, unparseData } from '../../src/michelson/unparse.js';
import { runs } from '../helpers/fixtures.js';

const un = (ty: string, data: string, mode: UnparseMode) => {
  const t = parseType(parseExpr(ty));
  return unparseData(parseData(parseExpr(data), t), t, mode);
};

describe('unparsing modes', () => {
  it('writes right combs flat (readable), as sequences from 4 (optimized), nested (legacy)', () => {
    const ty = 'pair nat nat nat nat';
    assert.deepEqual(un(ty, '{ 1 ; 2 ; 3 ; 4 }', 'readable'), parseExpr('Pair 1 2 3 4'));
    assert.deepEqual(un(ty, 'Pair 1 2 3 4', 'optimized'), parseExpr('{ 1 ; 2 ; 3 ; 4 }'));
    assert.deepEqual(un(ty, 'Pair 1 2 3 4', 'legacy'), parseExpr('Pair 1 (Pair 2 (Pair 3 4))'));
    assert.deepEqual(
      un('pair nat nat nat', 'Pair 1 2 3', 'optimized'),
      parseExpr('Pair 1 (Pair 2 3)'),
    );
  });

  it('converts addresses, keys and timestamps between readable and optimized forms', () => {
    assert.deepEqual(un('address', '"tz1gjaF81ZRRvdzjobyfVNsAeSC6PScjfQwN"', 'optimized'), {
      bytes: '0000e7670f32038107a59a2b9cfefae36ea21f5aa63c',
    });
    assert.deepEqual(un('address', '0x0000e7670f32038107a59a2b9cfefae36ea21f5aa63c', 'readable'), {
      string: 'tz1gjaF81ZRRvdzjobyfVNsAeSC6PScjfQwN',
    });
    assert.deepEqual(un('timestamp', '"2019-09-26T10:59:51Z"', 'optimized'), { int: '1569495591' });
    assert.deepEqual(un('timestamp', '1569495591', 'readable'), { string: '2019-09-26T10:59:51Z' });
    assert.deepEqual(un('chain_id', '0x7a06a770', 'readable'), { string: 'NetXdQprcVkpaWU' });
  });
});

describe('literal validation', () => {
  const bad: [string, string][] = [
    ['nat', '-1'],
    ['mutez', '9223372036854775808'],
    ['string', '"tab\\there"'],
    ['set nat', '{ 2 ; 1 }'],
    ['map nat nat', '{ Elt 1 1 ; Elt 1 2 }'],
    ['address', '"tz1gjaF81ZRRvdzjobyfVNsAeSC6PScjfQwM"'],
    ['address', '"KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi%default"'],
    ['key_hash', '0x04e7670f32038107a59a2b9cfefae36ea21f5aa63c'],
    ['timestamp', '"2020-02-30T00:00:00Z"'],
    ['bool', 'True @annot'],
  ];
  for (const [ty, data] of bad)
    it(`refuses ${data} as ${ty}`, () => {
      assert.throws(() => parseData(parseExpr(data), parseType(parseExpr(ty))), InvalidDataError);
    });
});

describe('timestamps', () => {
  it('parses RFC 3339 with offsets and leap seconds, formats UTC', () => {
    assert.equal(parseTimestamp('1970-01-01T00:00:60Z'), 60n);
    assert.equal(parseTimestamp('1970-01-01T01:00:00+01:00'), 0n);
    assert.equal(parseTimestamp('2000-02-29T12:00:00.999Z'), 951825600n);
    assert.equal(formatTimestamp(-62167219200n), '0000-01-01T00:00:00Z');
    assert.equal(formatTimestamp(-62167219201n), undefined);
  });

  it('round-trips every second of years 0–9999', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -62167219200n, max: 253402300799n }), (t) => {
        assert.equal(parseTimestamp(formatTimestamp(t) as string), t);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('BYTES / INT / NAT conversions', () => {
  /** Reference: two's complement by repeated division, minimal length. */
  function reference(n: bigint, signed: boolean): string {
    if (n === 0n) return '';
    for (let len = 1; ; len++) {
      const bits = BigInt(8 * len);
      const fits = signed ? n >= -(1n << (bits - 1n)) && n < 1n << (bits - 1n) : n < 1n << bits;
      if (fits) return ((n + (1n << bits)) % (1n << bits)).toString(16).padStart(2 * len, '0');
    }
  }
  it('encode minimally and decode back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), (n) => {
        assert.equal(toHex(intToBytes(n, true)), reference(n, true));
        assert.equal(bytesToInt(intToBytes(n, true), true), n);
        const nat = n < 0n ? -n : n;
        assert.equal(toHex(intToBytes(nat, false)), reference(nat, false));
        assert.equal(bytesToInt(intToBytes(nat, false), false), nat);
      }),
      { numRuns: runs(500) },
    );
  });
});
