/**
 * COMPARE on two values of the same comparable type (→ -1, 0 or 1), and the
 * tests EQ, NEQ, LT, GT, LE, GE on its int result. The order is compare.ts's.
 */

import { compareValues } from '../compare.js';
import { COST } from '../gas.js';
import { arity, fail, type Handler, peek, replaceTop } from '../typecheck.js';
import { isComparable, showType, T, typesEqual } from '../types.js';
import type { Value } from '../values.js';

const COMPARE: Handler = (node, stack) => {
  arity(node, 0);
  const [a, b] = peek(node, stack, 2);
  if (!typesEqual(a!, b!)) fail(node, stack, `cannot compare ${showType(a!)} with ${showType(b!)}`);
  if (!isComparable(a!)) fail(node, stack, `${showType(a!)} is not comparable`);
  return {
    out: replaceTop(stack, 2, T.int),
    run: (s, rt) => {
      rt.gas.consume(COST.COMPARE);
      const x = s.pop() as Value;
      const y = s.pop() as Value;
      s.push(BigInt(compareValues(x, y)));
    },
  };
};

function test(name: string, f: (n: bigint) => boolean): Handler {
  return (node, stack) => {
    arity(node, 0);
    const [a] = peek(node, stack, 1);
    if (a!.prim !== 'int') fail(node, stack, `${name} needs an int`);
    return {
      out: replaceTop(stack, 1, T.bool),
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        s.push(f(s.pop() as bigint));
      },
    };
  };
}

export const comparison: Record<string, Handler> = {
  COMPARE,
  EQ: test('EQ', (n) => n === 0n),
  NEQ: test('NEQ', (n) => n !== 0n),
  LT: test('LT', (n) => n < 0n),
  GT: test('GT', (n) => n > 0n),
  LE: test('LE', (n) => n <= 0n),
  GE: test('GE', (n) => n >= 0n),
};
