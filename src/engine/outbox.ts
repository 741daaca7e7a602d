/**
 * The outbox: posts what `send` committed, in order, and follows each
 * operation to inclusion and finality (docs/engine.md, "Outbox").
 *
 * State machine of a row: queued → posted (injected; hash, counter and
 * expiry recorded) → deleted when included, in the same transaction that
 * marks its message `included` with the block level. A dropped or failed
 * operation puts its rows *and every later row* back to `queued`, so
 * entries are always re-posted in their original order (docs/protocol.md
 * §5.3). One operation is in flight per identity at a time: the next is
 * injected only once the previous one is included, so the box order is the
 * outbox order. A message is `final` once its block has two blocks on top.
 *
 * Crash safety: if the process dies between an injection and the update
 * that records it, the row is still `queued` and is posted again; the copy
 * is a duplicate the reader's protocol recognises (never shown twice).
 * Requests are sealed once and the sealed bytes stored before injection, so
 * a re-posted request has the same ephemeral key and is recognised as a copy.
 */

import type { ChainWriter, InjectedOperation, MizuOperation } from '../ports/chain.js';
import { sealRequest } from '../protocol/index.js';
import { verifiedBundle } from './bundles.js';
import { getContact } from './contactStore.js';
import { type EngineContext, errorCode } from './context.js';
import { getIdentity, type IdentityRecord } from './identityStore.js';
import { includedUpTo, setDelivery } from './messageStore.js';
import {
  deleteRows,
  markPosted,
  type OutboxRow,
  pendingRows,
  requeueFrom,
  setSealed,
} from './outboxStore.js';
import { chainFailure, publish } from './publish.js';
import type { DeliveryProgress } from './types.js';

/** Entries per post operation (the contract's limit). */
export const MAX_BATCH = 8;
/** Attempts before a message whose operation keeps failing in blocks is marked failed. */
const MAX_ATTEMPTS = 5;

export interface FlushOptions {
  readonly onProgress?: (p: DeliveryProgress) => void;
  readonly waitFinal?: boolean;
  readonly signal?: AbortSignal;
}

type Outcome =
  | { readonly state: 'included'; readonly level: number }
  | { readonly state: 'dropped' | 'failed' };

async function outcomeOf(
  writer: ChainWriter,
  op: InjectedOperation,
  signal?: AbortSignal,
): Promise<Outcome> {
  try {
    const r = await writer.waitForInclusion(op, signal ? { signal } : {});
    return { state: 'included', level: r.level };
  } catch (e) {
    signal?.throwIfAborted();
    const st = await writer.status(op);
    if (st.state === 'included') return { state: 'included', level: st.level };
    if (st.state === 'failed') return { state: 'failed' };
    if (st.state === 'dropped') return { state: 'dropped' };
    throw e;
  }
}

/**
 * The index of `entry` in our own postal box, searching back from the end:
 * the earliest copy (a crash can leave a re-posted copy after the first), or
 * a lower bound if it is not found within five pages.
 */
async function indexInOwnBox(
  ctx: EngineContext,
  address: string,
  entry: Uint8Array,
): Promise<number> {
  const counters = await ctx.chain.getCounters([address], 'writes');
  const total = counters.get(address)?.posts ?? 0;
  let end = total;
  let found: number | null = null;
  for (let page = 0; page < 5 && end > 0; page++) {
    const from = Math.max(0, end - 100);
    const entries = await ctx.chain.getPostal(address, from, end - from, 'writes');
    let here: number | null = null;
    for (const e of entries) {
      if (e.bytes.length === entry.length && e.bytes.every((b, j) => b === entry[j])) {
        here = e.index;
        break;
      }
    }
    if (here === null && found !== null) return found;
    if (here !== null) found = here;
    end = from;
  }
  return found ?? end;
}

async function sealFor(ctx: EngineContext, id: IdentityRecord, row: OutboxRow) {
  if (row.sealed) return row.sealed;
  const contact = getContact(ctx.store.db, id.address, row.contact);
  if (!contact || !row.entry) return null;
  const bctx = await ctx.bundleContext();
  const bundle = verifiedBundle(contact.bundle, contact.address, bctx, contact.name);
  const index = await indexInOwnBox(ctx, id.address, row.entry);
  const fresh = getIdentity(ctx.store.db, id.address) ?? id;
  const sealed = sealRequest({
    ourIdentity: fresh.keys.identity,
    ourAddress: id.address,
    recipient: bundle,
    postalIndex: BigInt(index),
    random: ctx.random,
  });
  setSealed(ctx.store.db, row.id, sealed);
  return sealed;
}

function report(ctx: EngineContext, opts: FlushOptions, p: DeliveryProgress) {
  opts.onProgress?.(p);
  ctx.emit({ type: 'delivery', ...p });
}

/** Posts and follows every outbox row of one identity until the outbox is empty. */
export async function flushIdentity(
  ctx: EngineContext,
  address: string,
  opts: FlushOptions = {},
): Promise<number | null> {
  const db = ctx.store.db;
  const id = getIdentity(db, address);
  if (!id) return null;
  if (pendingRows(db, address).length === 0) return null;
  const writer = await ctx.writer(id.secretKey);
  await publish(ctx, address, writer);
  let lastLevel: number | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    const rows = pendingRows(db, address);
    if (rows.length === 0) break;
    const posted = rows.filter((r) => r.state === 'posted');
    if (posted.length > 0) {
      const op = posted[0]!.op!;
      const inflight = posted.filter((r) => r.op?.hash === op.hash);
      const outcome = await outcomeOf(writer, op, opts.signal);
      if (outcome.state === 'included') {
        ctx.store.transaction(() => {
          for (const r of inflight)
            if (r.messageId) setDelivery(db, r.messageId, 'included', outcome.level);
          deleteRows(
            db,
            inflight.map((r) => r.id),
          );
        });
        lastLevel = outcome.level;
        for (const r of inflight)
          if (r.messageId)
            report(ctx, opts, { messageId: r.messageId, state: 'included', level: outcome.level });
      } else {
        const giveUp = outcome.state === 'failed' && inflight[0]!.attempts >= MAX_ATTEMPTS;
        ctx.store.transaction(() => {
          requeueFrom(db, address, inflight[0]!.id);
          if (giveUp) {
            for (const r of inflight) if (r.messageId) setDelivery(db, r.messageId, 'failed');
            deleteRows(
              db,
              inflight.map((r) => r.id),
            );
          }
        });
        if (giveUp)
          for (const r of inflight)
            if (r.messageId) report(ctx, opts, { messageId: r.messageId, state: 'failed' });
      }
      continue;
    }
    const first = rows[0]!;
    let batch: OutboxRow[];
    let op: MizuOperation;
    if (first.kind === 'post') {
      batch = [];
      for (const r of rows) {
        if (r.kind !== 'post' || batch.length === MAX_BATCH) break;
        batch.push(r);
      }
      op = { kind: 'post', entries: batch.map((r) => r.entry!) };
    } else {
      const sealed = await sealFor(ctx, id, first);
      if (!sealed) {
        deleteRows(db, [first.id]);
        continue;
      }
      batch = [first];
      op = { kind: 'request', recipient: first.contact, sealed };
    }
    let injected: InjectedOperation;
    try {
      injected = await writer.inject(op);
    } catch (e) {
      const known = (e as { operation?: InjectedOperation }).operation;
      if (!known) {
        if (first.kind === 'request' && errorCode(e) === 'not-registered') {
          deleteRows(db, [first.id]); // the recipient left: nothing to deliver the request to
          continue;
        }
        throw chainFailure(e, `Posting for ${id.name}`);
      }
      injected = known;
    }
    ctx.store.transaction(() => {
      markPosted(
        db,
        batch.map((r) => r.id),
        injected,
      );
      for (const r of batch) if (r.messageId) setDelivery(db, r.messageId, 'posted');
    });
    for (const r of batch)
      if (r.messageId) report(ctx, opts, { messageId: r.messageId, state: 'posted' });
  }
  if (opts.waitFinal && lastLevel !== null) {
    await writer.waitForFinality(lastLevel, opts.signal ? { signal: opts.signal } : {});
  }
  return lastLevel;
}

/** Marks `final` every included message whose block has two blocks on top of it. */
export async function advanceFinality(ctx: EngineContext, opts: FlushOptions = {}): Promise<void> {
  const db = ctx.store.db;
  const pending = db
    .prepare("SELECT 1 FROM messages WHERE direction = 'out' AND state = 'included' LIMIT 1")
    .get();
  if (!pending) return;
  const head = await ctx.chain.head('writes');
  const done = includedUpTo(db, head.level - 2);
  if (done.length === 0) return;
  ctx.store.transaction(() => {
    for (const m of done) setDelivery(db, m.id, 'final');
  });
  for (const m of done) report(ctx, opts, { messageId: m.id, state: 'final', level: m.level });
}
