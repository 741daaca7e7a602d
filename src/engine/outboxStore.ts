/**
 * Rows of the `outbox` table: entries and discovery requests of one
 * identity waiting to be included, in posting order (`id`). A row is
 * `queued` until its operation is injected, then `posted` with the
 * operation's hash, counter and expiry; it is deleted in the transaction
 * that records its inclusion (docs/engine.md, "Outbox").
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import type { InjectedOperation } from '../ports/chain.js';

export interface OutboxRow {
  readonly id: number;
  readonly identity: string;
  readonly kind: 'post' | 'request';
  readonly messageId: string | null;
  readonly contact: string;
  readonly entry: Uint8Array | null;
  readonly sealed: Uint8Array | null;
  readonly state: 'queued' | 'posted';
  readonly op: InjectedOperation | null;
  readonly attempts: number;
}

interface Row {
  id: number;
  identity: string;
  kind: 'post' | 'request';
  message_id: string | null;
  contact: string;
  entry: Buffer | null;
  sealed: Buffer | null;
  state: 'queued' | 'posted';
  op_hash: string | null;
  op_counter: string | null;
  op_branch_level: number | null;
  op_expires: number | null;
  attempts: number;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  identity: r.identity,
  kind: r.kind,
  messageId: r.message_id,
  contact: r.contact,
  entry: r.entry ? new Uint8Array(r.entry) : null,
  sealed: r.sealed ? new Uint8Array(r.sealed) : null,
  state: r.state,
  op:
    r.op_hash !== null
      ? {
          hash: r.op_hash,
          counter: r.op_counter ?? '0',
          branchLevel: r.op_branch_level ?? 0,
          expiresAfterLevel: r.op_expires ?? 0,
        }
      : null,
  attempts: r.attempts,
});

export function enqueue(
  db: Database.Database,
  row: {
    identity: string;
    kind: 'post' | 'request';
    messageId: string | null;
    contact: string;
    entry: Uint8Array | null;
  },
): void {
  db.prepare(
    'INSERT INTO outbox (identity, kind, message_id, contact, entry) VALUES (?, ?, ?, ?, ?)',
  ).run(row.identity, row.kind, row.messageId, row.contact, row.entry);
}

export function pendingRows(db: Database.Database, identity: string): OutboxRow[] {
  return (
    db.prepare('SELECT * FROM outbox WHERE identity = ? ORDER BY id').all(identity) as Row[]
  ).map(toRow);
}

export function identitiesWithOutbox(db: Database.Database): string[] {
  return (db.prepare('SELECT DISTINCT identity FROM outbox').all() as { identity: string }[]).map(
    (r) => r.identity,
  );
}

export function markPosted(db: Database.Database, ids: readonly number[], op: InjectedOperation) {
  const st = db.prepare(
    `UPDATE outbox SET state = 'posted', op_hash = ?, op_counter = ?, op_branch_level = ?,
       op_expires = ?, attempts = attempts + 1 WHERE id = ?`,
  );
  for (const id of ids) st.run(op.hash, op.counter, op.branchLevel, op.expiresAfterLevel, id);
}

/** Puts posted rows from `fromId` on back in the queue (their operation was dropped or failed). */
export function requeueFrom(db: Database.Database, identity: string, fromId: number): void {
  db.prepare(
    `UPDATE outbox SET state = 'queued', op_hash = NULL, op_counter = NULL,
       op_branch_level = NULL, op_expires = NULL WHERE identity = ? AND id >= ?`,
  ).run(identity, fromId);
}

export function setSealed(db: Database.Database, id: number, sealed: Uint8Array): void {
  db.prepare('UPDATE outbox SET sealed = ? WHERE id = ?').run(sealed, id);
}

export function deleteRows(db: Database.Database, ids: readonly number[]): void {
  const st = db.prepare('DELETE FROM outbox WHERE id = ?');
  for (const id of ids) st.run(id);
}
