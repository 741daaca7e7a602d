/**
 * Junk for the fuzz suite (pure, seeded): random byte strings and mutations
 * of real entries and sealed requests — bit flips, byte overwrites,
 * truncations, extensions, splices of two entries, swapped headers and
 * detection tags, repeated chunks. Every mutant differs from every original
 * it was made from, and respects the contract's length bounds.
 */

import type { Random } from '../../src/ports/random.js';

export const MAX_ENTRY = 3584;
export const MAX_REQUEST = 1024;
/** Bytes before the body of a steady-state entry: kind, detection tag, header ciphertext. */
const STEADY_HEAD = 1 + 8 + 40;

export class Fuzzer {
  readonly #random: Random;
  constructor(random: Random) {
    this.#random = random;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    const b = this.#random(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % n;
  }

  bytes(n: number): Uint8Array {
    return this.#random(n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** Random bytes, mostly short, sometimes up to `max`; sometimes a valid-looking kind byte. */
  random(max: number): Uint8Array {
    const len = this.int(4) === 0 ? 1 + this.int(max) : 1 + this.int(Math.min(300, max));
    const out = this.bytes(len);
    if (this.int(2) === 0) out[0] = this.pick([0x11, 0x12, 0x13, 0x21, 0x01]);
    return out;
  }

  /** A mutant of one of `originals` (or of two, for splices), ≤ `max` bytes, equal to none. */
  mutate(originals: readonly Uint8Array[], max: number): Uint8Array {
    const a = this.pick(originals);
    const b = this.pick(originals);
    let out: Uint8Array;
    switch (this.int(8)) {
      case 0: {
        out = a.slice();
        for (let i = 1 + this.int(8); i > 0; i--) out[this.int(out.length)]! ^= 1 << this.int(8);
        break;
      }
      case 1: {
        out = a.slice();
        out[this.int(out.length)] = this.pick([0x00, 0xff, 0x80, 0x7f]);
        break;
      }
      case 2:
        out = a.slice(0, this.int(a.length)); // possibly empty: fixed below
        break;
      case 3:
        out = concat(a, this.bytes(1 + this.int(64)));
        break;
      case 4: {
        const cut = this.int(Math.min(a.length, b.length));
        out = concat(a.subarray(0, cut), b.subarray(cut));
        break;
      }
      case 5: // another entry's head (kind, detection tag, header) on this body
        out = concat(b.subarray(0, STEADY_HEAD), a.subarray(STEADY_HEAD));
        break;
      case 6: // another entry's detection tag only
        out = concat(a.subarray(0, 1), b.subarray(1, 9), a.subarray(9));
        break;
      default: {
        const at = this.int(a.length);
        const len = 1 + this.int(Math.min(64, a.length - at));
        out = concat(a.subarray(0, at + len), a.subarray(at));
      }
    }
    if (out.length === 0) out = a.subarray(0, 1).slice();
    if (out.length > max) out = out.slice(0, max);
    while (originals.some((o) => equal(o, out))) {
      out = out.slice();
      out[out.length - 1]! ^= 1 << this.int(8);
    }
    return out;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}
