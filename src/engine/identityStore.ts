/**
 * Rows of the `identities` and `settings` tables: the Tezos accounts we hold
 * and which one is current.
 *
 * Security notes: `secret_key` and `keys` are secrets; they are read here
 * and handed only to the signer and the protocol core, never to callers of
 * the engine's public API.
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import type { IdentityKeys } from '../protocol/index.js';
import { decodeIdentityKeys, encodeIdentityKeys } from './keysCodec.js';

export interface IdentityRecord {
  readonly address: string;
  readonly name: string;
  readonly secretKey: string;
  readonly publicKey: string;
  readonly keys: IdentityKeys;
  readonly prekeyCreatedAt: number;
  readonly publishedBundle: Uint8Array | null;
  readonly requestCursor: number;
  readonly createdAt: number;
}

interface Row {
  address: string;
  name: string;
  secret_key: string;
  public_key: string;
  keys: Buffer;
  prekey_created_at: number;
  published_bundle: Buffer | null;
  request_cursor: number;
  created_at: number;
}

const toRecord = (r: Row): IdentityRecord => ({
  address: r.address,
  name: r.name,
  secretKey: r.secret_key,
  publicKey: r.public_key,
  keys: decodeIdentityKeys(new Uint8Array(r.keys)),
  prekeyCreatedAt: r.prekey_created_at,
  publishedBundle: r.published_bundle ? new Uint8Array(r.published_bundle) : null,
  requestCursor: r.request_cursor,
  createdAt: r.created_at,
});

export function insertIdentity(db: Database.Database, rec: IdentityRecord): void {
  db.prepare(
    `INSERT INTO identities (address, name, secret_key, public_key, keys, prekey_created_at,
       published_bundle, request_cursor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    rec.address,
    rec.name,
    rec.secretKey,
    rec.publicKey,
    encodeIdentityKeys(rec.keys),
    rec.prekeyCreatedAt,
    rec.publishedBundle,
    rec.requestCursor,
    rec.createdAt,
  );
}

export function allIdentities(db: Database.Database): IdentityRecord[] {
  return (db.prepare('SELECT * FROM identities ORDER BY created_at, name').all() as Row[]).map(
    toRecord,
  );
}

export function getIdentity(db: Database.Database, address: string): IdentityRecord | null {
  const r = db.prepare('SELECT * FROM identities WHERE address = ?').get(address) as
    | Row
    | undefined;
  return r ? toRecord(r) : null;
}

export function findIdentity(db: Database.Database, addressOrName: string): IdentityRecord | null {
  const r = db
    .prepare('SELECT * FROM identities WHERE address = ? OR name = ? LIMIT 1')
    .get(addressOrName, addressOrName) as Row | undefined;
  return r ? toRecord(r) : null;
}

export function updateKeys(
  db: Database.Database,
  address: string,
  keys: IdentityKeys,
  prekeyCreatedAt: number,
): void {
  db.prepare('UPDATE identities SET keys = ?, prekey_created_at = ? WHERE address = ?').run(
    encodeIdentityKeys(keys),
    prekeyCreatedAt,
    address,
  );
}

export function setPublishedBundle(db: Database.Database, address: string, bundle: Uint8Array) {
  db.prepare('UPDATE identities SET published_bundle = ? WHERE address = ?').run(bundle, address);
}

export function setRequestCursor(db: Database.Database, address: string, cursor: number): void {
  db.prepare('UPDATE identities SET request_cursor = ? WHERE address = ?').run(cursor, address);
}

export function getSetting(db: Database.Database, key: string): string | null {
  const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return r ? r.value : null;
}

export function setSetting(db: Database.Database, key: string, value: string): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
