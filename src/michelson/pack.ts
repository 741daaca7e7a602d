/**
 * PACK, UNPACK and script-expression hashes.
 *
 *   PACK v  = 0x05 ‖ binary Micheline of v unparsed in Optimized_legacy mode
 *   expr…   = base58check("expr", Blake2b-256(PACK key))   (big-map key hashes)
 *
 * The binary encoding is michel-codec's generic Micheline encoder, fed with
 * the optimized-legacy form this module builds itself (so addresses, keys,
 * timestamps… are already bytes and integers, exactly as the node packs them).
 * UNPACK accepts only canonical encodings of well-typed data; anything else
 * yields None.
 */

import { encodeExpr as exprHash } from '@taquito/utils';
import { type DataContext, parseData } from './data.js';
import { MichelsonError, UnsupportedError } from './errors.js';
import { decodeExpr, type Expr, encodeExpr, toHex } from './micheline.js';
import type { MType } from './types.js';
import { unparseData } from './unparse.js';
import type { Value } from './values.js';

export const PACK_TAG = 0x05;

export function packExpr(e: Expr): Uint8Array {
  const body = encodeExpr(e);
  const out = new Uint8Array(body.length + 1);
  out[0] = PACK_TAG;
  out.set(body, 1);
  return out;
}

export function packValue(v: Value, t: MType): Uint8Array {
  return packExpr(unparseData(v, t, 'legacy'));
}

/** Decoded value, or undefined when the bytes are not a packed value of type `t`. */
export function unpackValue(bytes: Uint8Array, t: MType, ctx: DataContext = {}): Value | undefined {
  if (bytes[0] !== PACK_TAG) return undefined;
  const e = decodeExpr(bytes.subarray(1));
  if (e === undefined) return undefined;
  try {
    return parseData(e, t, { contractType: ctx.contractType });
  } catch (err) {
    // A lambda using an instruction this interpreter lacks is not "ill-typed":
    // report it instead of pretending the bytes were invalid.
    if (err instanceof UnsupportedError) throw err;
    if (err instanceof MichelsonError) return undefined;
    throw err;
  }
}

/** Script-expression hash ("expr…") of packed bytes. */
export function scriptExprHash(packed: Uint8Array): string {
  return exprHash(toHex(packed));
}

/** Hash under which a big-map key is stored. */
export function keyHash(key: Value, keyType: MType): string {
  return scriptExprHash(packValue(key, keyType));
}
