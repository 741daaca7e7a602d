/**
 * The Mizu contract's views (docs/contract.md §Views) as Micheline: inputs
 * encoded for `run_script_view`, outputs decoded and checked.
 *
 * Every decoder checks the shape, every length and every number against the
 * contract's bounds and against the request (a range answer must be the
 * consecutive indices asked for, a counters answer the addresses asked for,
 * in order). Anything else throws MalformedAnswer, so that the pool tries
 * another node. Optimized answers (bytes for addresses and keys, seconds
 * for timestamps) are accepted too. Pure: no I/O.
 */

import type { Expr, Prim } from '@taquito/michel-codec';
import {
  encodeAddress,
  encodeKey,
  hex2buf,
  ValidationResult,
  validateAddress,
  validatePublicKey,
} from '@taquito/utils';
import type { BoxCounters, BoxEntry } from '../../ports/chain.js';
import { MalformedAnswer } from './nodePool.js';

/** Contract bounds (docs/contract.md §Bounds). */
export const BOUNDS = {
  bundleBytes: 2048,
  entryBytes: 3584,
  entriesPerPost: 8,
  requestBytes: 1024,
  rangeEntries: 128,
  countersAddresses: 200,
} as const;

/**
 * The range bound of contracts originated from the source before it was
 * raised to 128 (local sandboxes created by earlier versions keep theirs).
 */
export const LEGACY_RANGE_ENTRIES = 100;

export type ViewName = 'get_user' | 'get_counters' | 'get_postal' | 'get_requests';

const str = (s: string): Expr => ({ string: s });
const nat = (n: number): Expr => ({ int: String(n) });
const pair = (a: Expr, b: Expr): Expr => ({ prim: 'Pair', args: [a, b] });

export const viewInput = {
  getUser: (address: string): Expr => str(address),
  getCounters: (addresses: readonly string[]): Expr => addresses.map(str),
  range: (owner: string, from: number, count: number): Expr =>
    pair(str(owner), pair(nat(from), nat(count))),
};

/** Parameters of the contract's entrypoints. */
export const entrypointParameter = {
  register: (publicKey: string, bundle: Uint8Array): Expr =>
    pair(str(publicKey), { bytes: Buffer.from(bundle).toString('hex') }),
  post: (entries: readonly Uint8Array[]): Expr =>
    entries.map((e) => ({ bytes: Buffer.from(e).toString('hex') })),
  request: (recipient: string, sealed: Uint8Array): Expr =>
    pair(str(recipient), { bytes: Buffer.from(sealed).toString('hex') }),
};

function bad(what: string): never {
  throw new MalformedAnswer(`malformed ${what}`);
}

function isPrim(e: unknown, prim: string): e is Prim {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && (e as Prim).prim === prim;
}

/** The n fields of a right comb, written nested, flat, or as a sequence. */
export function combFields(e: unknown, n: number, what: string): unknown[] {
  let fields: unknown[];
  if (Array.isArray(e)) fields = e;
  else if (isPrim(e, 'Pair') && Array.isArray(e.args)) fields = [...e.args];
  else bad(what);
  if (fields.length === n) return fields;
  if (fields.length === 2 && n > 2) return [fields[0], ...combFields(fields[1], n - 1, what)];
  if (fields.length < n && fields.length > 2) {
    const last = combFields(fields[fields.length - 1], n - fields.length + 1, what);
    return [...fields.slice(0, -1), ...last];
  }
  bad(what);
}

export function natOf(e: unknown, what: string): number {
  const t = (e as { int?: unknown })?.int;
  if (typeof t !== 'string' || !/^\d{1,16}$/.test(t)) bad(what);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) bad(what);
  return n;
}

export function bytesOf(e: unknown, min: number, max: number, what: string): Uint8Array {
  const h = (e as { bytes?: unknown })?.bytes;
  if (typeof h !== 'string' || h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) bad(what);
  const n = h.length / 2;
  if (n < min || n > max) bad(`${what} (${n} bytes)`);
  return new Uint8Array(hex2buf(h));
}

function addressOf(e: unknown, what: string): string {
  const s = (e as { string?: unknown })?.string;
  if (typeof s === 'string') {
    if (validateAddress(s) !== ValidationResult.VALID) bad(what);
    return s;
  }
  const b = (e as { bytes?: unknown })?.bytes;
  if (typeof b !== 'string') bad(what);
  try {
    return encodeAddress(b);
  } catch {
    bad(what);
  }
}

function keyOf(e: unknown, what: string): string {
  const s = (e as { string?: unknown })?.string;
  if (typeof s === 'string') {
    if (validatePublicKey(s) !== ValidationResult.VALID) bad(what);
    return s;
  }
  const b = (e as { bytes?: unknown })?.bytes;
  if (typeof b !== 'string') bad(what);
  try {
    return encodeKey(b);
  } catch {
    bad(what);
  }
}

/** A timestamp in milliseconds: RFC 3339 text (Readable) or seconds (Optimized). */
export function timeOf(e: unknown, what: string): number {
  const s = (e as { string?: unknown })?.string;
  if (typeof s === 'string') {
    if (s.length > 40 || !/^\d{4}-\d\d-\d\dT/.test(s)) bad(what);
    const t = Date.parse(s);
    if (!Number.isFinite(t)) bad(what);
    return t;
  }
  const i = (e as { int?: unknown })?.int;
  if (typeof i !== 'string' || !/^-?\d{1,13}$/.test(i)) bad(what);
  return Number(i) * 1000;
}

/** `data` of a run_script_view answer. */
export function viewData(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('data' in json)) bad('view answer');
  return (json as { data: unknown }).data;
}

export interface DecodedUser {
  readonly publicKey: string;
  readonly bundle: Uint8Array;
  readonly posts: number;
  readonly requests: number;
}

export function decodeUser(data: unknown): DecodedUser | null {
  if (isPrim(data, 'None') && !data.args?.length) return null;
  if (!isPrim(data, 'Some') || data.args?.length !== 1) bad('get_user answer');
  const [k, b, p, r] = combFields(data.args[0], 4, 'get_user answer');
  return {
    publicKey: keyOf(k, 'get_user key'),
    bundle: bytesOf(b, 1, BOUNDS.bundleBytes, 'get_user bundle'),
    posts: natOf(p, 'get_user posts'),
    requests: natOf(r, 'get_user requests'),
  };
}

export function decodeCounters(
  data: unknown,
  addresses: readonly string[],
): Map<string, BoxCounters> {
  if (!Array.isArray(data) || data.length !== addresses.length) bad('get_counters answer');
  const out = new Map<string, BoxCounters>();
  data.forEach((item, i) => {
    const [a, p, r] = combFields(item, 3, 'get_counters item');
    if (addressOf(a, 'get_counters address') !== addresses[i]) bad('get_counters order');
    out.set(addresses[i]!, {
      posts: natOf(p, 'get_counters posts'),
      requests: natOf(r, 'get_counters requests'),
    });
  });
  return out;
}

export function decodeRange(
  data: unknown,
  from: number,
  count: number,
  maxBytes: number,
  what: string,
): BoxEntry[] {
  if (!Array.isArray(data) || data.length > count) bad(`${what} answer`);
  return data.map((item, i) => {
    const [n, b, t] = combFields(item, 3, `${what} item`);
    if (natOf(n, `${what} index`) !== from + i) bad(`${what} index`);
    return {
      index: from + i,
      bytes: bytesOf(b, 1, maxBytes, `${what} entry`),
      time: timeOf(t, `${what} time`),
    };
  });
}
