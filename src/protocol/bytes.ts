/**
 * Byte helpers shared by every codec of the protocol core.
 *
 * `ByteReader` checks every length against what is left before it reads, so a
 * parser built on it can never read out of bounds or allocate more than its
 * input holds; it throws `MalformedError` naming the format being parsed.
 * `ByteWriter` builds big-endian encodings. `equalBytes` is constant-time in
 * the length of its inputs and is the only comparison used for secrets.
 */

import { timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError, MalformedError } from './errors.js';

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time equality (time depends only on the lengths, which are public). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Lexicographic comparison of public byte strings (not constant-time). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, refusing invalid sequences with a typed error. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new MalformedError(what, 'text is not valid UTF-8');
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string, what = 'hex string'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new InvalidArgumentError(what, 'expected an even number of hexadecimal digits');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Throws InvalidArgumentError unless `value` is a Uint8Array of exactly `length` bytes. */
export function expectLength(value: Uint8Array, length: number, parameter: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(parameter, 'expected bytes');
  if (value.length !== length) {
    throw new InvalidArgumentError(parameter, `expected ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** Sequential writer for big-endian binary encodings. */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  u8(value: number): this {
    return this.bytes(Uint8Array.of(value & 0xff));
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new InvalidArgumentError('u16 field', `${value} is out of range`);
    }
    return this.bytes(Uint8Array.of(value >>> 8, value & 0xff));
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new InvalidArgumentError('u32 field', `${value} is out of range`);
    }
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value);
    return this.bytes(b);
  }

  u64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) {
      throw new InvalidArgumentError('u64 field', `${value} is out of range`);
    }
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, value);
    return this.bytes(b);
  }

  /** A u16 length prefix followed by the bytes. */
  vec16(value: Uint8Array): this {
    return this.u16(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/** Sequential reader that checks every length before it reads. */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly input: Uint8Array,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.input.length - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  bytes(length: number, field = 'field'): Uint8Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new MalformedError(this.what, `${field} has an invalid length`);
    }
    if (length > this.remaining) {
      throw new MalformedError(this.what, `${field} needs ${length} bytes, ${this.remaining} left`);
    }
    const out = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(field = 'byte'): number {
    return this.bytes(1, field)[0]!;
  }

  u16(field = 'u16'): number {
    const b = this.bytes(2, field);
    return (b[0]! << 8) | b[1]!;
  }

  u32(field = 'u32'): number {
    const b = this.bytes(4, field);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }

  u64(field = 'u64'): bigint {
    const b = this.bytes(8, field);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  }

  /** A u16 length prefix (checked against `max`) followed by that many bytes. */
  vec16(max: number, field = 'vector'): Uint8Array {
    const length = this.u16(`${field} length`);
    if (length > max)
      throw new MalformedError(this.what, `${field} is ${length} bytes, more than ${max}`);
    return this.bytes(length, field);
  }

  /** All bytes not yet read. */
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'remainder');
  }

  /** Throws unless every byte was consumed (no trailing junk accepted). */
  end(): void {
    if (this.remaining !== 0)
      throw new MalformedError(this.what, `${this.remaining} unexpected trailing bytes`);
  }
}
