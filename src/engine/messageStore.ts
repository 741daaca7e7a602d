/**
 * Rows of the `messages` table: what the user reads. Incoming messages are
 * unique per (identity, contact, box index), so a box entry read twice is
 * stored (and shown) once; ordering is by insertion (`seq`), which follows
 * box order for incoming messages and send order for outgoing ones.
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import type { DeliveryState, MessageInfo } from './types.js';

interface Row {
  id: string;
  contact: string;
  direction: 'in' | 'out';
  body: string;
  time: number;
  state: DeliveryState | null;
  box_index: number | null;
  level: number | null;
  read: number;
}

const toInfo = (r: Row): MessageInfo => ({
  id: r.id,
  contact: r.contact,
  direction: r.direction,
  text: r.body,
  time: r.time,
  state: r.state,
  boxIndex: r.box_index,
  level: r.level,
  read: r.read === 1,
});

export interface NewMessage {
  readonly id: string;
  readonly identity: string;
  readonly contact: string;
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly time: number;
  readonly state: DeliveryState | null;
  readonly boxIndex: number | null;
}

/** Inserts a message; returns false (and changes nothing) for an incoming entry already stored. */
export function insertMessage(db: Database.Database, m: NewMessage): boolean {
  const r = db
    .prepare(
      `INSERT OR IGNORE INTO messages (id, identity, contact, direction, body, time, state, box_index, read)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      m.id,
      m.identity,
      m.contact,
      m.direction,
      m.text,
      m.time,
      m.state,
      m.boxIndex,
      m.direction === 'out' ? 1 : 0,
    );
  return r.changes === 1;
}

export function getMessage(db: Database.Database, id: string): MessageInfo | null {
  const r = db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined;
  return r ? toInfo(r) : null;
}

/** The last `limit` messages with a contact, oldest first. */
export function messagesWith(
  db: Database.Database,
  identity: string,
  contact: string,
  limit: number,
): MessageInfo[] {
  const rows = db
    .prepare('SELECT * FROM messages WHERE identity = ? AND contact = ? ORDER BY seq DESC LIMIT ?')
    .all(identity, contact, limit) as Row[];
  return rows.reverse().map(toInfo);
}

export function setDelivery(
  db: Database.Database,
  id: string,
  state: DeliveryState,
  level?: number,
): void {
  db.prepare('UPDATE messages SET state = ?, level = COALESCE(?, level) WHERE id = ?').run(
    state,
    level ?? null,
    id,
  );
}

/** Outgoing messages included at or below `level`: they are final once two blocks follow. */
export function includedUpTo(
  db: Database.Database,
  level: number,
): { id: string; level: number }[] {
  return db
    .prepare(
      "SELECT id, level FROM messages WHERE direction = 'out' AND state = 'included' AND level <= ?",
    )
    .all(level) as { id: string; level: number }[];
}

export function markRead(db: Database.Database, identity: string, contact: string): void {
  db.prepare(
    "UPDATE messages SET read = 1 WHERE identity = ? AND contact = ? AND direction = 'in'",
  ).run(identity, contact);
}

export function unreadCounts(db: Database.Database, identity: string): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT contact, COUNT(*) AS n FROM messages
       WHERE identity = ? AND direction = 'in' AND read = 0 GROUP BY contact`,
    )
    .all(identity) as { contact: string; n: number }[];
  return new Map(rows.map((r) => [r.contact, r.n]));
}

export function hasSentTo(db: Database.Database, identity: string, contact: string): boolean {
  return (
    db
      .prepare(
        "SELECT 1 FROM messages WHERE identity = ? AND contact = ? AND direction = 'out' LIMIT 1",
      )
      .get(identity, contact) !== undefined
  );
}
