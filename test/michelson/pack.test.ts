/**
 * PACK / UNPACK and big-map key hashes: byte-exact vectors (TZT, the RPC
 * notes' "alice"), agreement with michel-codec's typed packer, UNPACK's
 * refusal of non-canonical bytes, and round-trip properties.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packDataBytes } from '@taquito/michel-codec';
import fc from 'fast-check';
import { parseData } from '../../src/michelson/data.js';
import { fromHex, parseExpr, toHex } from '../../src/michelson/micheline.js';
import { keyHash, packValue, unpackValue } from '../../src/michelson/pack.js';
import { parseType } from '../../src/michelson/types.js';
import { unparseData } from '../../src/michelson/unparse.js';
import { runs } from '../helpers/fixtures.js';

// michel-codec's node types are structurally ours.
type CodecData = Parameters<typeof packDataBytes>[0];
type CodecType = NonNullable<Parameters<typeof packDataBytes>[1]>;

const pack = (ty: string, data: string) => {
  const t = parseType(parseExpr(ty));
  return toHex(packValue(parseData(parseExpr(data), t), t));
};

describe('PACK', () => {
  it('packs addresses, keys and key hashes in their binary forms', () => {
    assert.equal(
      pack('address', '"KT1Q36KWPSba7dHsH5E4ZsQHehrChc51e19d"'),
      '050a0000001601a9845b61ac052cdd0428af72a35bf75151dc754800',
    );
    assert.equal(
      pack('address', '"tz1LRE4uH6JPGwHhx72cfvtSNj3MFwBqXmhH"'),
      '050a000000160000088c36d101ba785bc2e2bbcfd5e552870e1fdfd2',
    );
    // The same address given in optimized form packs identically.
    assert.equal(
      pack('address', '0x0000088c36d101ba785bc2e2bbcfd5e552870e1fdfd2'),
      pack('address', '"tz1LRE4uH6JPGwHhx72cfvtSNj3MFwBqXmhH"'),
    );
    assert.equal(
      pack('key', '"edpkuRdpy8Bwwf9Zmk5QChYaioJKBw6f2sgSC5HDe9f8e4PebB5LtU"'),
      '050a0000002100671d017cfd178748559c7b550853dee14c55f69a7b5039de79789f07e513d907',
    );
    // An entrypoint is appended to the address bytes.
    assert.equal(
      pack('address', '"KT1Q36KWPSba7dHsH5E4ZsQHehrChc51e19d%foo"'),
      '050a0000001901a9845b61ac052cdd0428af72a35bf75151dc754800666f6f',
    );
  });

  it('packs lambdas with pushed combs as nested pairs (Optimized_legacy)', () => {
    assert.equal(
      pack('lambda unit unit', '{ PUSH (pair nat int bool) { 0 ; -3 ; False } ; DROP }'),
      '05020000001e07430965000000060362035b035900000000070700000707004303030320',
    );
  });

  it('agrees with michel-codec on typed data', () => {
    const cases: [string, string][] = [
      ['pair nat nat nat nat', 'Pair 1 2 3 4'],
      ['timestamp', '"2019-09-26T10:59:51Z"'],
      ['map string (option int)', '{ Elt "a" (Some -5) ; Elt "b" None }'],
      ['or (list bytes) chain_id', 'Right "NetXdQprcVkpaWU"'],
      ['key_hash', '"tz3jEYHFGWG53ikKKsxj3NZKQHNd33Zt5EKd"'],
    ];
    for (const [t, d] of cases)
      assert.equal(
        pack(t, d),
        packDataBytes(parseExpr(d) as CodecData, parseExpr(t) as CodecType).bytes,
        `${t} ${d}`,
      );
  });

  it('hashes big-map keys as Taquito does (RPC notes §1b)', () => {
    assert.equal(
      keyHash('alice', parseType(parseExpr('string'))),
      'expru5W32mP6bNgJPLBSCVFCBBNZotmMhTNoEzhjRvknSQofS6agTW',
    );
  });
});

describe('UNPACK', () => {
  const int = parseType(parseExpr('int'));
  it('refuses non-canonical integers, trailing bytes and a missing 0x05 tag', () => {
    assert.equal(unpackValue(fromHex('0500b9c001'), int), 12345n);
    assert.equal(unpackValue(fromHex('0500b9c08100'), int), undefined);
    assert.equal(unpackValue(fromHex('0500b9c00100'), int), undefined);
    assert.equal(unpackValue(fromHex('00b9c001'), int), undefined);
    assert.equal(unpackValue(fromHex('0500b9c001ff'), int), undefined);
  });

  it('refuses well-formed bytes of another type', () => {
    assert.equal(unpackValue(fromHex('050100000003616263'), int), undefined);
  });

  it('round-trips packed values', () => {
    const t = parseType(parseExpr('pair int (pair string (option bytes))'));
    const printable = fc.string({ unit: fc.constantFrom(...'abc XYZ~{}\n'.split('')) });
    fc.assert(
      fc.property(fc.bigInt(), printable, fc.option(fc.uint8Array()), (i, s, b) => {
        const data = `Pair ${i} ${JSON.stringify(s)} ${b === null ? 'None' : `(Some 0x${toHex(b)})`}`;
        const v = parseData(parseExpr(data), t);
        const back = unpackValue(packValue(v, t), t);
        assert.ok(back !== undefined);
        assert.deepEqual(unparseData(back, t, 'optimized'), unparseData(v, t, 'optimized'));
      }),
      { numRuns: runs(200) },
    );
  });
});
