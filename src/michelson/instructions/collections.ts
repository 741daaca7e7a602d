/**
 * Lists, sets, maps and big maps: NIL, CONS, SIZE, EMPTY_SET, EMPTY_MAP,
 * EMPTY_BIG_MAP, MEM, GET, UPDATE, GET_AND_UPDATE. (GET n / UPDATE n on
 * combs are dispatched to structures.ts.)
 *
 * Big-map reads may hit the store (bigMaps.ts) and pay its read cost; big-map
 * writes only change the in-memory overlay.
 */

import { bigMapGet, bigMapMem, bigMapUpdate } from '../bigMaps.js';
import { mapGet, mapSize, mapUpdate, setMem, setSize, setUpdate } from '../collections.js';
import { COST, log2 } from '../gas.js';
import type { Runtime } from '../interpreter.js';
import type { Prim } from '../micheline.js';
import { treeSize } from '../tree.js';
import {
  arity,
  fail,
  type Handler,
  peek,
  replaceTop,
  type StackType,
  typeArg,
} from '../typecheck.js';
import { isComparable, type MType, props, showType, T, typesEqual } from '../types.js';
import {
  type BigMapValue,
  cons,
  EMPTY_LIST,
  EMPTY_MAP,
  EMPTY_SET,
  type ListValue,
  type MapValue,
  NONE,
  type SetValue,
  type SomeValue,
  some,
  type Value,
} from '../values.js';
import { GET_N, UPDATE_N } from './structures.js';

const NIL: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  return {
    out: [...stack, T.list(t)],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(EMPTY_LIST);
    },
  };
};

const CONS: Handler = (node, stack) => {
  arity(node, 0);
  const [x, l] = peek(node, stack, 2);
  if (l!.prim !== 'list' || !typesEqual(l.arg, x!))
    return fail(node, stack, 'CONS needs an element and a list of it');
  return {
    out: replaceTop(stack, 2, l),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const h = s.pop() as Value;
      s.push(cons(h, s.pop() as ListValue));
    },
  };
};

const SIZE: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  let size: (v: Value) => number;
  switch (t!.prim) {
    case 'string':
    case 'bytes':
      size = (v) => (v as string | Uint8Array).length;
      break;
    case 'list':
      size = (v) => (v as ListValue).size;
      break;
    case 'set':
      size = (v) => setSize(v as SetValue);
      break;
    case 'map':
      size = (v) => mapSize(v as MapValue);
      break;
    default:
      return fail(node, stack, 'SIZE needs a string, bytes, list, set or map');
  }
  return {
    out: replaceTop(stack, 1, T.nat),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push(BigInt(size(s.pop() as Value)));
    },
  };
};

const EMPTY_SET_: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  if (!isComparable(t)) fail(node, stack, `${showType(t)} is not comparable`);
  return {
    out: [...stack, T.set(t)],
    run: (s, rt) => {
      rt.gas.consume(COST.EMPTY_COLLECTION);
      s.push(EMPTY_SET);
    },
  };
};

const EMPTY_MAP_: Handler = (node, stack) => {
  const [k, v] = arity(node, 2);
  const t = T.map(typeArg(k, node), typeArg(v, node));
  if (t.prim !== 'map' || !isComparable(t.key))
    return fail(node, stack, 'map keys must be comparable');
  return {
    out: [...stack, t],
    run: (s, rt) => {
      rt.gas.consume(COST.EMPTY_COLLECTION);
      s.push(EMPTY_MAP);
    },
  };
};

const EMPTY_BIG_MAP: Handler = (node, stack) => {
  const [k, v] = arity(node, 2);
  const key = typeArg(k, node);
  const value = typeArg(v, node);
  if (!isComparable(key)) fail(node, stack, 'big map keys must be comparable');
  if (!props(value).bigMapValue) fail(node, stack, 'big map values cannot contain big maps');
  const empty: BigMapValue = {
    kind: 'big_map',
    id: undefined,
    keyType: key,
    valueType: value,
    overlay: undefined,
  };
  return {
    out: [...stack, T.bigMap(key, value)],
    run: (s, rt) => {
      rt.gas.consume(COST.EMPTY_COLLECTION);
      s.push(empty);
    },
  };
};

/** Elements of a map, or of a big map's in-memory overlay (the store's size is unknown). */
const sizeOf = (m: MapValue | BigMapValue): number =>
  m.kind === 'map' ? mapSize(m) : treeSize(m.overlay);

/** Cost of a keyed access in a collection of `size` elements. */
const access = (rt: Runtime, size: number) => rt.gas.consume(COST.MAP_ACCESS + 2 * log2(size));

function keyOf(node: Prim, stack: StackType, k: MType, c: MType): void {
  if (!typesEqual(k, c))
    fail(node, stack, `key of type ${showType(k)} where ${showType(c)} is expected`);
}

const MEM: Handler = (node, stack) => {
  arity(node, 0);
  const [k, c] = peek(node, stack, 2);
  const out = replaceTop(stack, 2, T.bool);
  if (c!.prim === 'set') {
    keyOf(node, stack, k!, c.arg);
    return {
      out,
      run: (s, rt) => {
        const key = s.pop() as Value;
        const set = s.pop() as SetValue;
        access(rt, setSize(set));
        s.push(setMem(set, key));
      },
    };
  }
  if (c!.prim === 'map' || c!.prim === 'big_map') {
    keyOf(node, stack, k!, c.key);
    const big = c.prim === 'big_map';
    return {
      out,
      run: (s, rt) => {
        const key = s.pop() as Value;
        const m = s.pop() as MapValue | BigMapValue;
        access(rt, sizeOf(m));
        s.push(
          big ? bigMapMem(rt, m as BigMapValue, key) : mapGet(m as MapValue, key) !== undefined,
        );
      },
    };
  }
  return fail(node, stack, 'MEM needs a set, map or big_map');
};

const GET: Handler = (node, stack, env) => {
  if (node.args?.length) return GET_N(node, stack, env);
  const [k, c] = peek(node, stack, 2);
  if (c!.prim !== 'map' && c!.prim !== 'big_map')
    return fail(node, stack, 'GET needs a map or big_map');
  keyOf(node, stack, k!, c.key);
  const big = c.prim === 'big_map';
  return {
    out: replaceTop(stack, 2, T.option(c.value)),
    run: (s, rt) => {
      const key = s.pop() as Value;
      const m = s.pop() as MapValue | BigMapValue;
      access(rt, sizeOf(m));
      const v = big ? bigMapGet(rt, m as BigMapValue, key) : mapGet(m as MapValue, key);
      s.push(v === undefined ? NONE : some(v));
    },
  };
};

const UPDATE: Handler = (node, stack, env) => {
  if (node.args?.length) return UPDATE_N(node, stack, env);
  const [k, v, c] = peek(node, stack, 3);
  if (c!.prim === 'set') {
    keyOf(node, stack, k!, c.arg);
    if (v!.prim !== 'bool') fail(node, stack, 'UPDATE on a set needs a bool');
    return {
      out: replaceTop(stack, 3, c),
      run: (s, rt) => {
        const key = s.pop() as Value;
        const present = s.pop() as boolean;
        const set = s.pop() as SetValue;
        access(rt, setSize(set));
        s.push(setUpdate(set, key, present));
      },
    };
  }
  if (c!.prim === 'map' || c!.prim === 'big_map') {
    keyOf(node, stack, k!, c.key);
    if (!typesEqual(v!, T.option(c.value)))
      fail(node, stack, `UPDATE needs an option ${showType(c.value)}`);
    const big = c.prim === 'big_map';
    return {
      out: replaceTop(stack, 3, c),
      run: (s, rt) => {
        const key = s.pop() as Value;
        const o = s.pop() as SomeValue | typeof NONE;
        const m = s.pop() as MapValue | BigMapValue;
        access(rt, sizeOf(m));
        const val = o.kind === 'none' ? undefined : o.value;
        s.push(big ? bigMapUpdate(m as BigMapValue, key, val) : mapUpdate(m as MapValue, key, val));
      },
    };
  }
  return fail(node, stack, 'UPDATE needs a set, map or big_map');
};

const GET_AND_UPDATE: Handler = (node, stack) => {
  arity(node, 0);
  const [k, v, c] = peek(node, stack, 3);
  if (c!.prim !== 'map' && c!.prim !== 'big_map')
    return fail(node, stack, 'GET_AND_UPDATE needs a map or big_map');
  keyOf(node, stack, k!, c.key);
  if (!typesEqual(v!, T.option(c.value)))
    fail(node, stack, `GET_AND_UPDATE needs an option ${showType(c.value)}`);
  const big = c.prim === 'big_map';
  return {
    out: replaceTop(stack, 3, c, T.option(c.value)),
    run: (s, rt) => {
      const key = s.pop() as Value;
      const o = s.pop() as SomeValue | typeof NONE;
      const m = s.pop() as MapValue | BigMapValue;
      access(rt, sizeOf(m));
      const val = o.kind === 'none' ? undefined : o.value;
      const old = big ? bigMapGet(rt, m as BigMapValue, key) : mapGet(m as MapValue, key);
      s.push(big ? bigMapUpdate(m as BigMapValue, key, val) : mapUpdate(m as MapValue, key, val));
      s.push(old === undefined ? NONE : some(old));
    },
  };
};

export const collections: Record<string, Handler> = {
  NIL,
  CONS,
  SIZE,
  EMPTY_SET: EMPTY_SET_,
  EMPTY_MAP: EMPTY_MAP_,
  EMPTY_BIG_MAP,
  MEM,
  GET,
  UPDATE,
  GET_AND_UPDATE,
};
