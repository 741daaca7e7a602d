/**
 * Pairs, options and ors: PAIR [n], UNPAIR [n], CAR, CDR, GET n / UPDATE n on
 * right combs (map GET/UPDATE are in collections.ts, which dispatches here
 * when the instruction has an argument), SOME, NONE, LEFT, RIGHT.
 *
 * Comb addressing (GET n): 0 is the whole value, 2k+1 the left of the k-th
 * right descendant, 2k the k-th right descendant. UPDATE n may change the
 * type of the component it replaces.
 */

import { COST } from '../gas.js';
import type { Prim } from '../micheline.js';
import {
  arity,
  fail,
  type Handler,
  natArg,
  peek,
  replaceTop,
  type StackType,
  typeArg,
} from '../typecheck.js';
import { type MType, T } from '../types.js';
import { left, NONE, type PairValue, pair, right, some, type Value } from '../values.js';

const MAX = 1023;

function countArg(node: Prim, min: number, max: number): number | undefined {
  const a = node.args ?? [];
  if (a.length === 0) return undefined;
  arity(node, 1);
  const n = natArg(node, a[0], max);
  if (n < min) fail(node, undefined, `${node.prim} needs an argument of at least ${min}`);
  return n;
}

const PAIR: Handler = (node, stack) => {
  const n = countArg(node, 2, MAX) ?? 2;
  const ts = peek(node, stack, n);
  let t = ts[n - 1] as MType;
  for (let i = n - 2; i >= 0; i--) t = T.pair(ts[i] as MType, t);
  return {
    out: replaceTop(stack, n, t),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR + 4 * n);
      let v = s.pop() as Value;
      const items: Value[] = [v];
      for (let i = 1; i < n; i++) items.push(s.pop() as Value);
      v = items[n - 1] as Value;
      for (let i = n - 2; i >= 0; i--) v = pair(items[i] as Value, v);
      s.push(v);
    },
  };
};

const UNPAIR: Handler = (node, stack) => {
  const n = countArg(node, 2, MAX) ?? 2;
  const [top] = peek(node, stack, 1);
  const parts: MType[] = [];
  let t = top as MType;
  for (let i = 0; i < n - 1; i++) {
    if (t.prim !== 'pair') return fail(node, stack, `UNPAIR ${n} needs a comb of ${n} components`);
    parts.push(t.left);
    t = t.right;
  }
  parts.push(t);
  return {
    out: replaceTop(stack, 1, ...parts.reverse()),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR + 4 * n);
      let v = s.pop() as Value;
      const items: Value[] = [];
      for (let i = 0; i < n - 1; i++) {
        items.push((v as PairValue).fst);
        v = (v as PairValue).snd;
      }
      items.push(v);
      for (let i = items.length - 1; i >= 0; i--) s.push(items[i] as Value);
    },
  };
};

function projection(which: 'fst' | 'snd'): Handler {
  return (node, stack) => {
    arity(node, 0);
    const [t] = peek(node, stack, 1);
    if (t!.prim !== 'pair') return fail(node, stack, `${node.prim} needs a pair`);
    return {
      out: replaceTop(stack, 1, which === 'fst' ? t.left : t.right),
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        s.push((s.pop() as PairValue)[which]);
      },
    };
  };
}

/** Type of component k of a comb (see header). */
function combGetType(node: Prim, stack: StackType, t: MType, k: number): MType {
  let cur = t;
  let i = k;
  while (i >= 2) {
    if (cur.prim !== 'pair') return fail(node, stack, `no component ${k} in this comb`);
    cur = cur.right;
    i -= 2;
  }
  if (i === 0) return cur;
  if (cur.prim !== 'pair') return fail(node, stack, `no component ${k} in this comb`);
  return cur.left;
}

function combSetType(node: Prim, stack: StackType, t: MType, k: number, nt: MType): MType {
  if (k === 0) return nt;
  if (t.prim !== 'pair') return fail(node, stack, 'no such component in this comb');
  if (k === 1) return T.pair(nt, t.right);
  return T.pair(t.left, combSetType(node, stack, t.right, k - 2, nt));
}

function combGet(v: Value, k: number): Value {
  let cur = v;
  let i = k;
  while (i >= 2) {
    cur = (cur as PairValue).snd;
    i -= 2;
  }
  return i === 0 ? cur : (cur as PairValue).fst;
}

function combSet(v: Value, k: number, x: Value): Value {
  if (k === 0) return x;
  const p = v as PairValue;
  if (k === 1) return pair(x, p.snd);
  return pair(p.fst, combSet(p.snd, k - 2, x));
}

export const GET_N: Handler = (node, stack) => {
  const k = natArg(node, arity(node, 1)[0], 2047);
  const [t] = peek(node, stack, 1);
  return {
    out: replaceTop(stack, 1, combGetType(node, stack, t!, k)),
    run: (s, rt) => {
      rt.gas.consume(20 + k);
      s.push(combGet(s.pop() as Value, k));
    },
  };
};

export const UPDATE_N: Handler = (node, stack) => {
  const k = natArg(node, arity(node, 1)[0], 2047);
  const [x, t] = peek(node, stack, 2);
  return {
    out: replaceTop(stack, 2, combSetType(node, stack, t!, k, x!)),
    run: (s, rt) => {
      rt.gas.consume(20 + k);
      const v = s.pop() as Value;
      s.push(combSet(s.pop() as Value, k, v));
    },
  };
};

const SOME: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  return {
    out: replaceTop(stack, 1, T.option(t!)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(some(s.pop() as Value));
    },
  };
};

const NONE_: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  return {
    out: [...stack, T.option(t)],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(NONE);
    },
  };
};

function injection(side: 'left' | 'right'): Handler {
  return (node, stack) => {
    const other = typeArg(arity(node, 1)[0], node);
    const [t] = peek(node, stack, 1);
    const ot = side === 'left' ? T.or(t!, other) : T.or(other, t!);
    const mk = side === 'left' ? left : right;
    return {
      out: replaceTop(stack, 1, ot),
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        s.push(mk(s.pop() as Value));
      },
    };
  };
}

export const structures: Record<string, Handler> = {
  PAIR,
  UNPAIR,
  CAR: projection('fst'),
  CDR: projection('snd'),
  SOME,
  NONE: NONE_,
  LEFT: injection('left'),
  RIGHT: injection('right'),
};
