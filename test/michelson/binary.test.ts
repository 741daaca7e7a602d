/**
 * The Micheline binary codec (binary.ts) against michel-codec's, byte for
 * byte: primitive codes, random expressions, the code of mizu.tz; and the
 * decoder's strictness (canonical integers, exact lengths).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { packData } from '@taquito/michel-codec';
import fc from 'fast-check';
import { binarySize, decodeExpr, encodeExpr, PRIMITIVES } from '../../src/michelson/binary.js';
import { type Expr, fromHex, parseToplevel, toHex } from '../../src/michelson/micheline.js';
import { runs } from '../helpers/fixtures.js';

type CodecExpr = Parameters<typeof packData>[0];
const codecEncode = (e: Expr) => toHex(Uint8Array.from(packData(e as CodecExpr).slice(1)));

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }).map((n) => ({ int: String(n) })),
    fc.string().map((s) => ({ string: s })),
    fc.uint8Array().map((b) => ({ bytes: toHex(b) })),
    fc.array(tie('e'), { maxLength: 4 }),
    fc
      .record({
        // Not PUSH: michel-codec's encoder checks PUSH's arguments and re-encodes its data.
        prim: fc.constantFrom('Pair', 'pair', 'Elt', 'DIP', 'Left', 'code', 'GET_ADDRESS_INDEX'),
        args: fc.array(tie('e'), { maxLength: 4 }),
        annots: fc.array(fc.constantFrom('%a', '@b', ':cc'), { maxLength: 2 }),
      })
      .map((p) => ({
        prim: p.prim,
        ...(p.args.length ? { args: p.args } : {}),
        ...(p.annots.length ? { annots: p.annots } : {}),
      })),
  ),
})).e;

describe('binary codec', () => {
  it('numbers primitives as michel-codec does', () => {
    assert.equal(PRIMITIVES.length, 161);
    PRIMITIVES.forEach((name, code) => {
      if (name === 'PUSH') return; // michel-codec refuses to encode an argument-less PUSH
      // In a sequence: 02, length 2, then 03 (prim, no args) and the code.
      assert.deepEqual(packData([{ prim: name }] as CodecExpr).slice(-1), [code], name);
    });
    assert.deepEqual(decodeExpr(Uint8Array.of(0x03, 67)), { prim: 'PUSH' });
  });

  it('encodes like michel-codec, and decodes back', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const bytes = encodeExpr(e);
        assert.equal(toHex(bytes), codecEncode(e));
        assert.equal(binarySize(e), bytes.length);
        assert.deepEqual(decodeExpr(bytes), JSON.parse(JSON.stringify(e)));
      }),
      { numRuns: runs(300) },
    );
  });

  it('encodes the code of mizu.tz like michel-codec', () => {
    const mizu = readFileSync(path.resolve(import.meta.dirname, '../../contracts/mizu.tz'), 'utf8');
    const code = parseToplevel(mizu);
    assert.equal(toHex(encodeExpr(code)), codecEncode(code));
  });

  it('refuses non-canonical and truncated bytes', () => {
    for (const hex of [
      '00b9c08100',
      '008100',
      '0040',
      '00',
      '0100000002ff',
      '02000000010000',
      '03',
      '03a1',
      '04030000000000',
    ])
      assert.equal(decodeExpr(fromHex(hex)), undefined, hex);
    assert.deepEqual(decodeExpr(fromHex('00b9c001')), { int: '12345' });
    assert.deepEqual(decodeExpr(fromHex('0041')), { int: '-1' });
  });

  it('handles large integers in linear time', () => {
    const n = (1n << 200_000n) - 12345n;
    const bytes = encodeExpr({ int: String(n) });
    assert.equal(bytes.length, binarySize({ int: String(n) }));
    assert.deepEqual(decodeExpr(bytes), { int: String(n) });
  });
});
