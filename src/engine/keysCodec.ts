/**
 * Our identity's private protocol keys (IdentityKeys) ⇄ bytes, for storage
 * inside the encrypted profile database only.
 *
 *   keys    = 0x01 ‖ IK private (32) ‖ IK public (32) ‖ u8 n ‖ prekey × n
 *   prekey  = u32 epoch ‖ SPK private (32) ‖ SPK public (32)
 *             ‖ u8 0|1 ‖ [KEM public (1184) ‖ KEM secret (2400)]
 *             ‖ u8 0|1 ‖ [retiredAt (f64, ms)]
 *
 * Security notes: these bytes are secret key material; they are written
 * only to the encrypted database and never logged. Every length is checked
 * when decoding.
 */

import type { IdentityKeys, PrekeySet } from '../protocol/index.js';

const VERSION = 1;
const KEY = 32;
const KEM_PUBLIC = 1184;
const KEM_SECRET = 2400;
const MAX_PREKEYS = 64;

export function encodeIdentityKeys(keys: IdentityKeys): Uint8Array {
  if (keys.prekeys.length > MAX_PREKEYS) throw new RangeError('too many prekey sets');
  const parts: Uint8Array[] = [
    Uint8Array.of(VERSION),
    keys.identity.privateKey,
    keys.identity.publicKey,
    Uint8Array.of(keys.prekeys.length),
  ];
  for (const p of keys.prekeys) {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, p.epoch);
    parts.push(head, p.prekey.privateKey, p.prekey.publicKey);
    if (p.kem) parts.push(Uint8Array.of(1), p.kem.publicKey, p.kem.secretKey);
    else parts.push(Uint8Array.of(0));
    if (p.retiredAt === null) parts.push(Uint8Array.of(0));
    else {
      const t = new Uint8Array(9);
      t[0] = 1;
      new DataView(t.buffer).setFloat64(1, p.retiredAt);
      parts.push(t);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function decodeIdentityKeys(bytes: Uint8Array): IdentityKeys {
  let o = 0;
  const take = (n: number): Uint8Array => {
    if (o + n > bytes.length) throw new RangeError('stored identity keys are truncated');
    const v = bytes.slice(o, o + n);
    o += n;
    return v;
  };
  const u8 = () => take(1)[0]!;
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (u8() !== VERSION) throw new RangeError('stored identity keys have an unknown version');
  const identity = { privateKey: take(KEY), publicKey: take(KEY) };
  const n = u8();
  if (n > MAX_PREKEYS) throw new RangeError('stored identity keys: too many prekey sets');
  const prekeys: PrekeySet[] = [];
  for (let i = 0; i < n; i++) {
    const epoch = view(take(4)).getUint32(0);
    const prekey = { privateKey: take(KEY), publicKey: take(KEY) };
    const hasKem = u8();
    const kem = hasKem === 1 ? { publicKey: take(KEM_PUBLIC), secretKey: take(KEM_SECRET) } : null;
    if (hasKem > 1) throw new RangeError('stored identity keys: bad KEM flag');
    const hasRetired = u8();
    if (hasRetired > 1) throw new RangeError('stored identity keys: bad retirement flag');
    const retiredAt = hasRetired === 1 ? view(take(8)).getFloat64(0) : null;
    prekeys.push({ epoch, prekey, kem, retiredAt });
  }
  if (o !== bytes.length) throw new RangeError('stored identity keys have trailing bytes');
  return { identity, prekeys };
}
