/**
 * Micheline: the JSON-shaped syntax tree of Michelson, and its binary form.
 *
 * Text and JSON are parsed by @taquito/michel-codec (`Parser`, with macros
 * expanded) and returned as plain JSON. The binary encoding is in binary.ts.
 */

import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { Parser, sourceReference } from '@taquito/michel-codec';
import { ParseError } from './errors.js';

export interface Prim {
  prim: string;
  args?: Expr[];
  annots?: string[];
}
export interface IntLit {
  int: string;
}
export interface StringLit {
  string: string;
}
export interface BytesLit {
  bytes: string;
}
export type Expr = Prim | IntLit | StringLit | BytesLit | Expr[];

const parser = new Parser({ expandMacros: true });

/**
 * Copy michel-codec's output into plain JSON (it attaches source positions
 * under a symbol key), fixing one macro on the way: michel-codec expands
 * `CAR k` / `CDR k` to a bare `GET n`, the Tezos client to the block
 * `{ GET n }`. The difference shows in PACKed lambdas (TZT macro_pack/carn_*,
 * cdrn_*). michel-codec marks every expanded node with its source macro.
 */
function clean(e: Expr): Expr {
  if (Array.isArray(e)) return e.map(clean);
  if ('int' in e) return { int: e.int };
  if ('string' in e) return { string: e.string };
  if ('bytes' in e) return { bytes: e.bytes };
  const out = prim(e.prim, e.args?.map(clean), e.annots);
  const macro = (e as { [sourceReference]?: { macro?: Expr } })[sourceReference]?.macro;
  if (
    macro &&
    isPrim(macro) &&
    (macro.prim === 'CAR' || macro.prim === 'CDR') &&
    macro.args?.length === 1
  )
    return [out];
  return out;
}

/** Parse one Micheline expression written as text (macros expanded). */
export function parseExpr(src: string): Expr {
  let e: unknown;
  // michel-codec reads a toplevel `Pair 1 2` as a bare `Pair`: parenthesize applications.
  const text = /^\s*[A-Za-z_]/.test(src) ? `(${src})` : src;
  try {
    e = parser.parseMichelineExpression(text);
  } catch (err) {
    throw new ParseError(`Cannot parse Micheline: ${(err as Error).message}`);
  }
  if (e === null) throw new ParseError('Cannot parse Micheline: empty text');
  return clean(e as Expr);
}

/** Parse a toplevel sequence written without braces (a script, a TZT file). */
export function parseToplevel(src: string): Expr[] {
  let e: unknown;
  try {
    e = parser.parseScript(src);
  } catch (err) {
    throw new ParseError(`Cannot parse Micheline: ${(err as Error).message}`);
  }
  if (e === null) throw new ParseError('Cannot parse Micheline: empty text');
  return clean(e as Expr[]) as Expr[];
}

/** Validate and normalize Micheline JSON (macros expanded). */
export function parseJson(src: unknown): Expr {
  if (typeof src !== 'object' || src === null)
    throw new ParseError('Cannot parse Micheline JSON: not an object or array');
  try {
    return clean(parser.parseJSON(src) as Expr);
  } catch (err) {
    throw new ParseError(`Cannot parse Micheline JSON: ${(err as Error).message}`);
  }
}

export const isPrim = (e: Expr, name?: string): e is Prim =>
  !Array.isArray(e) && 'prim' in e && (name === undefined || e.prim === name);
export const isSeq = (e: Expr): e is Expr[] => Array.isArray(e);
export const isInt = (e: Expr): e is IntLit => !Array.isArray(e) && 'int' in e;
export const isString = (e: Expr): e is StringLit => !Array.isArray(e) && 'string' in e;
export const isBytes = (e: Expr): e is BytesLit => !Array.isArray(e) && 'bytes' in e;

/** Build a primitive application, omitting empty `args`/`annots`. */
export function prim(name: string, args?: Expr[], annots?: string[]): Prim {
  const p: Prim = { prim: name };
  if (args && args.length > 0) p.args = args;
  if (annots && annots.length > 0) p.annots = annots;
  return p;
}

export const intLit = (n: bigint | number): IntLit => ({ int: String(n) });
export const stringLit = (s: string): StringLit => ({ string: s });
export const bytesLit = (b: Uint8Array): BytesLit => ({ bytes: toHex(b) });

export function args(e: Prim): Expr[] {
  return e.args ?? [];
}

/** The field annotation (`%name`) of a node, without its `%`, if any. */
export function fieldAnnot(e: Expr): string | undefined {
  if (!isPrim(e) || !e.annots) return undefined;
  const a = e.annots.find((x) => x.startsWith('%'));
  return a === undefined ? undefined : a.slice(1);
}

/** Short human-readable rendering, for error messages. */
export function show(e: Expr, max = 80): string {
  const s = render(e);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function render(e: Expr): string {
  if (Array.isArray(e)) return `{ ${e.map(render).join(' ; ')} }`;
  if ('int' in e) return e.int;
  if ('string' in e) return JSON.stringify(e.string);
  if ('bytes' in e) return `0x${e.bytes}`;
  const parts = [e.prim, ...(e.annots ?? []), ...(e.args ?? []).map(render)];
  return parts.length > 1 ? `(${parts.join(' ')})` : e.prim;
}

/** Number of nodes of an expression (for size-proportional gas). */
export function countNodes(e: Expr): number {
  if (Array.isArray(e)) {
    let n = 1;
    for (const x of e) n += countNodes(x);
    return n;
  }
  if ('prim' in e) {
    let n = 1;
    for (const x of e.args ?? []) n += countNodes(x);
    return n;
  }
  return 1;
}

/** Structural equality (annotations included). */
export function exprEquals(a: Expr, b: Expr): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => exprEquals(x, b[i] as Expr));
  }
  if ('int' in a) return 'int' in b && BigInt(a.int) === BigInt(b.int);
  if ('string' in a) return 'string' in b && a.string === b.string;
  if ('bytes' in a) return 'bytes' in b && a.bytes.toLowerCase() === b.bytes.toLowerCase();
  if (!('prim' in b) || a.prim !== b.prim) return false;
  const aa = a.annots ?? [];
  const ba = b.annots ?? [];
  if (aa.length !== ba.length || aa.some((x, i) => x !== ba[i])) return false;
  const ar = a.args ?? [];
  const br = b.args ?? [];
  return ar.length === br.length && ar.every((x, i) => exprEquals(x, br[i] as Expr));
}

export { binarySize, decodeExpr, encodeExpr } from './binary.js';

export function toHex(b: Uint8Array): string {
  return bytesToHex(b);
}

export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h))
    throw new ParseError(`Cannot parse bytes 0x${h}: not hexadecimal`);
  return hexToBytes(h);
}
