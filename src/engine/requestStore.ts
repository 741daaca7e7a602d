/**
 * Rows of the `requests` and `blocked` tables: discovery requests received
 * (each identified by its ephemeral key, so a copied request is stored
 * once) and the senders an identity blocked.
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import type { RequestInfo } from './types.js';

export interface RequestRecord extends RequestInfo {
  readonly bundle: Uint8Array;
  readonly boxIndex: number;
  readonly state: 'pending' | 'accepted' | 'ignored';
}

interface Row {
  id: string;
  sender: string;
  postal_index: number;
  note: string;
  bundle: Buffer;
  time: number;
  box_index: number;
  state: 'pending' | 'accepted' | 'ignored';
}

const toRecord = (r: Row): RequestRecord => ({
  id: r.id,
  sender: r.sender,
  postalIndex: r.postal_index,
  note: r.note,
  bundle: new Uint8Array(r.bundle),
  time: r.time,
  boxIndex: r.box_index,
  state: r.state,
});

export const requestInfo = (r: RequestRecord): RequestInfo => ({
  id: r.id,
  sender: r.sender,
  note: r.note,
  postalIndex: r.postalIndex,
  time: r.time,
});

/** Stores a request; false when one with the same ephemeral key is already there. */
export function insertRequest(
  db: Database.Database,
  identity: string,
  r: Omit<RequestRecord, 'state'>,
): boolean {
  return (
    db
      .prepare(
        `INSERT OR IGNORE INTO requests (identity, id, sender, postal_index, note, bundle, time, box_index)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(identity, r.id, r.sender, r.postalIndex, r.note, r.bundle, r.time, r.boxIndex)
      .changes === 1
  );
}

export function pendingRequests(db: Database.Database, identity: string): RequestRecord[] {
  return (
    db
      .prepare("SELECT * FROM requests WHERE identity = ? AND state = 'pending' ORDER BY time, id")
      .all(identity) as Row[]
  ).map(toRecord);
}

export function setRequestsState(
  db: Database.Database,
  identity: string,
  sender: string,
  state: 'accepted' | 'ignored',
): void {
  db.prepare(
    "UPDATE requests SET state = ? WHERE identity = ? AND sender = ? AND state = 'pending'",
  ).run(state, identity, sender);
}

export function isBlocked(db: Database.Database, identity: string, address: string): boolean {
  return (
    db
      .prepare('SELECT 1 FROM blocked WHERE identity = ? AND address = ?')
      .get(identity, address) !== undefined
  );
}

export function block(db: Database.Database, identity: string, address: string): void {
  db.prepare('INSERT OR IGNORE INTO blocked (identity, address) VALUES (?, ?)').run(
    identity,
    address,
  );
  db.prepare('DELETE FROM requests WHERE identity = ? AND sender = ?').run(identity, address);
}
