/**
 * The outcome of an included manager operation, read from its block's
 * metadata: applied when every content's result is `applied`, failed
 * otherwise, with the error ids and the contract's FAILWITH strings.
 * Pure.
 */

import { MalformedAnswer } from './nodePool.js';

export type Outcome =
  | { readonly applied: true }
  | { readonly applied: false; readonly errors: readonly string[] };

interface Result {
  status?: unknown;
  errors?: { id?: unknown; with?: { string?: unknown } }[];
}

export function operationOutcome(op: Record<string, unknown>): Outcome {
  const contents = op.contents;
  if (!Array.isArray(contents) || contents.length === 0)
    throw new MalformedAnswer('malformed operation contents');
  const errors: string[] = [];
  let applied = true;
  for (const c of contents as { metadata?: { operation_result?: Result } }[]) {
    const r = c?.metadata?.operation_result;
    if (typeof r?.status !== 'string') throw new MalformedAnswer('malformed operation result');
    if (r.status === 'applied') continue;
    applied = false;
    for (const e of Array.isArray(r.errors) ? r.errors : []) {
      if (typeof e?.id === 'string') errors.push(e.id.slice(0, 200));
      if (typeof e?.with?.string === 'string') errors.push(e.with.string.slice(0, 200));
    }
    if (r.errors === undefined) errors.push(r.status.slice(0, 40));
  }
  return applied ? { applied: true } : { applied: false, errors };
}

/** The contract's rejection strings and the node's ids in a Tezos error list. */
export function errorStrings(list: readonly { id: string; with?: unknown }[]): string[] {
  const out: string[] = [];
  for (const e of list) {
    out.push(String(e.id).slice(0, 200));
    const w = (e.with as { string?: unknown } | undefined)?.string;
    if (typeof w === 'string') out.push(w.slice(0, 200));
  }
  return out;
}
