/**
 * The engine's database schema, as versioned migrations for the store's
 * runner. Every table lives inside the encrypted profile database.
 *
 * - identities: one row per Tezos account we hold (its secret key and the
 *   protocol keys, which exist only here), with what was last published.
 * - settings: small key/value pairs (the current identity).
 * - contacts: per identity, each contact's verified bundle, flags, the read
 *   cursor of its postal box and the conversation state (ratchets).
 * - messages: what the user sees, incoming and outgoing. Incoming rows are
 *   unique per (identity, contact, box index): a box entry is shown once.
 * - outbox: entries and requests not yet included, in posting order (id).
 * - requests: discovery requests received, and senders blocked.
 * - request_cursor: the read cursor of each identity's request box.
 */

import type { EngineMigration } from './storeShape.js';

const V1 = `
CREATE TABLE identities (
  address TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  secret_key TEXT NOT NULL,
  public_key TEXT NOT NULL,
  keys BLOB NOT NULL,
  prekey_created_at INTEGER NOT NULL,
  published_bundle BLOB,
  request_cursor INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE contacts (
  identity TEXT NOT NULL REFERENCES identities(address) ON DELETE CASCADE,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  bundle BLOB NOT NULL,
  pending_bundle BLOB,
  verified INTEGER NOT NULL DEFAULT 0,
  cursor INTEGER NOT NULL DEFAULT 0,
  conversation BLOB,
  request_sent INTEGER NOT NULL DEFAULT 0,
  junk INTEGER NOT NULL DEFAULT 0,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (identity, address),
  UNIQUE (identity, name)
);
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  identity TEXT NOT NULL,
  contact TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  body TEXT NOT NULL,
  time INTEGER NOT NULL,
  state TEXT,
  box_index INTEGER,
  level INTEGER,
  read INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX messages_in_entry ON messages (identity, contact, box_index)
  WHERE direction = 'in';
CREATE INDEX messages_by_contact ON messages (identity, contact, seq);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  identity TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('post', 'request')),
  message_id TEXT,
  contact TEXT NOT NULL,
  entry BLOB,
  sealed BLOB,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'posted')),
  op_hash TEXT,
  op_counter TEXT,
  op_branch_level INTEGER,
  op_expires INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_identity ON outbox (identity, id);
CREATE TABLE requests (
  identity TEXT NOT NULL,
  id TEXT NOT NULL,
  sender TEXT NOT NULL,
  postal_index INTEGER NOT NULL,
  note TEXT NOT NULL,
  bundle BLOB NOT NULL,
  time INTEGER NOT NULL,
  box_index INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'ignored')),
  PRIMARY KEY (identity, id)
);
CREATE TABLE blocked (
  identity TEXT NOT NULL,
  address TEXT NOT NULL,
  PRIMARY KEY (identity, address)
);
`;

export const MIGRATIONS: readonly EngineMigration[] = [
  {
    version: 1,
    description: 'engine: identities, contacts, messages, outbox, requests',
    up: (db) => {
      db.exec(V1);
    },
  },
];
