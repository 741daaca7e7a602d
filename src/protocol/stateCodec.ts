/**
 * Conversation state ⇄ bytes (version 1). The store keeps these bytes inside
 * the encrypted database; this codec only gives the state a stable, checked
 * binary form so that a record written by an older client still loads.
 *
 *   conversation = 0x01 (version) ‖ our address (22) ‖ peer address (22)
 *                  ‖ peer identity key (32) ‖ contract (22) ‖ chain id (4)
 *                  ‖ u8 session count ‖ session*
 *                  ‖ u8 initial count ‖ (ephemeral key (32))*
 *   session      = id (32) ‖ u8 flags (bit 0 initiated by us, bit 1 confirmed)
 *                  ‖ associated data (32) ‖ ratchet
 *   ratchet      = root key (32) ‖ our ratchet private (32) ‖ public (32)
 *                  ‖ u8 has sending ‖ [chain key (32) ‖ header key (32) ‖ u32 index]
 *                  ‖ u8 has receiving ‖ [ratchet key (32) ‖ chain key (32)
 *                                        ‖ header key (32) ‖ u32 index]
 *                  ‖ u32 previous sending length ‖ next sending header key (32)
 *                  ‖ next receiving header key (32)
 *                  ‖ u8 skipped chain count ‖ (header key (32) ‖ u16 n
 *                                              ‖ (u32 index ‖ message key (32))^n)*
 *
 * Every count is checked against limits.ts before anything is allocated.
 */

import { ByteReader, ByteWriter } from './bytes.js';
import type { Conversation } from './conversation.js';
import { MalformedError, UnsupportedVersionError } from './errors.js';
import { STATE_VERSION } from './labels.js';
import {
  MAX_REMEMBERED_INITIALS,
  MAX_SESSIONS_PER_CONVERSATION,
  MAX_SKIPPED_CHAINS,
  MAX_SKIPPED_KEYS,
  MAX_STATE_BYTES,
} from './limits.js';
import type { RatchetState, SkippedChain } from './ratchet/state.js';
import type { Session } from './session.js';
import {
  ADDRESS_BYTES,
  addressFromBytes,
  addressToBytes,
  CHAIN_ID_BYTES,
  chainIdFromBytes,
  chainIdToBytes,
} from './tezosAccount.js';

const WHAT = 'conversation state';

function writeRatchet(w: ByteWriter, r: RatchetState): void {
  w.bytes(r.rootKey).bytes(r.ourRatchet.privateKey).bytes(r.ourRatchet.publicKey);
  if (r.sending) w.u8(1).bytes(r.sending.chainKey).bytes(r.sending.headerKey).u32(r.sending.index);
  else w.u8(0);
  if (r.receiving) {
    w.u8(1)
      .bytes(r.receiving.ratchetKey)
      .bytes(r.receiving.chainKey)
      .bytes(r.receiving.headerKey)
      .u32(r.receiving.index);
  } else w.u8(0);
  w.u32(r.previousSendingLength).bytes(r.nextSendingHeaderKey).bytes(r.nextReceivingHeaderKey);
  w.u8(r.skipped.length);
  for (const c of r.skipped) {
    w.bytes(c.headerKey).u16(c.keys.length);
    for (const k of c.keys) w.u32(k.index).bytes(k.messageKey);
  }
}

export function encodeConversation(c: Conversation): Uint8Array {
  const w = new ByteWriter()
    .u8(STATE_VERSION)
    .bytes(addressToBytes(c.ourAddress))
    .bytes(addressToBytes(c.peerAddress))
    .bytes(c.peerIdentityKey)
    .bytes(addressToBytes(c.contract))
    .bytes(chainIdToBytes(c.chainId))
    .u8(c.sessions.length);
  for (const s of c.sessions) {
    w.bytes(s.id)
      .u8((s.initiatedByUs ? 1 : 0) | (s.confirmed ? 2 : 0))
      .bytes(s.associatedData);
    writeRatchet(w, s.ratchet);
  }
  w.u8(c.seenInitials.length);
  for (const k of c.seenInitials) w.bytes(k);
  return w.finish();
}

const key = (r: ByteReader, field: string) => r.bytes(32, field).slice();

function flag(r: ByteReader, field: string): boolean {
  const v = r.u8(field);
  if (v > 1) throw new MalformedError(WHAT, `${field} must be 0 or 1`);
  return v === 1;
}

function readRatchet(r: ByteReader): RatchetState {
  const rootKey = key(r, 'root key');
  const ourRatchet = {
    privateKey: key(r, 'ratchet private key'),
    publicKey: key(r, 'ratchet public key'),
  };
  const sending = flag(r, 'sending flag')
    ? {
        chainKey: key(r, 'sending chain key'),
        headerKey: key(r, 'sending header key'),
        index: r.u32(),
      }
    : null;
  const receiving = flag(r, 'receiving flag')
    ? {
        ratchetKey: key(r, 'receiving ratchet key'),
        chainKey: key(r, 'receiving chain key'),
        headerKey: key(r, 'receiving header key'),
        index: r.u32(),
      }
    : null;
  const previousSendingLength = r.u32();
  const nextSendingHeaderKey = key(r, 'next sending header key');
  const nextReceivingHeaderKey = key(r, 'next receiving header key');
  const chains = r.u8('skipped chain count');
  if (chains > MAX_SKIPPED_CHAINS) throw new MalformedError(WHAT, 'too many skipped chains');
  const skipped: SkippedChain[] = [];
  let total = 0;
  for (let i = 0; i < chains; i++) {
    const headerKey = key(r, 'skipped header key');
    const n = r.u16('skipped key count');
    total += n;
    if (total > MAX_SKIPPED_KEYS) throw new MalformedError(WHAT, 'too many skipped keys');
    const keys = [];
    for (let j = 0; j < n; j++)
      keys.push({ index: r.u32(), messageKey: key(r, 'skipped message key') });
    skipped.push({ headerKey, keys });
  }
  return {
    rootKey,
    ourRatchet,
    sending,
    receiving,
    previousSendingLength,
    nextSendingHeaderKey,
    nextReceivingHeaderKey,
    skipped,
  };
}

export function decodeConversation(bytes: Uint8Array): Conversation {
  if (bytes.length > MAX_STATE_BYTES)
    throw new MalformedError(WHAT, `longer than ${MAX_STATE_BYTES} bytes`);
  const r = new ByteReader(bytes, WHAT);
  const version = r.u8('version');
  if (version !== STATE_VERSION) throw new UnsupportedVersionError(WHAT, version);
  const ourAddress = addressFromBytes(r.bytes(ADDRESS_BYTES, 'our address'), WHAT);
  const peerAddress = addressFromBytes(r.bytes(ADDRESS_BYTES, 'peer address'), WHAT);
  const peerIdentityKey = key(r, 'peer identity key');
  const contract = addressFromBytes(r.bytes(ADDRESS_BYTES, 'contract'), WHAT);
  const chainId = chainIdFromBytes(r.bytes(CHAIN_ID_BYTES, 'chain id'));
  const count = r.u8('session count');
  if (count > MAX_SESSIONS_PER_CONVERSATION) throw new MalformedError(WHAT, 'too many sessions');
  const sessions: Session[] = [];
  for (let i = 0; i < count; i++) {
    const id = key(r, 'session id');
    const flags = r.u8('session flags');
    if (flags > 3) throw new MalformedError(WHAT, 'unknown session flags');
    const associatedData = key(r, 'associated data');
    sessions.push({
      id,
      initiatedByUs: (flags & 1) !== 0,
      confirmed: (flags & 2) !== 0,
      associatedData,
      ratchet: readRatchet(r),
    });
  }
  const initials = r.u8('initial count');
  if (initials > MAX_REMEMBERED_INITIALS)
    throw new MalformedError(WHAT, 'too many remembered initial messages');
  const seenInitials: Uint8Array[] = [];
  for (let i = 0; i < initials; i++) seenInitials.push(key(r, 'initial ephemeral key'));
  r.end();
  return { ourAddress, peerAddress, peerIdentityKey, contract, chainId, sessions, seenInitials };
}
