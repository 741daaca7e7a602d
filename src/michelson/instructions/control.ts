/**
 * Control structures: IF, IF_NONE, IF_LEFT, IF_CONS, LOOP, LOOP_LEFT, ITER,
 * MAP, LAMBDA, LAMBDA_REC, EXEC, APPLY, FAILWITH, NEVER.
 *
 * APPLY builds the closure the protocol builds — the code
 * `{ PUSH ty captured ; PAIR ; body }` (with `LAMBDA_REC … ; SWAP ; EXEC` for a
 * recursive lambda) — lazily, so that repeated APPLY stays linear; captured
 * values must be packable and contain no contract. FAILWITH's argument must
 * be packable (no contract either).
 */

import { FailwithError, TooDeepError } from '../errors.js';
import { COST } from '../gas.js';
import type { Run } from '../interpreter.js';
import type { Prim } from '../micheline.js';
import { type Expr, isSeq, prim } from '../micheline.js';
import { treeEntries, treeMapValues } from '../tree.js';
import {
  arity,
  fail,
  type Handler,
  MAX_LAMBDA_DEPTH,
  makeLambda,
  merge,
  peek,
  replaceTop,
  type StackType,
  type TcEnv,
  typeArg,
  typecheckLambda,
  typecheckSeq,
} from '../typecheck.js';
import { type MType, props, showType, T, typesEqual, unparseType } from '../types.js';
import { unparseData } from '../unparse.js';
import {
  cons,
  EMPTY_LIST,
  type LambdaValue,
  type ListValue,
  type MapValue,
  type OrValue,
  pair,
  type SetValue,
  type SomeValue,
  type Value,
} from '../values.js';

function branches(node: Prim, env: TcEnv, a: StackType, b: StackType) {
  const [ca, cb] = arity(node, 2);
  const ta = typecheckSeq(ca!, a, env, `${node.prim} branch`);
  const tb = typecheckSeq(cb!, b, env, `${node.prim} branch`);
  return { ra: ta.run, rb: tb.run, out: merge(node, ta.out, tb.out) };
}

const IF: Handler = (node, stack, env) => {
  const [c] = peek(node, stack, 1);
  if (c!.prim !== 'bool') fail(node, stack, 'IF needs a bool');
  const rest = stack.slice(0, -1);
  const { ra, rb, out } = branches(node, env, rest, rest);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      (s.pop() ? ra : rb)(s, rt);
    },
  };
};

const IF_NONE: Handler = (node, stack, env) => {
  const [o] = peek(node, stack, 1);
  if (o!.prim !== 'option') return fail(node, stack, 'IF_NONE needs an option');
  const rest = stack.slice(0, -1);
  const { ra, rb, out } = branches(node, env, rest, [...rest, o.arg]);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const v = s.pop() as SomeValue | { kind: 'none' };
      if (v.kind === 'none') ra(s, rt);
      else {
        s.push(v.value);
        rb(s, rt);
      }
    },
  };
};

const IF_LEFT: Handler = (node, stack, env) => {
  const [o] = peek(node, stack, 1);
  if (o!.prim !== 'or') return fail(node, stack, 'IF_LEFT needs an or');
  const rest = stack.slice(0, -1);
  const { ra, rb, out } = branches(node, env, [...rest, o.left], [...rest, o.right]);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const v = s.pop() as OrValue;
      s.push(v.value);
      (v.kind === 'left' ? ra : rb)(s, rt);
    },
  };
};

const IF_CONS: Handler = (node, stack, env) => {
  const [l] = peek(node, stack, 1);
  if (l!.prim !== 'list') return fail(node, stack, 'IF_CONS needs a list');
  const rest = stack.slice(0, -1);
  const { ra, rb, out } = branches(node, env, [...rest, l, l.arg], rest);
  return {
    out,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const v = s.pop() as ListValue;
      if (v.size === 0) rb(s, rt);
      else {
        s.push(v.tail as ListValue, v.head as Value);
        ra(s, rt);
      }
    },
  };
};

const LOOP: Handler = (node, stack, env) => {
  const [c] = peek(node, stack, 1);
  if (c!.prim !== 'bool') fail(node, stack, 'LOOP needs a bool');
  const rest = stack.slice(0, -1);
  const body = typecheckSeq(arity(node, 1)[0]!, rest, env, 'LOOP body');
  if (body.out !== undefined) merge(node, body.out, stack);
  const run = body.run;
  return {
    out: rest,
    run: (s, rt) => {
      while (s.pop() as boolean) {
        rt.gas.consume(COST.LOOP_STEP);
        run(s, rt);
      }
      rt.gas.consume(COST.LOOP_STEP);
    },
  };
};

const LOOP_LEFT: Handler = (node, stack, env) => {
  const [o] = peek(node, stack, 1);
  if (o!.prim !== 'or') return fail(node, stack, 'LOOP_LEFT needs an or');
  const rest = stack.slice(0, -1);
  const body = typecheckSeq(arity(node, 1)[0]!, [...rest, o.left], env, 'LOOP_LEFT body');
  if (body.out !== undefined) merge(node, body.out, stack);
  const run = body.run;
  return {
    out: [...rest, o.right],
    run: (s, rt) => {
      for (;;) {
        rt.gas.consume(COST.LOOP_STEP);
        const v = s.pop() as OrValue;
        s.push(v.value);
        if (v.kind === 'right') return;
        run(s, rt);
      }
    },
  };
};

/** Elements iterated by ITER/MAP: list items, set elements, map (key, value) pairs. */
function elementType(c: MType): MType | undefined {
  if (c.prim === 'list' || c.prim === 'set') return c.arg;
  if (c.prim === 'map') return T.pair(c.key, c.value);
  return undefined;
}

function* elements(c: Value, prim: string): Generator<Value> {
  if (prim === 'list')
    for (let l = c as ListValue; l.size > 0; l = l.tail as ListValue) yield l.head as Value;
  else if (prim === 'set') for (const [x] of treeEntries((c as SetValue).tree)) yield x;
  else for (const [k, x] of treeEntries((c as MapValue).tree)) yield pair(k, x);
}

const ITER: Handler = (node, stack, env) => {
  const [c] = peek(node, stack, 1);
  const elem = elementType(c!);
  if (elem === undefined) return fail(node, stack, 'ITER needs a list, set or map');
  const rest = stack.slice(0, -1);
  const body = typecheckSeq(arity(node, 1)[0]!, [...rest, elem], env, 'ITER body');
  if (body.out !== undefined) merge(node, body.out, rest);
  const run = body.run;
  const kind = c!.prim;
  return {
    out: rest,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      for (const x of elements(s.pop() as Value, kind)) {
        rt.gas.consume(COST.LOOP_STEP);
        s.push(x);
        run(s, rt);
      }
    },
  };
};

const MAP: Handler = (node, stack, env) => {
  const [c] = peek(node, stack, 1);
  const elem = c!.prim === 'option' ? c!.arg : elementType(c!);
  if (elem === undefined || c!.prim === 'set')
    return fail(node, stack, 'MAP needs a list, map or option');
  const rest = stack.slice(0, -1);
  const body = typecheckSeq(arity(node, 1)[0]!, [...rest, elem], env, 'MAP body');
  if (body.out === undefined) return fail(node, stack, 'MAP body cannot always fail');
  if (body.out.length !== rest.length + 1)
    fail(node, body.out, 'MAP body must push exactly one value');
  merge(node, body.out.slice(0, -1), rest);
  const r = body.out[body.out.length - 1] as MType;
  const run = body.run;
  const mapped = (v: Value, s: Value[], rt: Parameters<Run>[1]): Value => {
    rt.gas.consume(COST.LOOP_STEP);
    s.push(v);
    run(s, rt);
    return s.pop() as Value;
  };
  if (c!.prim === 'option')
    return {
      out: [...rest, T.option(r)],
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        const o = s.pop() as SomeValue | { kind: 'none' };
        s.push(o.kind === 'none' ? o : { kind: 'some', value: mapped(o.value, s, rt) });
      },
    };
  if (c!.prim === 'list')
    return {
      out: [...rest, T.list(r)],
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        const out: Value[] = [];
        for (const x of elements(s.pop() as Value, 'list')) out.push(mapped(x, s, rt));
        let l = EMPTY_LIST;
        for (let i = out.length - 1; i >= 0; i--) l = cons(out[i] as Value, l);
        s.push(l);
      },
    };
  const key = (c as MType & { prim: 'map' }).key;
  return {
    out: [...rest, T.map(key, r)],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const m = s.pop() as MapValue;
      s.push({ kind: 'map', tree: treeMapValues(m.tree, (k, x) => mapped(pair(k, x), s, rt)) });
    },
  };
};

function lambdaInstr(recursive: boolean): Handler {
  return (node, stack, env) => {
    const [a, b, body] = arity(node, 3);
    const arg = typeArg(a, node);
    const ret = typeArg(b, node);
    if (!isSeq(body!)) return fail(node, stack, 'the lambda body must be a { } sequence');
    const lam = typecheckLambda(arg, ret, body, recursive, { legacy: env.legacy });
    return {
      out: [...stack, T.lambda(arg, ret)],
      run: (s, rt) => {
        rt.gas.consume(COST.INSTR);
        s.push(lam);
      },
    };
  };
}

/** Run a lambda on one argument and return its result. */
export function execLambda(lam: LambdaValue, arg: Value, rt: Parameters<Run>[1]): Value {
  const inner: Value[] = [arg];
  lam.code.run(inner, rt);
  return inner[0] as Value;
}

const EXEC: Handler = (node, stack) => {
  arity(node, 0);
  const [a, l] = peek(node, stack, 2);
  if (l!.prim !== 'lambda' || !typesEqual(l.arg, a!))
    return fail(node, stack, 'EXEC needs an argument and a lambda taking it');
  return {
    out: replaceTop(stack, 2, l.ret),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR * 2);
      const arg = s.pop() as Value;
      const lam = s.pop() as LambdaValue;
      s.push(execLambda(lam, arg, rt));
    },
  };
};

const APPLY: Handler = (node, stack) => {
  arity(node, 0);
  const [a, l] = peek(node, stack, 2);
  if (l!.prim !== 'lambda' || l.arg.prim !== 'pair' || !typesEqual(l.arg.left, a!))
    return fail(node, stack, 'APPLY needs a value and a lambda taking a pair starting with it');
  const p = props(a!);
  if (!p.packable || p.hasContract)
    fail(node, stack, `cannot capture a value of type ${showType(a!)}`);
  const capT = a!;
  const rest = l.arg.right;
  return {
    out: replaceTop(stack, 2, T.lambda(rest, l.ret)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR * 4);
      const captured = s.pop() as Value;
      const lam = s.pop() as LambdaValue;
      const inner = capT.prim === 'lambda' ? (captured as LambdaValue).depth : 0;
      const depth = 1 + Math.max(lam.depth, inner);
      if (depth > MAX_LAMBDA_DEPTH) throw new TooDeepError('APPLY closure');
      const run: Run = (st, r) => {
        st.push(pair(captured, st.pop() as Value));
        lam.code.run(st, r);
      };
      let src: Expr | undefined;
      const source = () => {
        src ??= [
          prim('PUSH', [unparseType(capT), unparseData(captured, capT, 'optimized')]),
          prim('PAIR'),
          ...(lam.recursive
            ? [
                prim('LAMBDA_REC', [
                  unparseType(lam.arg),
                  unparseType(lam.ret),
                  ((lam.source() as Prim).args as Expr[])[0] as Expr,
                ]),
                prim('SWAP'),
                prim('EXEC'),
              ]
            : [lam.source()]),
        ];
        return src;
      };
      s.push(makeLambda(rest, lam.ret, false, run, source, depth));
    },
  };
};

const FAILWITH: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  const p = props(t!);
  if (!p.packable || p.hasContract)
    fail(node, stack, `cannot fail with a value of type ${showType(t!)}`);
  return {
    out: undefined,
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      throw new FailwithError(s.pop() as Value, t!);
    },
  };
};

const NEVER: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'never') fail(node, stack, 'NEVER needs a value of type never');
  return { out: undefined, run: () => {} };
};

export const control: Record<string, Handler> = {
  IF,
  IF_NONE,
  IF_LEFT,
  IF_CONS,
  LOOP,
  LOOP_LEFT,
  ITER,
  MAP,
  LAMBDA: lambdaInstr(false),
  LAMBDA_REC: lambdaInstr(true),
  EXEC,
  APPLY,
  FAILWITH,
  NEVER,
};

export type { OrValue };
