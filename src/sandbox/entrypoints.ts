/**
 * The `…/entrypoints` answer: every annotated branch of the parameter's `or`
 * tree, with its type as the node shows it — field annotations inside kept,
 * the branch's own entrypoint annotation dropped (Taquito builds its
 * `methodsObject` argument names from those field annotations).
 */

import type { Expr, Prim } from '../michelson/index.js';

function withoutEntrypointAnnot(p: Prim): Prim {
  const annots = (p.annots ?? []).filter((a) => !a.startsWith('%'));
  const { annots: _, ...rest } = p;
  return annots.length ? { ...rest, annots } : rest;
}

export function entrypointsOf(parameter: Expr): Record<string, Expr> {
  const out: Record<string, Expr> = {};
  const walk = (e: Expr): void => {
    if (Array.isArray(e) || !('prim' in e)) return;
    const name = e.annots?.find((a) => a.startsWith('%'))?.slice(1);
    if (name) out[name] = withoutEntrypointAnnot(e);
    if (e.prim === 'or') for (const a of e.args ?? []) walk(a);
  };
  walk(parameter);
  return out;
}
