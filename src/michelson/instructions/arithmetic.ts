/**
 * Arithmetic and bitwise instructions: ADD, SUB, SUB_MUTEZ, MUL, EDIV, ABS,
 * ISNAT, INT, NEG, LSL, LSR, AND, OR, XOR, NOT.
 *
 * Overloads are tables from operand types to a result type and a function.
 * mutez results above 2^63 − 1 raise `OverflowError`; LSL/LSR on nat refuse
 * shifts above 256, LSL on bytes shifts above 64000 (the protocol's limits).
 * EDIV is Euclidean: the remainder is never negative. Bitwise operations on
 * bytes align the operands on their last byte: AND keeps the shorter length,
 * OR and XOR the longer one.
 */

import { MUTEZ_MAX } from '../data.js';
import { MutezUnderflowError, OverflowError } from '../errors.js';
import { COST, intBytes, log2 } from '../gas.js';
import type { Prim } from '../micheline.js';
import {
  arity,
  fail,
  type Handler,
  peek,
  replaceTop,
  type StackType,
  type TcEnv,
} from '../typecheck.js';
import { type MType, T } from '../types.js';
import { NONE, pair, some, type Value } from '../values.js';
import { bytesToInt, natToBytes } from './bytes.js';

/** `a` is the top of the stack, `b` the element below it. */
type Fn2 = (a: Value, b: Value) => Value;
type Fn1 = (a: Value) => Value;

const mutez = (x: bigint, what: string): bigint => {
  if (x > MUTEZ_MAX) throw new OverflowError(what);
  return x;
};

const num = (v: Value) => v as bigint;

/** Protocol's `cost_mul`: 55 + ~0.86 · a·log2(a) for a = total operand bytes. */
export function mulCost(a: number): number {
  const v = a * log2(a);
  return 55 + (v >>> 1) + (v >>> 2) + (v >>> 4);
}

function binary(
  name: string,
  table: Record<string, [MType, Fn2]>,
  legacyOnly: Record<string, [MType, Fn2]> = {},
  cost: (sizes: number) => number = (n) => COST.ARITH + n,
): Handler {
  return (node: Prim, stack: StackType, env: TcEnv) => {
    arity(node, 0);
    const [a, b] = peek(node, stack, 2);
    const key = `${a!.prim} ${b!.prim}`;
    const entry = table[key] ?? (env.legacy ? legacyOnly[key] : undefined);
    if (entry === undefined)
      return fail(node, stack, `${name} is not defined on ${a!.prim} and ${b!.prim}`);
    const [ret, f] = entry;
    return {
      out: replaceTop(stack, 2, ret),
      run: (s, rt) => {
        const top = s.pop() as Value;
        const below = s.pop() as Value;
        rt.gas.consume(cost(sizeOf(top) + sizeOf(below)));
        s.push(f(top, below));
      },
    };
  };
}

function unary(name: string, table: Record<string, [MType, Fn1]>): Handler {
  return (node, stack) => {
    arity(node, 0);
    const [a] = peek(node, stack, 1);
    const entry = table[a!.prim];
    if (entry === undefined) return fail(node, stack, `${name} is not defined on ${a!.prim}`);
    const [ret, f] = entry;
    return {
      out: replaceTop(stack, 1, ret),
      run: (s, rt) => {
        const x = s.pop() as Value;
        rt.gas.consume(COST.ARITH + sizeOf(x));
        s.push(f(x));
      },
    };
  };
}

function sizeOf(v: Value): number {
  if (typeof v === 'bigint') return intBytes(v);
  if (v instanceof Uint8Array) return v.length;
  return 1;
}

const add: Fn2 = (a, b) => num(a) + num(b);
const sub: Fn2 = (a, b) => num(a) - num(b);
const mul: Fn2 = (a, b) => num(a) * num(b);

const ADD = binary('ADD', {
  'nat nat': [T.nat, add],
  'nat int': [T.int, add],
  'int nat': [T.int, add],
  'int int': [T.int, add],
  'timestamp int': [T.timestamp, add],
  'int timestamp': [T.timestamp, add],
  'mutez mutez': [T.mutez, (a, b) => mutez(num(a) + num(b), 'mutez addition')],
});

const SUB = binary(
  'SUB',
  {
    'nat nat': [T.int, sub],
    'nat int': [T.int, sub],
    'int nat': [T.int, sub],
    'int int': [T.int, sub],
    'timestamp int': [T.timestamp, sub],
    'timestamp timestamp': [T.int, sub],
  },
  {
    // Deprecated since Ithaca (SUB_MUTEZ replaces it); legacy mode only.
    'mutez mutez': [
      T.mutez,
      (a, b) => {
        const r = num(a) - num(b);
        if (r < 0n) throw new MutezUnderflowError(num(a), num(b));
        return r;
      },
    ],
  },
);

const SUB_MUTEZ = binary('SUB_MUTEZ', {
  'mutez mutez': [
    T.option(T.mutez),
    (a, b) => {
      const r = num(a) - num(b);
      return r < 0n ? NONE : some(r);
    },
  ],
});

const MUL = binary(
  'MUL',
  {
    'nat nat': [T.nat, mul],
    'nat int': [T.int, mul],
    'int nat': [T.int, mul],
    'int int': [T.int, mul],
    'mutez nat': [T.mutez, (a, b) => mutez(num(a) * num(b), 'mutez multiplication')],
    'nat mutez': [T.mutez, (a, b) => mutez(num(a) * num(b), 'mutez multiplication')],
  },
  {},
  mulCost,
);

/** Euclidean division: a = b·q + r with 0 ≤ r < |b|. */
function ediv(a: bigint, b: bigint): [bigint, bigint] | undefined {
  if (b === 0n) return undefined;
  const ab = b < 0n ? -b : b;
  let r = a % ab;
  if (r < 0n) r += ab;
  return [(a - r) / b, r];
}

const edivTo: Fn2 = (a, b) => {
  const r = ediv(num(a), num(b));
  return r === undefined ? NONE : some(pair(r[0], r[1]));
};

const EDIV = binary(
  'EDIV',
  {
    'nat nat': [T.option(T.pair(T.nat, T.nat)), edivTo],
    'nat int': [T.option(T.pair(T.int, T.nat)), edivTo],
    'int nat': [T.option(T.pair(T.int, T.nat)), edivTo],
    'int int': [T.option(T.pair(T.int, T.nat)), edivTo],
    'mutez nat': [T.option(T.pair(T.mutez, T.mutez)), edivTo],
    'mutez mutez': [T.option(T.pair(T.nat, T.mutez)), edivTo],
  },
  {},
  mulCost,
);

const ABS = unary('ABS', { int: [T.nat, (a) => (num(a) < 0n ? -num(a) : num(a))] });
const ISNAT = unary('ISNAT', { int: [T.option(T.nat), (a) => (num(a) < 0n ? NONE : some(a))] });
const INT = unary('INT', {
  nat: [T.int, (a) => a],
  bytes: [T.int, (a) => bytesToInt(a as Uint8Array, true)],
});
const NEG = unary('NEG', { int: [T.int, (a) => -num(a)], nat: [T.int, (a) => -num(a)] });

const MAX_NAT_SHIFT = 256n;
const MAX_BYTES_SHIFT = 64000n;

function shiftBytes(b: Uint8Array, shift: bigint, left: boolean): Uint8Array {
  const n = bytesToInt(b, false);
  if (left) {
    if (shift > MAX_BYTES_SHIFT) throw new OverflowError('LSL on bytes');
    const len = b.length + Number((shift + 7n) / 8n);
    return natToBytes(n << shift, len);
  }
  const drop = shift / 8n;
  const len = drop >= BigInt(b.length) ? 0 : b.length - Number(drop);
  return len === 0 ? new Uint8Array(0) : natToBytes(n >> shift, len);
}

const LSL = binary('LSL', {
  'nat nat': [
    T.nat,
    (a, b) => {
      if (num(b) > MAX_NAT_SHIFT) throw new OverflowError('LSL');
      return num(a) << num(b);
    },
  ],
  'bytes nat': [T.bytes, (a, b) => shiftBytes(a as Uint8Array, num(b), true)],
});

const LSR = binary('LSR', {
  'nat nat': [
    T.nat,
    (a, b) => {
      if (num(b) > MAX_NAT_SHIFT) throw new OverflowError('LSR');
      return num(a) >> num(b);
    },
  ],
  'bytes nat': [T.bytes, (a, b) => shiftBytes(a as Uint8Array, num(b), false)],
});

function bytewise(op: (x: number, y: number) => number, keepShorter: boolean): Fn2 {
  return (a, b) => {
    const x = a as Uint8Array;
    const y = b as Uint8Array;
    const len = keepShorter ? Math.min(x.length, y.length) : Math.max(x.length, y.length);
    const out = new Uint8Array(len);
    for (let i = 1; i <= len; i++) {
      const xi = x.length - i >= 0 ? (x[x.length - i] as number) : 0;
      const yi = y.length - i >= 0 ? (y[y.length - i] as number) : 0;
      out[len - i] = op(xi, yi) & 0xff;
    }
    return out;
  };
}

const AND = binary('AND', {
  'bool bool': [T.bool, (a, b) => (a as boolean) && (b as boolean)],
  'nat nat': [T.nat, (a, b) => num(a) & num(b)],
  'int nat': [T.nat, (a, b) => num(a) & num(b)],
  'bytes bytes': [T.bytes, bytewise((x, y) => x & y, true)],
});
const OR = binary('OR', {
  'bool bool': [T.bool, (a, b) => (a as boolean) || (b as boolean)],
  'nat nat': [T.nat, (a, b) => num(a) | num(b)],
  'bytes bytes': [T.bytes, bytewise((x, y) => x | y, false)],
});
const XOR = binary('XOR', {
  'bool bool': [T.bool, (a, b) => a !== b],
  'nat nat': [T.nat, (a, b) => num(a) ^ num(b)],
  'bytes bytes': [T.bytes, bytewise((x, y) => x ^ y, false)],
});
const NOT = unary('NOT', {
  bool: [T.bool, (a) => !a],
  nat: [T.int, (a) => -num(a) - 1n],
  int: [T.int, (a) => -num(a) - 1n],
  bytes: [T.bytes, (a) => (a as Uint8Array).map((x) => ~x & 0xff)],
});

export const arithmetic: Record<string, Handler> = {
  ADD,
  SUB,
  SUB_MUTEZ,
  MUL,
  EDIV,
  ABS,
  ISNAT,
  INT,
  NEG,
  LSL,
  LSR,
  AND,
  OR,
  XOR,
  NOT,
};
