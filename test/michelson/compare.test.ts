/**
 * The order on comparable values: lexicographic pairs, None < Some,
 * Left < Right, implicit < originated addresses, bytes before longer bytes
 * with the same prefix; and order laws (antisymmetry, transitivity) as
 * properties over generated values of nested comparable types.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareValues } from '../../src/michelson/compare.js';
import { parseData } from '../../src/michelson/data.js';
import { parseExpr } from '../../src/michelson/micheline.js';
import { parseType } from '../../src/michelson/types.js';
import type { Value } from '../../src/michelson/values.js';
import { runs } from '../helpers/fixtures.js';

const v = (ty: string, data: string): Value => parseData(parseExpr(data), parseType(parseExpr(ty)));
const cmp = (ty: string, a: string, b: string) => compareValues(v(ty, a), v(ty, b));

describe('compare', () => {
  it('orders pairs lexicographically', () => {
    assert.equal(cmp('pair int string', 'Pair 1 "b"', 'Pair 2 "a"'), -1);
    assert.equal(cmp('pair int string', 'Pair 2 "a"', 'Pair 2 "b"'), -1);
    assert.equal(cmp('pair int string', 'Pair 2 "b"', 'Pair 2 "b"'), 0);
    assert.equal(cmp('pair int int int', 'Pair 1 2 3', 'Pair 1 2 2'), 1);
  });

  it('orders options and ors', () => {
    assert.equal(cmp('option nat', 'None', 'Some 0'), -1);
    assert.equal(cmp('option nat', 'Some 3', 'Some 2'), 1);
    assert.equal(cmp('or nat string', 'Left 99', 'Right ""'), -1);
    assert.equal(cmp('or nat string', 'Right "b"', 'Right "a"'), 1);
  });

  it('orders addresses implicit first, then by hash, then by entrypoint', () => {
    const tz = '"tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx"';
    const kt = '"KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi"';
    assert.equal(cmp('address', tz, kt), -1);
    assert.equal(cmp('address', kt, '"KT1BEqzn5Wx8uJrZNvuS9DVHmLvG9td3fDLi%a"'), -1);
    assert.equal(cmp('address', '"tz2V4544tMhJUm1AkdiJbybe8oYCn1hcwAWF"', tz), 1);
  });

  it('orders bytes and strings by byte, a prefix first', () => {
    assert.equal(cmp('bytes', '0x01', '0x0100'), -1);
    assert.equal(cmp('bytes', '0x02', '0x0100'), 1);
    assert.equal(cmp('string', '"Z"', '"a"'), -1);
  });

  it('compares signatures by their bytes whatever their prefix', () => {
    assert.equal(
      cmp(
        'signature',
        '"edsigtj8LhbJ2B3qhZvqzA49raG65dydFcWZW9b9L7ntF3bb29zxaBFFL8SM1jeBUY66hG122znyVA4wpzLdwxcNZwSK3Szu7iD"',
        '"sigZJsaY57u7efWjrh22JfcxoZs9YKdsgumuPbPStG3Fa4rB1ygMLF3P76h3ZgScvLpTYR5HC8KSz4FYbkJU2bkPEwZERYJo"',
      ),
      0,
    );
  });

  it('is a total order on nested comparable values', () => {
    const leaf = fc.oneof(
      fc.bigInt({ min: -5n, max: 5n }).map((n) => `(Left ${n})`),
      fc.constantFrom('"a"', '"b"', '""').map((s) => `(Right (Some ${s}))`),
      fc.constant('(Right None)'),
    );
    const value = fc
      .tuple(leaf, leaf)
      .map(([a, b]) =>
        v('pair (or int (option string)) (or int (option string))', `Pair ${a} ${b}`),
      );
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        assert.equal(compareValues(a, b), -compareValues(b, a) || 0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0)
          assert.ok(compareValues(a, c) <= 0);
      }),
      { numRuns: runs(300) },
    );
  });
});
