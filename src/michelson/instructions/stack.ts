/**
 * Stack manipulation: DROP [n], DUP [n], SWAP, DIG n, DUG n, DIP [n] code,
 * PUSH, UNIT, RENAME, CAST.
 *
 * Counts are uint10 (0–1023) as in the protocol. DUP refuses non-duplicable
 * types (tickets). PUSH refuses types that are not pushable (operation,
 * big_map, contract, ticket, sapling_state).
 */

import { parseData } from '../data.js';
import { COST } from '../gas.js';
import {
  arity,
  expectType,
  fail,
  type Handler,
  natArg,
  peek,
  replaceTop,
  type StackType,
  typeArg,
  typecheckSeq,
} from '../typecheck.js';
import { props, showType, T } from '../types.js';
import type { Value } from '../values.js';
import { UNIT } from '../values.js';

const MAX = 1023;

const DROP: Handler = (node, stack) => {
  const n = node.args?.length ? natArg(node, node.args[0], MAX) : 1;
  if (node.args && node.args.length > 1) arity(node, 1);
  peek(node, stack, n);
  return {
    out: stack.slice(0, stack.length - n),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR + n);
      s.length -= n;
    },
  };
};

const DUP: Handler = (node, stack) => {
  const n = node.args?.length ? natArg(node, node.args[0], MAX) : 1;
  if (node.args && node.args.length > 1) arity(node, 1);
  if (n === 0) fail(node, stack, 'DUP 0 is not allowed');
  const t = peek(node, stack, n)[n - 1] as (typeof stack)[number];
  if (!props(t).duplicable) fail(node, stack, `${showType(t)} cannot be duplicated`);
  return {
    out: [...stack, t],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR + n);
      s.push(s[s.length - n] as Value);
    },
  };
};

const SWAP: Handler = (node, stack) => {
  arity(node, 0);
  const [a, b] = peek(node, stack, 2);
  return {
    out: replaceTop(stack, 2, a!, b!),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const i = s.length - 1;
      const x = s[i] as Value;
      s[i] = s[i - 1] as Value;
      s[i - 1] = x;
    },
  };
};

const DIG: Handler = (node, stack) => {
  const n = natArg(node, arity(node, 1)[0], MAX);
  const ts = peek(node, stack, n + 1);
  const moved = ts[n]!;
  const out = [...stack];
  out.splice(stack.length - 1 - n, 1);
  out.push(moved);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(30 + 7 * n);
      if (n > 0) s.push(s.splice(s.length - 1 - n, 1)[0] as Value);
    },
  };
};

const DUG: Handler = (node, stack) => {
  const n = natArg(node, arity(node, 1)[0], MAX);
  const ts = peek(node, stack, n + 1);
  const out = stack.slice(0, stack.length - 1);
  out.splice(out.length - n, 0, ts[0]!);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(35 + 7 * n);
      if (n > 0) s.splice(s.length - 1 - n, 0, s.pop() as Value);
    },
  };
};

const DIP: Handler = (node, stack, env) => {
  const a = node.args ?? [];
  let n = 1;
  let code = a[0];
  if (a.length === 2) {
    n = natArg(node, a[0], MAX);
    code = a[1];
  } else if (a.length !== 1) arity(node, 1);
  peek(node, stack, n);
  const kept = stack.slice(stack.length - n);
  const inner = typecheckSeq(code!, stack.slice(0, stack.length - n), env, 'DIP body');
  const out: StackType | undefined = inner.out === undefined ? undefined : [...inner.out, ...kept];
  const body = inner.run;
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR + n);
      const saved = s.splice(s.length - n, n);
      body(s, rt);
      for (const v of saved) s.push(v);
    },
  };
};

const PUSH: Handler = (node, stack, env) => {
  const [te, de] = arity(node, 2);
  const t = typeArg(te, node);
  if (!props(t).pushable) fail(node, stack, `${showType(t)} cannot be pushed`);
  const v = parseData(de!, t, { legacy: env.legacy });
  return {
    out: [...stack, t],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(v);
    },
  };
};

const UNIT_: Handler = (node, stack) => {
  arity(node, 0);
  return {
    out: [...stack, T.unit],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(UNIT);
    },
  };
};

const RENAME: Handler = (node, stack) => {
  arity(node, 0);
  peek(node, stack, 1);
  return { out: stack, run: (_s, rt) => rt.gas.consume(COST.INSTR) };
};

const CAST: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  const [top] = peek(node, stack, 1);
  expectType(node, stack, top!, t);
  return { out: replaceTop(stack, 1, t), run: (_s, rt) => rt.gas.consume(COST.INSTR) };
};

export const stack: Record<string, Handler> = {
  DROP,
  DUP,
  SWAP,
  DIG,
  DUG,
  DIP,
  PUSH,
  UNIT: UNIT_,
  RENAME,
  CAST,
};
