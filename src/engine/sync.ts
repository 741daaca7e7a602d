/**
 * Sync: reads what is new for one identity (docs/engine.md, "Sync").
 *
 * 1. Counters. By default (isolated counter reads) one small `getCounters`
 *    call per contact, in that contact's isolation group, and one for our
 *    own request counter in the `requests` group: no request names more
 *    than one contact, so a node (or a Tor exit) never sees the contact list
 *    in one piece. An idle poll is one small request per contact, plus one.
 *    With `isolatedCounterReads: false`, one batched call for everyone.
 * 2. Our request box from its cursor: each request is opened, its sender's
 *    bundle fetched and verified, the proof checked; junk and requests from
 *    blocked senders are skipped. A request from an existing contact whose
 *    postal index is before that contact's cursor moves the cursor back
 *    (re-reading is safe: copies are duplicates).
 * 3. Each contact's postal box from its cursor, 128 entries per view call.
 *    Each entry is tried on the conversation (a copy: the protocol never
 *    mutates its input); a message for us is committed together with the
 *    new conversation state and the cursor in one transaction. Foreign
 *    entries cost symmetric work and no database write; the cursor (and the
 *    junk count) is written once per page. Junk never stops the sync.
 *
 * Nothing is held across an `await` but the cursor: the conversation is
 * re-read from the database after every network read, so a `send` running
 * meanwhile is never overwritten.
 */

import type { BoxCounters } from '../ports/chain.js';
import {
  createConversation,
  decryptEntry,
  openRequest,
  ProtocolError,
  verifyRequestSender,
} from '../protocol/index.js';
import { fetchBundle, verifiedBundle } from './bundles.js';
import {
  type ContactRecord,
  contactsOf,
  getContact,
  loadConversation,
  saveConversation,
  setCursor,
} from './contactStore.js';
import type { EngineContext } from './context.js';
import { EngineError } from './errors.js';
import { getIdentity, type IdentityRecord, setRequestCursor } from './identityStore.js';
import { getMessage, insertMessage } from './messageStore.js';
import { insertRequest, isBlocked, requestInfo } from './requestStore.js';
import type { SyncProgress, SyncReport } from './types.js';

/** Entries read per page: one view call (the contract's range bound, docs/contract.md). */
export const PAGE = 128;

export interface SyncOptions {
  readonly onProgress?: (p: SyncProgress) => void;
  /** Only these contacts' boxes (addresses); default all. */
  readonly only?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface Tally {
  newMessages: number;
  junkSkipped: number;
  requests: number;
  entriesRead: number;
  duplicates: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function newId(ctx: EngineContext): string {
  return hex(ctx.random(16));
}

async function readRequests(
  ctx: EngineContext,
  id: IdentityRecord,
  total: number,
  tally: Tally,
): Promise<void> {
  const db = ctx.store.db;
  const bctx = await ctx.bundleContext();
  let cursor = id.requestCursor;
  while (cursor < total) {
    const entries = await ctx.chain.getRequests(
      id.address,
      cursor,
      Math.min(PAGE, total - cursor),
      'requests',
    );
    if (entries.length === 0) break;
    for (const e of entries) {
      if (e.index < cursor) continue;
      cursor = e.index + 1;
      let opened: ReturnType<typeof openRequest>;
      try {
        opened = openRequest(e.bytes, id.keys, bctx);
      } catch {
        tally.junkSkipped++;
        continue;
      }
      const sender = opened.senderAddress;
      if (sender === id.address || isBlocked(db, id.address, sender)) continue;
      let bundleBytes: Uint8Array;
      try {
        const fetched = await fetchBundle(ctx.chain, sender, bctx, sender, 'directory');
        verifyRequestSender(opened, fetched.bundle, {
          identity: id.keys.identity,
          address: id.address,
        });
        bundleBytes = fetched.bytes;
      } catch (e) {
        // A forged or absent bundle, or a bad proof: junk. A network failure is not:
        // it stops the sync before the cursor moves, and the request is read again.
        if (!(e instanceof ProtocolError || e instanceof EngineError)) throw e;
        tally.junkSkipped++;
        continue;
      }
      const postalIndex = Number(opened.postalIndex);
      const contact = getContact(db, id.address, sender);
      if (contact) {
        if (postalIndex < contact.cursor) setCursor(db, id.address, sender, postalIndex);
        continue;
      }
      const rec = {
        id: hex(opened.id),
        sender,
        postalIndex,
        note: opened.note,
        bundle: bundleBytes,
        time: e.time,
        boxIndex: e.index,
      };
      if (insertRequest(db, id.address, rec)) {
        tally.requests++;
        ctx.emit({ type: 'request', request: requestInfo({ ...rec, state: 'pending' }) });
      }
    }
    setRequestCursor(db, id.address, cursor);
  }
}

async function readBox(
  ctx: EngineContext,
  identity: string,
  start: ContactRecord,
  total: number,
  tally: Tally,
  opts: SyncOptions,
): Promise<void> {
  const db = ctx.store.db;
  const bctx = await ctx.bundleContext();
  const peer = start.address;
  let cursor = start.cursor;
  let identityKey: Uint8Array | null = null;
  while (cursor < total) {
    opts.signal?.throwIfAborted();
    const entries = await ctx.chain.getPostal(
      peer,
      cursor,
      Math.min(PAGE, total - cursor),
      `contact:${peer}`,
    );
    if (entries.length === 0) break;
    const id = getIdentity(db, identity);
    const contact = getContact(db, identity, peer);
    if (!id || !contact) return; // removed meanwhile
    if (contact.cursor !== cursor) {
      cursor = contact.cursor; // moved meanwhile (another sync, or a request rewound it)
      continue;
    }
    identityKey ??= verifiedBundle(contact.bundle, peer, bctx, contact.name).identityKey;
    let conv =
      loadConversation(contact) ??
      createConversation({
        ourAddress: identity,
        peerAddress: peer,
        peerIdentityKey: identityKey,
        contract: bctx.contract,
        chainId: bctx.chainId,
      });
    let junk = 0;
    let next = cursor;
    for (const e of entries) {
      if (e.index < next) continue;
      next = e.index + 1;
      tally.entriesRead++;
      let result: ReturnType<typeof decryptEntry>;
      try {
        result = decryptEntry(conv, e.bytes, { ours: id.keys, random: ctx.random });
      } catch (err) {
        if (err instanceof ProtocolError && err.code === 'DUPLICATE_MESSAGE') tally.duplicates++;
        else junk++;
        continue;
      }
      if (result.status !== 'ok') continue;
      const after = result.conversation;
      const messageId = newId(ctx);
      const text = Buffer.from(result.plaintext).toString('utf8');
      const inserted = ctx.store.transaction(() => {
        const fresh = insertMessage(db, {
          id: messageId,
          identity,
          contact: peer,
          direction: 'in',
          text,
          time: e.time,
          state: null,
          boxIndex: e.index,
        });
        saveConversation(db, identity, peer, after);
        setCursor(db, identity, peer, e.index + 1, junk);
        return fresh;
      });
      tally.junkSkipped += junk;
      junk = 0;
      conv = after;
      if (inserted) {
        tally.newMessages++;
        const m = getMessage(db, messageId);
        if (m) ctx.emit({ type: 'message', message: m });
      } else tally.duplicates++;
    }
    setCursor(db, identity, peer, next, junk);
    tally.junkSkipped += junk;
    opts.onProgress?.({ contact: peer, read: next, total });
    cursor = next;
  }
}

export function newTally(): Tally {
  return { newMessages: 0, junkSkipped: 0, requests: 0, entriesRead: 0, duplicates: 0 };
}

/** A contact whose box has entries past its cursor, and how many the box holds. */
export interface DueRead {
  readonly contact: string;
  readonly posts: number;
}

/**
 * Steps 1 and 2: one counters call for every contact (or `only` those) and
 * ourselves, then our request box. Returns the boxes that have new entries.
 */
export async function readCountersAndRequests(
  ctx: EngineContext,
  address: string,
  tally: Tally,
  opts: SyncOptions = {},
): Promise<DueRead[]> {
  const db = ctx.store.db;
  const id = getIdentity(db, address);
  if (!id) return [];
  let contacts = contactsOf(db, address);
  if (opts.only) contacts = contacts.filter((c) => opts.only!.includes(c.address));
  const counters = await readCounters(ctx, address, contacts, opts.only !== undefined);
  const own = counters.get(address);
  if (own && own.requests > id.requestCursor && !opts.only) {
    await readRequests(ctx, id, own.requests, tally);
  }
  const due: DueRead[] = [];
  for (const c of contacts) {
    const fresh = getContact(db, address, c.address);
    const posts = counters.get(c.address)?.posts ?? 0;
    if (fresh && posts > fresh.cursor) due.push({ contact: c.address, posts });
  }
  return due;
}

/**
 * The counters step 1 needs: ours (unless only some contacts are synced)
 * and each contact's, batched or one isolation group at a time.
 */
async function readCounters(
  ctx: EngineContext,
  address: string,
  contacts: readonly ContactRecord[],
  contactsOnly: boolean,
): Promise<Map<string, BoxCounters>> {
  if (!ctx.isolatedCounterReads) {
    return ctx.chain.getCounters([address, ...contacts.map((c) => c.address)], 'directory');
  }
  const counters = new Map<string, BoxCounters>();
  if (!contactsOnly) {
    const own = (await ctx.chain.getCounters([address], 'requests')).get(address);
    if (own) counters.set(address, own);
  }
  for (const c of contacts) {
    const got = (await ctx.chain.getCounters([c.address], `contact:${c.address}`)).get(c.address);
    if (got) counters.set(c.address, got);
  }
  return counters;
}

/** Step 2 alone: our request counter (group `requests`), then any new requests. */
export async function readOwnRequests(
  ctx: EngineContext,
  address: string,
  tally: Tally,
): Promise<void> {
  const id = getIdentity(ctx.store.db, address);
  if (!id) return;
  const own = (await ctx.chain.getCounters([address], 'requests')).get(address);
  if (own && own.requests > id.requestCursor) await readRequests(ctx, id, own.requests, tally);
}

/** Step 3 for one contact: its box from the cursor up to `posts`. */
export async function readContactBox(
  ctx: EngineContext,
  address: string,
  due: DueRead,
  tally: Tally,
  opts: SyncOptions = {},
): Promise<void> {
  const fresh = getContact(ctx.store.db, address, due.contact);
  if (fresh && due.posts > fresh.cursor) await readBox(ctx, address, fresh, due.posts, tally, opts);
}

export async function syncIdentity(
  ctx: EngineContext,
  address: string,
  opts: SyncOptions = {},
): Promise<SyncReport> {
  const tally = newTally();
  const due = await readCountersAndRequests(ctx, address, tally, opts);
  for (const d of due) await readContactBox(ctx, address, d, tally, opts);
  ctx.emit({ type: 'sync', report: { ...tally } });
  return { ...tally };
}
