/**
 * Rows of the `contacts` table: per identity, each contact's verified
 * bundle (bytes, re-verified when loaded), a pending changed bundle, the
 * read cursor of its postal box and the conversation state.
 *
 * Security notes: `conversation` holds ratchet secrets; it stays in the
 * encrypted database and is decoded only to hand to the protocol core.
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import { type Conversation, decodeConversation, encodeConversation } from '../protocol/index.js';
import type { ContactInfo } from './types.js';

export interface ContactRecord {
  readonly identity: string;
  readonly address: string;
  readonly name: string;
  readonly bundle: Uint8Array;
  readonly pendingBundle: Uint8Array | null;
  readonly verified: boolean;
  readonly cursor: number;
  readonly conversation: Uint8Array | null;
  readonly requestSent: boolean;
  readonly junk: number;
  readonly addedAt: number;
}

interface Row {
  identity: string;
  address: string;
  name: string;
  bundle: Buffer;
  pending_bundle: Buffer | null;
  verified: number;
  cursor: number;
  conversation: Buffer | null;
  request_sent: number;
  junk: number;
  added_at: number;
}

const toRecord = (r: Row): ContactRecord => ({
  identity: r.identity,
  address: r.address,
  name: r.name,
  bundle: new Uint8Array(r.bundle),
  pendingBundle: r.pending_bundle ? new Uint8Array(r.pending_bundle) : null,
  verified: r.verified === 1,
  cursor: r.cursor,
  conversation: r.conversation ? new Uint8Array(r.conversation) : null,
  requestSent: r.request_sent === 1,
  junk: r.junk,
  addedAt: r.added_at,
});

export const contactInfo = (c: ContactRecord): ContactInfo => ({
  address: c.address,
  name: c.name,
  verified: c.verified,
  bundleChanged: c.pendingBundle !== null,
  cursor: c.cursor,
  junkSkipped: c.junk,
  addedAt: c.addedAt,
});

export function insertContact(db: Database.Database, c: ContactRecord): void {
  db.prepare(
    `INSERT INTO contacts (identity, address, name, bundle, pending_bundle, verified, cursor,
       conversation, request_sent, junk, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.identity,
    c.address,
    c.name,
    c.bundle,
    c.pendingBundle,
    c.verified ? 1 : 0,
    c.cursor,
    c.conversation,
    c.requestSent ? 1 : 0,
    c.junk,
    c.addedAt,
  );
}

export function contactsOf(db: Database.Database, identity: string): ContactRecord[] {
  return (
    db.prepare('SELECT * FROM contacts WHERE identity = ? ORDER BY name').all(identity) as Row[]
  ).map(toRecord);
}

export function getContact(
  db: Database.Database,
  identity: string,
  address: string,
): ContactRecord | null {
  const r = db
    .prepare('SELECT * FROM contacts WHERE identity = ? AND address = ?')
    .get(identity, address) as Row | undefined;
  return r ? toRecord(r) : null;
}

export function lookupContact(
  db: Database.Database,
  identity: string,
  nameOrAddress: string,
): ContactRecord | null {
  const r = db
    .prepare('SELECT * FROM contacts WHERE identity = ? AND (address = ? OR name = ?) LIMIT 1')
    .get(identity, nameOrAddress, nameOrAddress) as Row | undefined;
  return r ? toRecord(r) : null;
}

export function deleteContact(db: Database.Database, identity: string, address: string): void {
  db.prepare('DELETE FROM contacts WHERE identity = ? AND address = ?').run(identity, address);
}

export function loadConversation(c: ContactRecord): Conversation | null {
  return c.conversation ? decodeConversation(c.conversation) : null;
}

export function saveConversation(
  db: Database.Database,
  identity: string,
  address: string,
  conv: Conversation | null,
): void {
  db.prepare('UPDATE contacts SET conversation = ? WHERE identity = ? AND address = ?').run(
    conv ? encodeConversation(conv) : null,
    identity,
    address,
  );
}

export function setCursor(
  db: Database.Database,
  identity: string,
  address: string,
  cursor: number,
  junkAdded = 0,
): void {
  db.prepare(
    'UPDATE contacts SET cursor = ?, junk = junk + ? WHERE identity = ? AND address = ?',
  ).run(cursor, junkAdded, identity, address);
}

export function updateContactFields(
  db: Database.Database,
  identity: string,
  address: string,
  fields: {
    bundle?: Uint8Array;
    pendingBundle?: Uint8Array | null;
    verified?: boolean;
    requestSent?: boolean;
    name?: string;
  },
): void {
  const sets: string[] = [];
  const values: unknown[] = [];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  if (fields.bundle !== undefined) set('bundle', fields.bundle);
  if (fields.pendingBundle !== undefined) set('pending_bundle', fields.pendingBundle);
  if (fields.verified !== undefined) set('verified', fields.verified ? 1 : 0);
  if (fields.requestSent !== undefined) set('request_sent', fields.requestSent ? 1 : 0);
  if (fields.name !== undefined) set('name', fields.name);
  if (sets.length === 0) return;
  db.prepare(`UPDATE contacts SET ${sets.join(', ')} WHERE identity = ? AND address = ?`).run(
    ...values,
    identity,
    address,
  );
}
