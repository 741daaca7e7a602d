/**
 * Strings and bytes: CONCAT, SLICE, PACK, UNPACK, and the conversions
 * BYTES (int/nat → bytes) and NAT (bytes → nat); INT on bytes is in
 * arithmetic.ts and uses `bytesToInt` below.
 *
 * Conversions are big-endian; ints are two's complement of minimal length
 * (0 ↔ empty bytes), as in the protocol since Mumbai.
 */

import { COST } from '../gas.js';
import { countNodes, fromHex, toHex } from '../micheline.js';
import { packExpr, unpackValue } from '../pack.js';
import { arity, fail, type Handler, peek, replaceTop, typeArg } from '../typecheck.js';
import { props, showType, T } from '../types.js';
import { unparseData } from '../unparse.js';
import { type ListValue, listToArray, NONE, some, type Value } from '../values.js';
import { contractTypeLookup } from './chain.js';

// Conversions go through hexadecimal text, linear in the size of the number
// (byte-by-byte BigInt shifts would be quadratic).

export function bytesToInt(b: Uint8Array, signed: boolean): bigint {
  if (b.length === 0) return 0n;
  const n = BigInt(`0x${toHex(b)}`);
  return signed && (b[0] as number) >= 0x80 ? n - (1n << BigInt(8 * b.length)) : n;
}

/** Big-endian unsigned encoding of `n` ≥ 0 on exactly `len` bytes (high bytes dropped). */
export function natToBytes(n: bigint, len: number): Uint8Array {
  if (len === 0) return new Uint8Array(0);
  return fromHex(
    n
      .toString(16)
      .padStart(2 * len, '0')
      .slice(-2 * len),
  );
}

/** Minimal big-endian encoding (two's complement when `n` may be negative). */
export function intToBytes(n: bigint, signed: boolean): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  // Bytes needed for the magnitude (of -n - 1 for negatives in two's complement),
  // plus one when a signed encoding would read its top bit as a sign.
  const m = n < 0n ? -n - 1n : n;
  const hex = m.toString(16);
  let len = m === 0n ? 1 : (hex.length + 1) >> 1;
  if (signed && m !== 0n && hex.length % 2 === 0 && Number.parseInt(hex[0] as string, 16) >= 8)
    len++;
  return natToBytes(n < 0n ? (1n << BigInt(8 * len)) + n : n, len);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const CONCAT: Handler = (node, stack) => {
  arity(node, 0);
  const [a] = peek(node, stack, 1);
  if (a!.prim === 'list' && (a.arg.prim === 'string' || a.arg.prim === 'bytes')) {
    const isString = a.arg.prim === 'string';
    return {
      out: replaceTop(stack, 1, a.arg),
      run: (s, rt) => {
        const items = listToArray(s.pop() as ListValue);
        let size = 0;
        for (const x of items) size += (x as string | Uint8Array).length;
        rt.gas.consume(COST.INSTR * (1 + items.length) + size);
        s.push(isString ? (items as string[]).join('') : concatBytes(items as Uint8Array[]));
      },
    };
  }
  const [, b] = peek(node, stack, 2);
  if (a!.prim === 'string' && b!.prim === 'string')
    return {
      out: replaceTop(stack, 2, T.string),
      run: (s, rt) => {
        const x = s.pop() as string;
        const y = s.pop() as string;
        rt.gas.consume(COST.INSTR + x.length + y.length);
        s.push(x + y);
      },
    };
  if (a!.prim === 'bytes' && b!.prim === 'bytes')
    return {
      out: replaceTop(stack, 2, T.bytes),
      run: (s, rt) => {
        const x = s.pop() as Uint8Array;
        const y = s.pop() as Uint8Array;
        rt.gas.consume(COST.INSTR + x.length + y.length);
        s.push(concatBytes([x, y]));
      },
    };
  return fail(node, stack, 'CONCAT needs two strings, two bytes, or a list of either');
};

const SLICE: Handler = (node, stack) => {
  arity(node, 0);
  const [o, l, x] = peek(node, stack, 3);
  if (o!.prim !== 'nat' || l!.prim !== 'nat' || (x!.prim !== 'string' && x!.prim !== 'bytes'))
    return fail(node, stack, 'SLICE needs nat : nat : string or bytes');
  return {
    out: replaceTop(stack, 3, T.option(x!)),
    run: (s, rt) => {
      const off = s.pop() as bigint;
      const len = s.pop() as bigint;
      const v = s.pop() as string | Uint8Array;
      rt.gas.consume(COST.INSTR + Math.min(Number(len), v.length));
      // The protocol answers None for an offset at or past the end, even for length 0.
      if (off >= BigInt(v.length) || off + len > BigInt(v.length)) s.push(NONE);
      else s.push(some(v.slice(Number(off), Number(off + len))));
    },
  };
};

const PACK: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (!props(t!).packable) fail(node, stack, `${showType(t!)} cannot be packed`);
  return {
    out: replaceTop(stack, 1, T.bytes),
    run: (s, rt) => {
      const e = unparseData(s.pop() as Value, t!, 'legacy');
      rt.gas.consume(COST.INSTR * 10 + COST.DATA_NODE * countNodes(e));
      const packed = packExpr(e);
      rt.gas.consume(COST.BYTE * packed.length);
      s.push(packed);
    },
  };
};

const UNPACK: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  if (!props(t).packable) fail(node, stack, `${showType(t)} cannot be unpacked`);
  const [b] = peek(node, stack, 1);
  if (b!.prim !== 'bytes') fail(node, stack, 'UNPACK needs bytes');
  return {
    out: replaceTop(stack, 1, T.option(t)),
    run: (s, rt) => {
      const bytes = s.pop() as Uint8Array;
      // A node takes at least two bytes: charge half a node per byte up front.
      rt.gas.consume(COST.INSTR * 10 + (COST.BYTE + COST.DATA_NODE / 2) * bytes.length);
      const v = unpackValue(bytes, t, { contractType: contractTypeLookup(rt) });
      s.push(v === undefined ? NONE : some(v));
    },
  };
};

const BYTES: Handler = (node, stack) => {
  arity(node, 0);
  const [a] = peek(node, stack, 1);
  if (a!.prim !== 'int' && a!.prim !== 'nat')
    return fail(node, stack, 'BYTES needs an int or a nat');
  const signed = a!.prim === 'int';
  return {
    out: replaceTop(stack, 1, T.bytes),
    run: (s, rt) => {
      const out = intToBytes(s.pop() as bigint, signed);
      rt.gas.consume(COST.ARITH + 3 * out.length);
      s.push(out);
    },
  };
};

const NAT: Handler = (node, stack) => {
  arity(node, 0);
  const [a] = peek(node, stack, 1);
  if (a!.prim !== 'bytes') return fail(node, stack, 'NAT needs bytes');
  return {
    out: replaceTop(stack, 1, T.nat),
    run: (s, rt) => {
      const b = s.pop() as Uint8Array;
      rt.gas.consume(COST.ARITH + 3 * b.length);
      s.push(bytesToInt(b, false));
    },
  };
};

export const bytesAndStrings: Record<string, Handler> = { CONCAT, SLICE, PACK, UNPACK, BYTES, NAT };
