/**
 * Scripts: the `parameter`, `storage`, `code` and `view` sections of a
 * contract, typechecked together (the protocol's `parse_script`).
 *
 * The code must map `pair parameter storage` to `pair (list operation)
 * storage`; the parameter type must be passable and its entrypoints well
 * formed; the storage type must be storable; views are typed against the
 * storage type. Sections may come in any order (Taquito puts views first).
 */

import { type Entrypoints, entrypointsOf } from './entrypoints.js';
import { ParseError, TypeCheckError } from './errors.js';
import type { Run } from './interpreter.js';
import { countNodes, type Expr, isPrim, isSeq, type Prim, show } from './micheline.js';
import { typecheckSeq } from './typecheck.js';
import { type MType, parseType, props, showType, T, typesEqual } from './types.js';
import { type TypedView, typecheckViews } from './views.js';

export interface TypedScript {
  /** The sections as given. */
  readonly sections: readonly Expr[];
  readonly parameterType: MType;
  readonly storageType: MType;
  readonly entrypoints: Entrypoints;
  readonly views: ReadonlyMap<string, TypedView>;
  /** Compiled code: runs on [pair parameter storage]. */
  readonly run: Run;
  /** Micheline nodes typechecked (for gas). */
  readonly nodes: number;
}

export interface ScriptSections {
  readonly parameter: Expr;
  readonly storage: Expr;
  readonly code: Expr;
  readonly views: readonly Expr[];
}

/** Split a script into its sections, checking each appears the right number of times. */
export function splitSections(script: Expr | readonly Expr[]): ScriptSections {
  const items = isSeq(script as Expr) ? (script as Expr[]) : [script as Expr];
  const found: Record<string, Expr[]> = { parameter: [], storage: [], code: [], view: [] };
  for (const s of items) {
    if (!isPrim(s) || !(s.prim in found))
      throw new ParseError(`Cannot parse script: unexpected section ${show(s)}`);
    const p = s as Prim;
    if (p.prim !== 'view' && p.args?.length !== 1)
      throw new ParseError(`Cannot parse script: section ${p.prim} takes one argument`);
    (found[p.prim] as Expr[]).push(p.prim === 'view' ? p : (p.args?.[0] as Expr));
  }
  for (const k of ['parameter', 'storage', 'code'])
    if (found[k]?.length !== 1)
      throw new ParseError(`Cannot parse script: expected exactly one ${k} section`);
  return {
    parameter: found.parameter?.[0] as Expr,
    storage: found.storage?.[0] as Expr,
    code: found.code?.[0] as Expr,
    views: found.view as Expr[],
  };
}

export function typecheckScript(
  script: Expr | readonly Expr[],
  opts: { legacy?: boolean } = {},
): TypedScript {
  const legacy = opts.legacy ?? false;
  const s = splitSections(script);
  const parameterType = parseType(s.parameter);
  if (!props(parameterType).passable)
    throw new TypeCheckError(
      `Cannot typecheck parameter ${showType(parameterType)}: not a passable type`,
    );
  const entrypoints = entrypointsOf(parameterType);
  const storageType = parseType(s.storage);
  if (!props(storageType).storable)
    throw new TypeCheckError(
      `Cannot typecheck storage ${showType(storageType)}: not a storable type`,
    );
  const expected = T.pair(T.list(T.operation), storageType);
  const code = typecheckSeq(
    s.code,
    [T.pair(parameterType, storageType)],
    {
      legacy,
      self: { paramType: parameterType, entrypoints },
    },
    'code',
  );
  if (
    code.out !== undefined &&
    (code.out.length !== 1 || !typesEqual(code.out[0] as MType, expected))
  )
    throw new TypeCheckError(
      `Cannot typecheck code: it must end with [${showType(expected)}], not [${code.out.map(showType).join(' : ')}]`,
    );
  const views = typecheckViews(s.views, storageType, legacy);
  const sections = isSeq(script as Expr) ? (script as Expr[]) : [script as Expr];
  return {
    sections,
    parameterType,
    storageType,
    entrypoints,
    views,
    run: code.run,
    nodes: countNodes(sections),
  };
}
