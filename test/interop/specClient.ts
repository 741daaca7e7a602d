/**
 * An independent implementation of the Mizu protocol v1, written from
 * docs/protocol.md alone (plus RFC 7748 / 5869 / 8439, FIPS 197 / 203 and
 * Signal's Double Ratchet spec) to test the project's implementation against.
 * Primitives come from @noble/* and Tezos encodings from @taquito/utils; nothing
 * here touches node:crypto or src/, so the two implementations share no code.
 * Test code: compact rather than hardened, state is mutated in place.
 */

import { ecb } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
  b58DecodeAndCheckPrefix,
  b58Encode,
  PrefixV2,
  signaturePrefixes,
  verifySignature,
} from '@taquito/utils';

// ---------------------------------------------------------------- bytes ----

export type Rand = (n: number) => Uint8Array;

const enc = new TextEncoder();
const ascii = (s: string): Uint8Array => enc.encode(s);

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const zeros = (n: number): Uint8Array => new Uint8Array(n);
function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}
function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
function u64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}
const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number): number =>
  new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(o);
const rd64 = (b: Uint8Array, o: number): bigint =>
  new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(o);

/** A deterministic random source for tests: SHA-256(seed ‖ counter) (unrelated to fixtures'). */
export function specRandom(seed: string): Rand {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) {
      out.set(sha256(cat(ascii(`spec/${seed}/`), u32(counter++))).subarray(0, n - o), o);
    }
    return out;
  };
}

export class SpecError extends Error {
  constructor(
    readonly code: string,
    message = code,
  ) {
    super(message);
  }
}

// ----------------------------------------------------------- primitives §1 --

export const L = {
  bundle: ascii('Mizu key bundle v1\n'),
  x3dh: ascii('Mizu_X3DH_X25519_SHA256_v1'),
  pqxdh: ascii('Mizu_PQXDH_X25519_MLKEM768_SHA256_v1'),
  ad: ascii('Mizu_AssociatedData_v1'),
  root: ascii('Mizu_Ratchet_Root_v1'),
  initial: ascii('Mizu_InitialDetection_v1'),
  proofKey: ascii('Mizu_RequestProofKey_v1'),
  proof: ascii('Mizu_RequestProof_v1'),
  seal: ascii('Mizu_RequestSeal_v1'),
  safety: ascii('Mizu_SafetyNumber_v1'),
};
export const KIND = { steady: 0x11, initial: 0x12, initialPq: 0x13, request: 0x14 } as const;
export const MAX_SKIP = 1000;
const MAX_SKIPPED_KEYS = 2000;
const MAX_SKIPPED_CHAINS = 4;
const KEM_PK = 1184;
const KEM_CT = 1088;

export interface KeyPair {
  readonly pub: Uint8Array;
  readonly priv: Uint8Array;
}
export function dhPair(rand: Rand): KeyPair {
  const priv = rand(32);
  return { priv, pub: x25519.getPublicKey(priv) };
}
export function DH(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  let out: Uint8Array;
  try {
    out = x25519.getSharedSecret(priv, pub);
  } catch {
    throw new SpecError('DECRYPTION_FAILED', 'low-order X25519 key');
  }
  if (eq(out, zeros(32))) throw new SpecError('DECRYPTION_FAILED', 'low-order X25519 key');
  return out;
}
const HKDF = (salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, len: number): Uint8Array =>
  hkdf(sha256, ikm, salt, info, len);
const HMAC = (k: Uint8Array, m: Uint8Array): Uint8Array => hmac(sha256, k, m);
const AES = (k: Uint8Array, blocks: Uint8Array): Uint8Array =>
  ecb(k, { disablePadding: true }).encrypt(blocks);
const NONCE0 = zeros(12);

// -------------------------------------------------------- Tezos encodings --

const PK_PREFIX = [PrefixV2.Ed25519PublicKey, PrefixV2.Secp256k1PublicKey, PrefixV2.P256PublicKey];
const PKH_PREFIX = [
  PrefixV2.Ed25519PublicKeyHash,
  PrefixV2.Secp256k1PublicKeyHash,
  PrefixV2.P256PublicKeyHash,
];

export function addressBytes(address: string): Uint8Array {
  if (address.startsWith('KT1')) {
    const h = b58DecodeAndCheckPrefix(address, [PrefixV2.ContractHash], true);
    return cat(new Uint8Array([1]), h, new Uint8Array([0]));
  }
  const [h, pre] = b58DecodeAndCheckPrefix(address, PKH_PREFIX);
  return cat(new Uint8Array([0, PKH_PREFIX.indexOf(pre)]), h);
}
function addressFromBytes(b: Uint8Array): string {
  if (b.length !== 22) throw new SpecError('MALFORMED', 'address length');
  if (b[0] === 1 && b[21] === 0) return b58Encode(b.subarray(1, 21), PrefixV2.ContractHash);
  const pre = PKH_PREFIX[b[1]!];
  if (b[0] !== 0 || pre === undefined) throw new SpecError('MALFORMED', 'address tag');
  return b58Encode(b.subarray(2), pre);
}
export const chainBytes = (chainId: string): Uint8Array =>
  b58DecodeAndCheckPrefix(chainId, [PrefixV2.ChainID], true);
const chainFromBytes = (b: Uint8Array): string => b58Encode(b, PrefixV2.ChainID);
export function publicKeyBytes(pk: string): Uint8Array {
  const [key, pre] = b58DecodeAndCheckPrefix(pk, PK_PREFIX);
  return cat(new Uint8Array([PK_PREFIX.indexOf(pre)]), key);
}
function publicKeyFromBytes(b: Uint8Array): string {
  const pre = PK_PREFIX[b[0]!];
  if (pre === undefined || b.length !== (b[0] === 0 ? 33 : 34)) {
    throw new SpecError('MALFORMED', 'account key');
  }
  return b58Encode(b.subarray(1), pre);
}
/** tz1/tz2/tz3 of a binary account key: BLAKE2b-160 of the key without its curve tag. */
function addressOfKeyBytes(b: Uint8Array): string {
  return b58Encode(blake2b(b.subarray(1), { dkLen: 20 }), PKH_PREFIX[b[0]!]!);
}

export interface Signer {
  publicKey(): Promise<string>;
  publicKeyHash(): Promise<string>;
  sign(bytesHex: string): Promise<{ prefixSig: string }>;
}

// ------------------------------------------------------------ bundles §2 --

export interface SpecPrekey {
  readonly epoch: number;
  readonly spk: KeyPair;
  readonly kem: { readonly pub: Uint8Array; readonly sk: Uint8Array } | null;
}
export interface SpecIdentity {
  readonly address: string;
  readonly accountPublicKey: string;
  readonly signer: Signer;
  readonly ik: KeyPair;
  /** Newest first; [0] is published. */
  prekeys: SpecPrekey[];
}
export interface SpecBundle {
  readonly address: string;
  readonly accountPublicKey: string;
  readonly contract: string;
  readonly chainId: string;
  readonly ik: Uint8Array;
  readonly spk: Uint8Array;
  readonly epoch: number;
  readonly kem: Uint8Array | null;
}

export function specPrekey(epoch: number, rand: Rand, withKem: boolean): SpecPrekey {
  const spk = dhPair(rand);
  if (!withKem) return { epoch, spk, kem: null };
  const { publicKey, secretKey } = ml_kem768.keygen(rand(64));
  return { epoch, spk, kem: { pub: publicKey, sk: secretKey } };
}

export async function specIdentity(
  signer: Signer,
  rand: Rand,
  withKem = true,
): Promise<SpecIdentity> {
  return {
    address: await signer.publicKeyHash(),
    accountPublicKey: await signer.publicKey(),
    signer,
    ik: dhPair(rand),
    prekeys: [specPrekey(0, rand, withKem)],
  };
}

export async function specSignBundle(
  me: SpecIdentity,
  contract: string,
  chainId: string,
): Promise<Uint8Array> {
  const pre = me.prekeys[0]!;
  const pk = publicKeyBytes(me.accountPublicKey);
  const kem = pre.kem?.pub ?? zeros(0);
  const body = cat(
    new Uint8Array([1, pk.length]),
    pk,
    addressBytes(contract),
    chainBytes(chainId),
    me.ik.pub,
    pre.spk.pub,
    u32(pre.epoch),
    u16(kem.length),
    kem,
  );
  const { prefixSig } = await me.signer.sign(hex(cat(L.bundle, body)));
  const [sig] = b58DecodeAndCheckPrefix(prefixSig, signaturePrefixes);
  if (sig.length !== 64) throw new Error('signature is not 64 bytes');
  return cat(body, sig);
}

/** §2 verification, checks in the document's order; throws SpecError with the §11 code. */
export function specVerifyBundle(
  b: Uint8Array,
  ctx: { address: string; contract: string; chainId: string },
): SpecBundle {
  const bad = (why: string) => new SpecError('MALFORMED', why);
  if (b.length < 2) throw bad('short');
  if (b[0] !== 1) throw new SpecError('UNSUPPORTED_VERSION', 'bundle version');
  const P = b[1]!;
  if (P !== 33 && P !== 34) throw bad('P');
  if (b.length < 98 + P) throw bad('short');
  const K = rd16(b, 96 + P);
  if (K !== 0 && K !== KEM_PK) throw bad('K');
  if (b.length !== 98 + P + K + 64) throw bad('length');
  const pkBin = b.subarray(2, 2 + P);
  const contractBin = b.subarray(2 + P, 24 + P);
  if (contractBin[0] !== 1 || contractBin[21] !== 0) throw bad('contract is not KT1');
  const accountPublicKey = publicKeyFromBytes(pkBin);
  // 2. address
  if (addressOfKeyBytes(pkBin) !== ctx.address) throw new SpecError('BUNDLE_ADDRESS_MISMATCH');
  // 3. signature
  const signed = cat(L.bundle, b.subarray(0, 98 + P + K));
  const sig = b58Encode(b.subarray(98 + P + K), PrefixV2.GenericSignature);
  let ok = false;
  try {
    ok = verifySignature(signed, accountPublicKey, sig);
  } catch {
    ok = false;
  }
  if (!ok) throw new SpecError('BUNDLE_BAD_SIGNATURE');
  // 4, 5. context
  if (!eq(contractBin, addressBytes(ctx.contract))) throw new SpecError('BUNDLE_WRONG_CONTRACT');
  if (!eq(b.subarray(24 + P, 28 + P), chainBytes(ctx.chainId))) {
    throw new SpecError('BUNDLE_WRONG_CHAIN');
  }
  return {
    address: ctx.address,
    accountPublicKey,
    contract: addressFromBytes(contractBin),
    chainId: chainFromBytes(b.subarray(24 + P, 28 + P)),
    ik: b.slice(28 + P, 60 + P),
    spk: b.slice(60 + P, 92 + P),
    epoch: rd32(b, 92 + P),
    kem: K ? b.slice(98 + P, 98 + P + K) : null,
  };
}

// ------------------------------------------------------------ padding §7 --

/** `raw` (test only): the caller already framed the plaintext; it is sent as is. */
export type Padding =
  | { kind: 'none' }
  | { kind: 'padme'; minimum?: number }
  | { kind: 'fixed'; length: number }
  | { kind: 'raw' };
export function specPaddedLength(len: number, policy: Padding = { kind: 'padme' }): number {
  if (policy.kind === 'raw') return len;
  if (policy.kind === 'none') return len + 1;
  if (policy.kind === 'fixed') {
    if (len + 1 > policy.length) throw new SpecError('INVALID_ARGUMENT', 'too long for fixed');
    return policy.length;
  }
  const Lx = Math.max(len + 1, policy.minimum ?? 32);
  if (Lx < 2) return Lx;
  const E = Math.floor(Math.log2(Lx));
  const S = Math.floor(Math.log2(E)) + 1;
  const z = E - S;
  const m = 2 ** z;
  return Math.ceil(Lx / m) * m;
}
export function specPad(p: Uint8Array, policy?: Padding): Uint8Array {
  if (policy?.kind === 'raw') return p.slice();
  const out = new Uint8Array(specPaddedLength(p.length, policy));
  out.set(p);
  out[p.length] = 0x80;
  return out;
}
export function specUnpad(p: Uint8Array): Uint8Array {
  let i = p.length - 1;
  while (i >= 0 && p[i] === 0) i--;
  if (i < 0 || p[i] !== 0x80) throw new SpecError('DECRYPTION_FAILED', 'padding');
  return p.slice(0, i);
}

// ---------------------------------------------------------- X3DH §3 -------

interface Secrets {
  sk: Uint8Array;
  hka: Uint8Array;
  nhkb: Uint8Array;
}
function x3dhKdf(
  dh1: Uint8Array,
  dh2: Uint8Array,
  dh3: Uint8Array,
  ss: Uint8Array | null,
): Secrets {
  const km = cat(new Uint8Array(32).fill(0xff), dh1, dh2, dh3, ss ?? zeros(0));
  const o = HKDF(zeros(32), km, ss ? L.pqxdh : L.x3dh, 96);
  return { sk: o.slice(0, 32), hka: o.slice(32, 64), nhkb: o.slice(64, 96) };
}
export function associatedData(
  ikA: Uint8Array,
  ikB: Uint8Array,
  addrA: string,
  addrB: string,
  contract: string,
  chainId: string,
): Uint8Array {
  return sha256(
    cat(
      L.ad,
      ikA,
      ikB,
      addressBytes(addrA),
      addressBytes(addrB),
      addressBytes(contract),
      chainBytes(chainId),
    ),
  );
}
function detectionKey(dhIK: Uint8Array, spkB: Uint8Array): Uint8Array {
  return HKDF(zeros(32), dhIK, cat(L.initial, spkB), 32);
}
const initialTag = (kdet: Uint8Array, ek: Uint8Array): Uint8Array =>
  AES(kdet, ek.subarray(0, 16)).slice(0, 8);

// ------------------------------------------- Double Ratchet with HE §4 ----

interface SkippedChain {
  hk: Uint8Array;
  keys: Map<number, Uint8Array>;
}
export interface Ratchet {
  rk: Uint8Array;
  dhs: KeyPair;
  dhr: Uint8Array | null;
  cks: Uint8Array | null;
  ckr: Uint8Array | null;
  hks: Uint8Array | null;
  hkr: Uint8Array | null;
  nhks: Uint8Array;
  nhkr: Uint8Array;
  ns: number;
  nr: number;
  pn: number;
  /** Oldest first. */
  skipped: SkippedChain[];
}

function kdfRk(rk: Uint8Array, dh: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const o = HKDF(rk, dh, L.root, 96);
  return [o.slice(0, 32), o.slice(32, 64), o.slice(64, 96)];
}
function kdfCk(ck: Uint8Array): [mk: Uint8Array, next: Uint8Array] {
  return [HMAC(ck, new Uint8Array([1])), HMAC(ck, new Uint8Array([2]))];
}
/** §4.1: O = AES(HK, B_0..B_3) with B_i = T[0..15) ‖ i. */
function headerMask(hk: Uint8Array, tag: Uint8Array): { det: Uint8Array; pad: Uint8Array } {
  const blocks = new Uint8Array(64);
  for (let i = 0; i < 4; i++) {
    blocks.set(tag.subarray(0, 15), 16 * i);
    blocks[16 * i + 15] = i;
  }
  const o = AES(hk, blocks);
  return { det: o.slice(0, 8), pad: o.slice(16, 56) };
}
const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((x, i) => x ^ b[i]!);

function initAlice(s: Secrets, spkB: Uint8Array, rand: Rand): Ratchet {
  const dhs = dhPair(rand);
  const [rk, cks, nhks] = kdfRk(s.sk, DH(dhs.priv, spkB));
  return {
    rk,
    dhs,
    dhr: spkB,
    cks,
    ckr: null,
    hks: s.hka,
    hkr: null,
    nhks,
    nhkr: s.nhkb,
    ns: 0,
    nr: 0,
    pn: 0,
    skipped: [],
  };
}
function initBob(s: Secrets, spk: KeyPair): Ratchet {
  return {
    rk: s.sk,
    dhs: spk,
    dhr: null,
    cks: null,
    ckr: null,
    hks: null,
    hkr: null,
    nhks: s.nhkb,
    nhkr: s.hka,
    ns: 0,
    nr: 0,
    pn: 0,
    skipped: [],
  };
}

/** Returns det ‖ header ct ‖ body ‖ tag (a 0x11 entry without its kind byte). */
export function ratchetEncrypt(
  r: Ratchet,
  plaintext: Uint8Array,
  ad: Uint8Array,
  padding?: Padding,
): Uint8Array {
  if (!r.cks || !r.hks) throw new SpecError('NO_SENDING_SESSION');
  const [mk, next] = kdfCk(r.cks);
  r.cks = next;
  const header = cat(r.dhs.pub, u32(r.pn), u32(r.ns));
  r.ns++;
  const body = chacha20poly1305(mk, NONCE0, cat(ad, header)).encrypt(specPad(plaintext, padding));
  const { det, pad } = headerMask(r.hks, body.subarray(body.length - 16));
  return cat(det, xor(header, pad), body);
}

interface Header {
  dh: Uint8Array;
  pn: number;
  n: number;
  raw: Uint8Array;
}
function tryHeaderKey(hk: Uint8Array | null, msg: Uint8Array): Header | null {
  if (!hk) return null;
  const { det, pad } = headerMask(hk, msg.subarray(msg.length - 16));
  if (!eq(det, msg.subarray(0, 8))) return null;
  const raw = xor(msg.subarray(8, 48), pad);
  return { dh: raw.slice(0, 32), pn: rd32(raw, 32), n: rd32(raw, 36), raw };
}
function clone(r: Ratchet): Ratchet {
  return { ...r, skipped: r.skipped.map((c) => ({ hk: c.hk, keys: new Map(c.keys) })) };
}
function skipTo(r: Ratchet, until: number): void {
  if (!r.ckr || !r.hkr || r.nr >= until) return;
  const hkr = r.hkr;
  let chain = r.skipped.find((c) => eq(c.hk, hkr));
  if (!chain) {
    chain = { hk: hkr, keys: new Map() };
    r.skipped.push(chain);
  }
  while (r.nr < until) {
    const [mk, next] = kdfCk(r.ckr);
    chain.keys.set(r.nr++, mk);
    r.ckr = next;
  }
  // Limits: oldest chains, then oldest keys, are deleted.
  while (r.skipped.length > MAX_SKIPPED_CHAINS) r.skipped.shift();
  let total = r.skipped.reduce((n, c) => n + c.keys.size, 0);
  while (total > MAX_SKIPPED_KEYS) {
    const c = r.skipped[0]!;
    const first = c.keys.keys().next().value as number;
    c.keys.delete(first);
    total--;
    if (c.keys.size === 0) r.skipped.shift();
  }
}
function takeSkipped(r: Ratchet, hk: Uint8Array, n: number): Uint8Array {
  const i = r.skipped.findIndex((c) => eq(c.hk, hk));
  const mk = i < 0 ? undefined : r.skipped[i]!.keys.get(n);
  if (!mk) throw new SpecError('DUPLICATE_MESSAGE');
  r.skipped[i]!.keys.delete(n);
  if (r.skipped[i]!.keys.size === 0) r.skipped.splice(i, 1);
  return mk;
}
function nextReceiveKey(r: Ratchet, n: number): Uint8Array {
  skipTo(r, n);
  const [mk, next] = kdfCk(r.ckr!);
  r.ckr = next;
  r.nr = n + 1;
  return mk;
}

/**
 * §4.2 RatchetDecryptHE. `msg` is det ‖ header ct ‖ body ‖ tag. Returns null for
 * "not mine"; on success returns the new state (the input is never modified).
 */
export function ratchetDecrypt(
  r0: Ratchet,
  msg: Uint8Array,
  ad: Uint8Array,
  rand: Rand,
): { state: Ratchet; plaintext: Uint8Array } | null {
  if (msg.length < 8 + 40 + 16) throw new SpecError('MALFORMED', 'short message');
  const r = clone(r0);
  const open = (h: Header, mk: Uint8Array) => {
    let padded: Uint8Array;
    try {
      padded = chacha20poly1305(mk, NONCE0, cat(ad, h.raw)).decrypt(msg.subarray(48));
    } catch {
      throw new SpecError('DECRYPTION_FAILED');
    }
    return { state: r, plaintext: specUnpad(padded) };
  };
  // 1. current receiving chain
  const h1 = tryHeaderKey(r.hkr, msg);
  if (h1) {
    if (h1.n < r.nr) return open(h1, takeSkipped(r, r.hkr!, h1.n));
    if (h1.n - r.nr > MAX_SKIP) throw new SpecError('TOO_MANY_SKIPPED');
    return open(h1, nextReceiveKey(r, h1.n));
  }
  // 2. the peer stepped its ratchet
  const h2 = tryHeaderKey(r.nhkr, msg);
  if (h2) {
    const old = r.ckr ? Math.max(0, h2.pn - r.nr) : 0;
    if (old + h2.n > MAX_SKIP) throw new SpecError('TOO_MANY_SKIPPED');
    skipTo(r, h2.pn);
    r.pn = r.ns;
    r.ns = 0;
    r.nr = 0;
    r.hks = r.nhks;
    r.hkr = r.nhkr;
    r.dhr = h2.dh;
    [r.rk, r.ckr, r.nhkr] = kdfRk(r.rk, DH(r.dhs.priv, h2.dh));
    r.dhs = dhPair(rand);
    [r.rk, r.cks, r.nhks] = kdfRk(r.rk, DH(r.dhs.priv, h2.dh));
    return open(h2, nextReceiveKey(r, h2.n));
  }
  // 3. older chains with kept keys, newest first
  for (const c of [...r.skipped].reverse()) {
    const h3 = tryHeaderKey(c.hk, msg);
    if (h3) return open(h3, takeSkipped(r, c.hk, h3.n));
  }
  return null;
}

// ----------------------------------------- sessions and entries §5, §6 ----

export interface SpecSession {
  readonly id: Uint8Array;
  readonly initiatedByUs: boolean;
  confirmed: boolean;
  readonly ad: Uint8Array;
  ratchet: Ratchet;
}
export interface SpecConversation {
  readonly me: SpecIdentity;
  readonly peerAddress: string;
  readonly peerIk: Uint8Array;
  readonly contract: string;
  readonly chainId: string;
  /** [0] is active. */
  sessions: SpecSession[];
  seenInitials: Uint8Array[];
}
export function specConversation(
  me: SpecIdentity,
  peer: { address: string; ik: Uint8Array },
  contract: string,
  chainId: string,
): SpecConversation {
  return {
    me,
    peerAddress: peer.address,
    peerIk: peer.ik,
    contract,
    chainId,
    sessions: [],
    seenInitials: [],
  };
}

/** §6 rule 4: the first session, unless it is ours, unconfirmed, and the second is the peer's. */
export function specSendingSession(c: SpecConversation): SpecSession | undefined {
  const [first, second] = c.sessions;
  if (first?.initiatedByUs && !first.confirmed && second && !second.initiatedByUs) return second;
  return first;
}

export function specEncrypt(
  c: SpecConversation,
  plaintext: Uint8Array,
  opts: { rand: Rand; bundle?: SpecBundle; postQuantum?: boolean; padding?: Padding },
): Uint8Array {
  const active = specSendingSession(c);
  if (active?.ratchet.cks) {
    return cat(
      new Uint8Array([KIND.steady]),
      ratchetEncrypt(active.ratchet, plaintext, active.ad, opts.padding),
    );
  }
  const b = opts.bundle;
  if (!b) throw new SpecError('NO_SENDING_SESSION');
  if (!eq(b.ik, c.peerIk) || b.address !== c.peerAddress) throw new SpecError('INVALID_ARGUMENT');
  // §3 initiator
  const ek = dhPair(opts.rand);
  const pq = b.kem !== null && opts.postQuantum !== false;
  let ct = zeros(0);
  let ss: Uint8Array | null = null;
  if (pq) {
    const e = ml_kem768.encapsulate(b.kem!, opts.rand(32));
    ct = e.cipherText;
    ss = e.sharedSecret;
  }
  const dh1 = DH(c.me.ik.priv, b.spk);
  const secrets = x3dhKdf(dh1, DH(ek.priv, b.ik), DH(ek.priv, b.spk), ss);
  const ad = associatedData(c.me.ik.pub, b.ik, c.me.address, b.address, c.contract, c.chainId);
  const session: SpecSession = {
    id: ek.pub,
    initiatedByUs: true,
    confirmed: false,
    ad,
    ratchet: initAlice(secrets, b.spk, opts.rand),
  };
  const tag = initialTag(detectionKey(DH(c.me.ik.priv, b.ik), b.spk), ek.pub);
  const first = ratchetEncrypt(session.ratchet, plaintext, ad, opts.padding);
  c.sessions = [session, ...c.sessions].slice(0, 4);
  return cat(new Uint8Array([pq ? KIND.initialPq : KIND.initial]), tag, ek.pub, ct, first);
}

export type SpecResult =
  | { status: 'ok'; plaintext: Uint8Array; sessionId: Uint8Array; startedSession: boolean }
  | { status: 'not-mine' };

export function specDecrypt(c: SpecConversation, entry: Uint8Array, rand: Rand): SpecResult {
  if (entry.length < 1) throw new SpecError('MALFORMED');
  const kind = entry[0]!;
  if (kind >> 4 !== 1) throw new SpecError('UNSUPPORTED_VERSION');
  if (kind === KIND.steady) {
    for (const s of c.sessions) {
      const r = ratchetDecrypt(s.ratchet, entry.subarray(1), s.ad, rand);
      if (r) {
        s.ratchet = r.state;
        s.confirmed = true;
        return { status: 'ok', plaintext: r.plaintext, sessionId: s.id, startedSession: false };
      }
    }
    return { status: 'not-mine' };
  }
  if (kind !== KIND.initial && kind !== KIND.initialPq) throw new SpecError('MALFORMED', 'kind');
  const C = kind === KIND.initialPq ? KEM_CT : 0;
  if (entry.length < 41 + C + 64) throw new SpecError('MALFORMED', 'short initial');
  const tag = entry.subarray(1, 9);
  const ek = entry.slice(9, 41);
  const ct = entry.subarray(41, 41 + C);
  const dhIk = DH(c.me.ik.priv, c.peerIk);
  const pre = c.me.prekeys.find(
    (p) => (C === 0 || p.kem) && eq(initialTag(detectionKey(dhIk, p.spk.pub), ek), tag),
  );
  if (!pre) return { status: 'not-mine' };
  if (c.seenInitials.some((e) => eq(e, ek))) throw new SpecError('DUPLICATE_MESSAGE');
  // §5.2: EK_A must be canonical (bit 255 clear, value below 2^255 - 19)
  const ekValue = ek.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  if (ekValue >= (1n << 255n) - 19n) throw new SpecError('DECRYPTION_FAILED', 'non-canonical EK_A');
  // §3 responder
  const ss = C ? ml_kem768.decapsulate(ct, pre.kem!.sk) : null;
  const secrets = x3dhKdf(
    DH(pre.spk.priv, c.peerIk),
    DH(c.me.ik.priv, ek),
    DH(pre.spk.priv, ek),
    ss,
  );
  const ad = associatedData(
    c.peerIk,
    c.me.ik.pub,
    c.peerAddress,
    c.me.address,
    c.contract,
    c.chainId,
  );
  const r = ratchetDecrypt(initBob(secrets, pre.spk), entry.subarray(41 + C), ad, rand);
  if (!r) throw new SpecError('DECRYPTION_FAILED', 'initial message header');
  const session: SpecSession = {
    id: ek,
    initiatedByUs: false,
    confirmed: true,
    ad,
    ratchet: r.state,
  };
  // §6 rules 2 and 3
  const active = c.sessions[0];
  const simultaneous = active?.initiatedByUs && !active.confirmed;
  const weAreSmaller = Buffer.compare(addressBytes(c.me.address), addressBytes(c.peerAddress)) < 0;
  c.sessions =
    simultaneous && weAreSmaller
      ? [active, session, ...c.sessions.slice(1)]
      : [session, ...c.sessions];
  c.sessions = c.sessions.slice(0, 4);
  c.seenInitials = [...c.seenInitials, ek].slice(-16);
  return { status: 'ok', plaintext: r.plaintext, sessionId: ek, startedSession: true };
}

// ------------------------------------------------------- discovery §8 -----

/** §8: every request payload is padded to exactly 352 bytes. */
const REQUEST_PADDING: Padding = { kind: 'fixed', length: 352 };

export interface SpecRequest {
  eph: Uint8Array;
  senderAddress: string;
  postalIndex: bigint;
  proof: Uint8Array;
  note: string;
}
function requestProof(
  dhIk: Uint8Array,
  eph: Uint8Array,
  addrA: string,
  addrB: string,
  contract: string,
  chainId: string,
  index: bigint,
): Uint8Array {
  const k = HKDF(zeros(32), dhIk, L.proofKey, 32);
  return HMAC(
    k,
    cat(
      L.proof,
      eph,
      addressBytes(addrA),
      addressBytes(addrB),
      addressBytes(contract),
      chainBytes(chainId),
      u64(index),
    ),
  );
}
const sealKey = (
  eph: Uint8Array,
  ikB: Uint8Array,
  dh: Uint8Array,
  contract: string,
  chain: string,
) => HKDF(cat(eph, ikB), dh, cat(L.seal, addressBytes(contract), chainBytes(chain)), 32);

export function specSealRequest(p: {
  me: SpecIdentity;
  recipient: SpecBundle;
  postalIndex: bigint;
  note?: string;
  rand: Rand;
}): Uint8Array {
  const { contract, chainId, ik } = p.recipient;
  const eph = dhPair(p.rand);
  const note = enc.encode(p.note ?? '');
  if (note.length > 280) throw new SpecError('INVALID_ARGUMENT', 'note');
  const proof = requestProof(
    DH(p.me.ik.priv, ik),
    eph.pub,
    p.me.address,
    p.recipient.address,
    contract,
    chainId,
    p.postalIndex,
  );
  const payload = cat(
    addressBytes(p.me.address),
    u64(p.postalIndex),
    proof,
    u16(note.length),
    note,
  );
  return specSealPayload({ ...p, eph, payload });
}

/** Seals any payload bytes as a request (the tests use it to build odd payloads). */
export function specSealPayload(p: {
  recipient: SpecBundle;
  eph?: KeyPair;
  payload: Uint8Array;
  rand: Rand;
  padding?: Padding;
  /** Test only: another kind byte. */
  kind?: number;
}): Uint8Array {
  const { contract, chainId, ik } = p.recipient;
  const eph = p.eph ?? dhPair(p.rand);
  const head = cat(new Uint8Array([p.kind ?? KIND.request]), eph.pub);
  const k = sealKey(eph.pub, ik, DH(eph.priv, ik), contract, chainId);
  const padding = p.padding ?? REQUEST_PADDING;
  return cat(head, chacha20poly1305(k, NONCE0, head).encrypt(specPad(p.payload, padding)));
}

export function specOpenRequest(
  b: Uint8Array,
  me: SpecIdentity,
  ctx: { contract: string; chainId: string },
): SpecRequest {
  if (b.length < 1) throw new SpecError('MALFORMED', 'empty');
  if (b[0]! >> 4 !== 1) throw new SpecError('UNSUPPORTED_VERSION');
  if (b[0] !== KIND.request) throw new SpecError('MALFORMED', 'kind');
  if (b.length !== 401) throw new SpecError('MALFORMED', 'a request is 401 bytes');
  const eph = b.slice(1, 33);
  const k = sealKey(eph, me.ik.pub, DH(me.ik.priv, eph), ctx.contract, ctx.chainId);
  let padded: Uint8Array;
  try {
    padded = chacha20poly1305(k, NONCE0, b.subarray(0, 33)).decrypt(b.subarray(33));
  } catch {
    throw new SpecError('DECRYPTION_FAILED');
  }
  let payload: Uint8Array;
  try {
    payload = specUnpad(padded);
  } catch {
    throw new SpecError('MALFORMED', 'request padding'); // §7: malformed in a request
  }
  if (payload.length < 64) throw new SpecError('MALFORMED', 'payload');
  const noteLen = rd16(payload, 62);
  if (payload.length !== 64 + noteLen || noteLen > 280) throw new SpecError('MALFORMED', 'note');
  let note: string;
  try {
    note = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(64));
  } catch {
    throw new SpecError('MALFORMED', 'note is not UTF-8');
  }
  if (payload[0] !== 0) throw new SpecError('MALFORMED', 'sender is not an implicit account');
  return {
    eph,
    senderAddress: addressFromBytes(payload.subarray(0, 22)),
    postalIndex: rd64(payload, 22),
    proof: payload.slice(30, 62),
    note,
  };
}

export function specVerifyRequestSender(
  req: SpecRequest,
  sender: SpecBundle,
  me: SpecIdentity,
): boolean {
  if (sender.address !== req.senderAddress) return false;
  const expected = requestProof(
    DH(me.ik.priv, sender.ik),
    req.eph,
    req.senderAddress,
    me.address,
    sender.contract,
    sender.chainId,
    req.postalIndex,
  );
  return eq(expected, req.proof);
}

// --------------------------------------------------- safety numbers §9 ----

function safetyDigits(accountPublicKey: string, ik: Uint8Array): string {
  const keys = cat(publicKeyBytes(accountPublicKey), ik);
  let h = sha512(cat(L.safety, keys));
  for (let i = 1; i <= 5200; i++) h = sha512(cat(h, keys));
  let out = '';
  for (let i = 0; i < 6; i++) {
    let v = 0n;
    for (let j = 0; j < 5; j++) v = (v << 8n) | BigInt(h[5 * i + j]!);
    out += (v % 100000n).toString().padStart(5, '0');
  }
  return out;
}
export function specSafetyNumber(
  a: { accountPublicKey: string; ik: Uint8Array },
  b: { accountPublicKey: string; ik: Uint8Array },
): string {
  const [x, y] = [safetyDigits(a.accountPublicKey, a.ik), safetyDigits(b.accountPublicKey, b.ik)];
  return x < y ? x + y : y + x;
}
