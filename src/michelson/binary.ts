/**
 * The binary encoding of Micheline (Tezos `Micheline_encoding`, the body of
 * PACK after its 0x05 tag, and what storage sizes count):
 *
 *   0x00 int      zarith: 6 bits + sign (0x40) in the first byte, then 7 bits
 *                 per byte, least significant first; 0x80 = more bytes follow
 *   0x01 string   u32 length ‖ bytes
 *   0x02 seq      u32 length ‖ items
 *   0x03 prim     code                      0x04 prim ‖ annots
 *   0x05 prim     code ‖ arg                0x06 … ‖ annots
 *   0x07 prim     code ‖ arg ‖ arg          0x08 … ‖ annots
 *   0x09 prim     code ‖ u32 length ‖ args ‖ annots (always present)
 *   0x0a bytes    u32 length ‖ bytes
 *   annots        u32 length ‖ annotations joined by spaces
 *
 * Primitive codes are the protocol's (`Michelson_v1_primitives`), below.
 *
 * Why not michel-codec's `packData`/`unpackData` here: its generic encoder
 * re-encodes the data of every PUSH by the pushed type and checks instruction
 * arities, it builds numbers byte by byte with BigInt (quadratic on large
 * integers), and its decoder accepts non-canonical integers and trailing
 * bytes. This codec is checked against it byte for byte in the tests.
 */

import type { Expr } from './micheline.js';

/** Primitive names by code, protocol order (code = index). */
export const PRIMITIVES: readonly string[] = (
  'parameter storage code False Elt Left None Pair Right Some True Unit ' +
  'PACK UNPACK BLAKE2B SHA256 SHA512 ABS ADD AMOUNT AND BALANCE CAR CDR CHECK_SIGNATURE ' +
  'COMPARE CONCAT CONS CREATE_ACCOUNT CREATE_CONTRACT IMPLICIT_ACCOUNT DIP DROP DUP EDIV ' +
  'EMPTY_MAP EMPTY_SET EQ EXEC FAILWITH GE GET GT HASH_KEY IF IF_CONS IF_LEFT IF_NONE INT ' +
  'LAMBDA LE LEFT LOOP LSL LSR LT MAP MEM MUL NEG NEQ NIL NONE NOT NOW OR PAIR PUSH RIGHT ' +
  'SIZE SOME SOURCE SENDER SELF STEPS_TO_QUOTA SUB SWAP TRANSFER_TOKENS SET_DELEGATE UNIT ' +
  'UPDATE XOR ITER LOOP_LEFT ADDRESS CONTRACT ISNAT CAST RENAME ' +
  'bool contract int key key_hash lambda list map big_map nat option or pair set signature ' +
  'string bytes mutez timestamp unit operation address ' +
  'SLICE DIG DUG EMPTY_BIG_MAP APPLY chain_id CHAIN_ID LEVEL SELF_ADDRESS never NEVER UNPAIR ' +
  'VOTING_POWER TOTAL_VOTING_POWER KECCAK SHA3 PAIRING_CHECK bls12_381_g1 bls12_381_g2 ' +
  'bls12_381_fr sapling_state sapling_transaction_deprecated SAPLING_EMPTY_STATE ' +
  'SAPLING_VERIFY_UPDATE ticket TICKET_DEPRECATED READ_TICKET SPLIT_TICKET JOIN_TICKETS ' +
  'GET_AND_UPDATE chest chest_key OPEN_CHEST VIEW view constant SUB_MUTEZ tx_rollup_l2_address ' +
  'MIN_BLOCK_TIME sapling_transaction EMIT Lambda_rec LAMBDA_REC TICKET BYTES NAT Ticket ' +
  'IS_IMPLICIT_ACCOUNT INDEX_ADDRESS GET_ADDRESS_INDEX'
).split(' ');

const CODES = new Map(PRIMITIVES.map((p, i) => [p, i]));
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Growable byte buffer. */
class Writer {
  buf = new Uint8Array(256);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(x: number): void {
    this.room(1);
    this.buf[this.len++] = x;
  }
  u32(x: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.len, x);
    this.len += 4;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** Reserve a u32 to patch with the length of what follows. */
  hole(): number {
    this.u32(0);
    return this.len;
  }
  fill(at: number): void {
    new DataView(this.buf.buffer).setUint32(at - 4, this.len - at);
  }
}

/** Little-endian bytes of |n| (via hex: linear in the size of n). */
function magnitudeLE(n: bigint): Uint8Array {
  let hex = (n < 0n ? -n : n).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const at = hex.length - 2 * (i + 1);
    out[i] = Number.parseInt(hex.slice(at, at + 2), 16);
  }
  return out;
}

function writeZarith(n: bigint, w: Writer): void {
  const mag = magnitudeLE(n);
  const bits = mag.length * 8;
  let pos = 0;
  const take = (k: number): number => {
    let v = 0;
    for (let i = 0; i < k; i++, pos++)
      if (pos < bits && ((mag[pos >> 3] as number) >> (pos & 7)) & 1) v |= 1 << i;
    return v;
  };
  // Bits beyond the last set bit are zero: stop when the rest is zero.
  let top = bits - 1;
  while (top >= 0 && !(((mag[top >> 3] as number) >> (top & 7)) & 1)) top--;
  let first = take(6) | (n < 0n ? 0x40 : 0);
  if (pos <= top) first |= 0x80;
  w.u8(first);
  while (pos <= top) {
    let b = take(7);
    if (pos <= top) b |= 0x80;
    w.u8(b);
  }
}

/** Zarith of a safe integer, with plain arithmetic. */
function writeSmallZarith(n: number, w: Writer): void {
  let v = Math.abs(n);
  let b = (v % 64) | (n < 0 ? 0x40 : 0);
  v = Math.floor(v / 64);
  while (v > 0) {
    w.u8(b | 0x80);
    b = v % 128;
    v = Math.floor(v / 128);
  }
  w.u8(b);
}

function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function write(e: Expr, w: Writer): void {
  if (Array.isArray(e)) {
    w.u8(0x02);
    const at = w.hole();
    for (const x of e) write(x, w);
    w.fill(at);
    return;
  }
  if ('int' in e) {
    w.u8(0x00);
    if (e.int.length < 16) writeSmallZarith(Number(e.int), w);
    else writeZarith(BigInt(e.int), w);
    return;
  }
  if ('string' in e) {
    const b = utf8.encode(e.string);
    w.u8(0x01);
    w.u32(b.length);
    w.bytes(b);
    return;
  }
  if ('bytes' in e) {
    w.u8(0x0a);
    w.u32(e.bytes.length >> 1);
    w.bytes(hexToBytes(e.bytes));
    return;
  }
  const code = CODES.get(e.prim);
  if (code === undefined) throw new TypeError(`Cannot encode primitive ${e.prim}: no binary code`);
  const args = e.args ?? [];
  const annots = e.annots && e.annots.length > 0 ? utf8.encode(e.annots.join(' ')) : undefined;
  if (args.length < 3) {
    w.u8(0x03 + 2 * args.length + (annots ? 1 : 0));
    w.u8(code);
    for (const a of args) write(a, w);
  } else {
    w.u8(0x09);
    w.u8(code);
    const at = w.hole();
    for (const a of args) write(a, w);
    w.fill(at);
  }
  if (annots) {
    w.u32(annots.length);
    w.bytes(annots);
  } else if (args.length >= 3) w.u32(0);
}

/** Binary encoding of an expression (no 0x05 tag). */
export function encodeExpr(e: Expr): Uint8Array {
  const w = new Writer();
  write(e, w);
  return w.buf.slice(0, w.len);
}

class Malformed extends Error {}

/** Strict reader: every length checked, integers canonical. */
class Reader {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    readonly end: number,
  ) {}
  u8(): number {
    if (this.pos >= this.end) throw new Malformed();
    return this.b[this.pos++] as number;
  }
  u32(): number {
    if (this.pos + 4 > this.end) throw new Malformed();
    const v = new DataView(this.b.buffer, this.b.byteOffset).getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Malformed();
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readZarith(r: Reader): bigint {
  const groups: number[] = [];
  let byte = r.u8();
  const negative = (byte & 0x40) !== 0;
  groups.push(byte & 0x3f);
  while (byte & 0x80) {
    byte = r.u8();
    groups.push(byte & 0x7f);
  }
  // Canonical: no useless trailing zero group, and no "-0".
  if (groups.length > 1 && groups[groups.length - 1] === 0) throw new Malformed();
  // Assemble from the most significant group, as binary digits (linear in the size).
  let digits = '';
  for (let i = groups.length - 1; i >= 0; i--)
    digits += (groups[i] as number).toString(2).padStart(i === 0 ? 6 : 7, '0');
  const v = BigInt(`0b${digits}`);
  if (negative && v === 0n) throw new Malformed();
  return negative ? -v : v;
}

function read(r: Reader): Expr {
  const tag = r.u8();
  switch (tag) {
    case 0x00:
      return { int: readZarith(r).toString() };
    case 0x01:
      return { string: utf8Decoder.decode(r.take(r.u32())) };
    case 0x0a: {
      const b = r.take(r.u32());
      let hex = '';
      for (const x of b) hex += x.toString(16).padStart(2, '0');
      return { bytes: hex };
    }
    case 0x02: {
      const len = r.u32();
      const sub = new Reader(r.b, r.pos + len);
      if (sub.end > r.end) throw new Malformed();
      sub.pos = r.pos;
      const items: Expr[] = [];
      while (sub.pos < sub.end) items.push(read(sub));
      r.pos = sub.end;
      return items;
    }
    default: {
      if (tag < 0x03 || tag > 0x09) throw new Malformed();
      const name = PRIMITIVES[r.u8()];
      if (name === undefined) throw new Malformed();
      const args: Expr[] = [];
      let annots: string[] | undefined;
      if (tag === 0x09) {
        const len = r.u32();
        const sub = new Reader(r.b, r.pos + len);
        if (sub.end > r.end) throw new Malformed();
        sub.pos = r.pos;
        while (sub.pos < sub.end) args.push(read(sub));
        r.pos = sub.end;
      } else for (let i = 0; i < (tag - 3) >> 1; i++) args.push(read(r));
      if (tag === 0x09 || (tag - 3) % 2 === 1) {
        const a = r.take(r.u32());
        if (a.length > 0) annots = utf8Decoder.decode(a).split(' ');
        else if (tag !== 0x09) throw new Malformed();
      }
      const p: Expr = { prim: name };
      if (args.length > 0) p.args = args;
      if (annots) p.annots = annots;
      return p;
    }
  }
}

/** Decode a binary expression; undefined unless the bytes are exactly one canonical expression. */
export function decodeExpr(bytes: Uint8Array): Expr | undefined {
  try {
    const r = new Reader(bytes, bytes.length);
    const e = read(r);
    return r.pos === bytes.length ? e : undefined;
  } catch (e) {
    if (e instanceof Malformed || e instanceof TypeError || e instanceof RangeError)
      return undefined;
    throw e;
  }
}

/** Length in bytes of `encodeExpr(e)`, computed without encoding. */
export function binarySize(e: Expr): number {
  if (Array.isArray(e)) {
    let n = 5;
    for (const x of e) n += binarySize(x);
    return n;
  }
  if ('int' in e) return 1 + zarithSize(BigInt(e.int));
  if ('string' in e) return 5 + utf8.encode(e.string).length;
  if ('bytes' in e) return 5 + e.bytes.length / 2;
  const a = e.args ?? [];
  let n = 2;
  for (const x of a) n += binarySize(x);
  if (a.length >= 3) n += 4 + 4;
  if (e.annots !== undefined && e.annots.length > 0)
    n += (a.length >= 3 ? 0 : 4) + utf8.encode(e.annots.join(' ')).length;
  return n;
}

/** Bytes of a zarith integer: 6 bits in the first byte, then 7 per byte. */
function zarithSize(n: bigint): number {
  const bits = n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
  return bits <= 6 ? 1 : 1 + Math.ceil((bits - 6) / 7);
}
