/**
 * Entrypoints of a parameter type (Michelson reference, "Entrypoints").
 *
 * Every `%name` field annotation on a node of the tree of `or`s at the root
 * of the parameter type names an entrypoint; a call to it builds the
 * parameter by wrapping the argument in the Left/Right constructors of its
 * path. `default` is the node annotated `%default` if any, else the whole
 * parameter. Names are at most 31 characters and unique.
 */

import { MAX_ENTRYPOINT_LENGTH } from './encoding.js';
import { TypeCheckError } from './errors.js';
import type { MType } from './types.js';
import type { Value } from './values.js';

export interface Entrypoint {
  readonly type: MType;
  /** Path from the root: 'L' = Left, 'R' = Right. */
  readonly path: readonly ('L' | 'R')[];
}

export type Entrypoints = ReadonlyMap<string, Entrypoint>;

export function entrypointsOf(param: MType): Entrypoints {
  const out = new Map<string, Entrypoint>();
  const walk = (t: MType, path: ('L' | 'R')[]) => {
    if (t.field !== undefined) {
      const name = t.field;
      if (name.length > MAX_ENTRYPOINT_LENGTH)
        throw new TypeCheckError(
          `Cannot typecheck parameter: entrypoint %${name} longer than 31 characters`,
        );
      if (name !== '') {
        if (out.has(name))
          throw new TypeCheckError(`Cannot typecheck parameter: duplicate entrypoint %${name}`);
        out.set(name, { type: t, path });
      }
    }
    if (t.prim === 'or') {
      walk(t.left, [...path, 'L']);
      walk(t.right, [...path, 'R']);
    }
  };
  walk(param, []);
  if (!out.has('default')) out.set('default', { type: param, path: [] });
  return out;
}

/** Entrypoint by name ('' and 'default' both mean default). */
export function findEntrypoint(eps: Entrypoints, name: string): Entrypoint | undefined {
  return eps.get(name === '' ? 'default' : name);
}

/** Wrap an entrypoint argument into the full parameter value. */
export function wrapParameter(ep: Entrypoint, arg: Value): Value {
  let v = arg;
  for (let i = ep.path.length - 1; i >= 0; i--)
    v = { kind: ep.path[i] === 'L' ? 'left' : 'right', value: v };
  return v;
}
