/**
 * Total order on comparable Michelson values (COMPARE, and the order of set
 * elements and map keys).
 *
 * Comparable values have distinct runtime shapes, so the order needs no
 * type: numbers numerically; bool False < True; strings and bytes
 * lexicographically by byte (a prefix sorts first); unit = unit; pairs
 * lexicographically; None < Some x; Left x < Right y; key hashes, keys,
 * signatures and chain ids by their binary form (scheme tag first); addresses
 * by their binary destination (implicit < originated), then by entrypoint.
 */

import { RuntimeError } from './errors.js';
import type { Value } from './values.js';

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** -1, 0 or 1. */
export function compareValues(a: Value, b: Value): number {
  switch (typeof a) {
    case 'bigint':
      return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'string':
      // Michelson strings are ASCII, so UTF-16 order is byte order.
      return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  }
  if (a instanceof Uint8Array) return compareBytes(a, b as Uint8Array);
  const bb = b as Exclude<Value, bigint | boolean | string | Uint8Array>;
  switch (a.kind) {
    case 'unit':
      return 0;
    case 'pair': {
      const p = bb as typeof a;
      return compareValues(a.fst, p.fst) || compareValues(a.snd, p.snd);
    }
    case 'none':
      return bb.kind === 'none' ? 0 : -1;
    case 'some':
      return bb.kind === 'some' ? compareValues(a.value, bb.value) : 1;
    case 'left':
    case 'right': {
      const o = bb as typeof a;
      if (a.kind !== o.kind) return a.kind === 'left' ? -1 : 1;
      return compareValues(a.value, o.value);
    }
    case 'address': {
      const o = bb as typeof a;
      return (
        compareBytes(a.contract, o.contract) ||
        sign(a.entrypoint < o.entrypoint ? -1 : a.entrypoint > o.entrypoint ? 1 : 0)
      );
    }
    case 'key_hash':
    case 'key':
    case 'signature':
    case 'chain_id':
      return compareBytes(a.bytes, (bb as typeof a).bytes);
    default:
      throw new RuntimeError(`Cannot compare values of kind ${a.kind}`);
  }
}
