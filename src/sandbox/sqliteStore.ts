/**
 * The sandbox's persistent state in SQLite (better-sqlite3): accounts,
 * contracts, big maps, blocks and a few settings. A block and the state
 * changes it brings are written in one transaction, so a restart (or a
 * crash) finds the state of the last block, never half of one.
 * `':memory:'` gives the same store without a file (tests).
 */

import Database from 'better-sqlite3';
import type { Expr } from '../michelson/index.js';
import type {
  AccountRecord,
  BigMapEntry,
  BigMapTypes,
  StateChanges,
  StateReader,
} from './state.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  address TEXT PRIMARY KEY, balance TEXT NOT NULL, counter TEXT NOT NULL,
  manager TEXT, script TEXT, used_bytes INTEGER, paid_bytes INTEGER);
CREATE TABLE IF NOT EXISTS big_maps (
  id INTEGER PRIMARY KEY, key_type TEXT NOT NULL, value_type TEXT NOT NULL, bytes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS big_map_entries (
  id INTEGER NOT NULL, key_hash TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (id, key_hash));
CREATE TABLE IF NOT EXISTS blocks (
  level INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface AccountRow {
  balance: string;
  counter: string;
  manager: string | null;
  script: string | null;
  used_bytes: number | null;
  paid_bytes: number | null;
}

export class SqliteStore implements StateReader {
  private readonly db: Database.Database;
  private readonly q;
  private readonly accountCache = new Map<string, AccountRecord | undefined>();

  /** `path`: a database file, or ':memory:'. */
  constructor(path: string) {
    this.db = new Database(path, { timeout: 0 });
    try {
      // One node per data directory: the first write takes the lock for good.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      this.db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (e) {
      this.db.close();
      throw new Error(`Cannot open the sandbox state ${path}: ${(e as Error).message}`);
    }
    this.q = {
      account: this.db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE address = ?'),
      putAccount: this.db.prepare(
        'INSERT OR REPLACE INTO accounts VALUES (@address, @balance, @counter, @manager, @script, @used, @paid)',
      ),
      bigMap: this.db.prepare<[number], { key_type: string; value_type: string; bytes: string }>(
        'SELECT * FROM big_maps WHERE id = ?',
      ),
      putBigMap: this.db.prepare('INSERT OR REPLACE INTO big_maps VALUES (?, ?, ?, ?)'),
      setBytes: this.db.prepare('UPDATE big_maps SET bytes = ? WHERE id = ?'),
      delBigMap: this.db.prepare('DELETE FROM big_maps WHERE id = ?'),
      delEntries: this.db.prepare('DELETE FROM big_map_entries WHERE id = ?'),
      entry: this.db.prepare<[number, string], { key: string; value: string }>(
        'SELECT key, value FROM big_map_entries WHERE id = ? AND key_hash = ?',
      ),
      putEntry: this.db.prepare('INSERT OR REPLACE INTO big_map_entries VALUES (?, ?, ?, ?)'),
      delEntry: this.db.prepare('DELETE FROM big_map_entries WHERE id = ? AND key_hash = ?'),
      meta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      putMeta: this.db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)'),
      blockByLevel: this.db.prepare<[number], { json: string }>(
        'SELECT json FROM blocks WHERE level = ?',
      ),
      blockByHash: this.db.prepare<[string], { json: string }>(
        'SELECT json FROM blocks WHERE hash = ?',
      ),
      levelOfHash: this.db.prepare<[string], { level: number }>(
        'SELECT level FROM blocks WHERE hash = ?',
      ),
      head: this.db.prepare<[], { level: number; hash: string }>(
        'SELECT level, hash FROM blocks ORDER BY level DESC LIMIT 1',
      ),
      putBlock: this.db.prepare('INSERT INTO blocks VALUES (?, ?, ?)'),
    };
  }

  account(address: string): AccountRecord | undefined {
    if (this.accountCache.has(address)) return this.accountCache.get(address);
    const row = this.q.account.get(address);
    const rec: AccountRecord | undefined = row && {
      balance: BigInt(row.balance),
      counter: BigInt(row.counter),
      ...(row.manager ? { manager: row.manager } : {}),
      ...(row.script ? { script: JSON.parse(row.script) as { code: Expr[]; storage: Expr } } : {}),
      ...(row.used_bytes !== null ? { usedBytes: row.used_bytes } : {}),
      ...(row.paid_bytes !== null ? { paidBytes: row.paid_bytes } : {}),
    };
    this.accountCache.set(address, rec);
    return rec;
  }
  bigMapTypes(id: bigint): BigMapTypes | undefined {
    const row = this.q.bigMap.get(Number(id));
    return row && { keyType: JSON.parse(row.key_type), valueType: JSON.parse(row.value_type) };
  }
  bigMapEntry(id: bigint, keyHash: string): BigMapEntry | undefined {
    const row = this.q.entry.get(Number(id), keyHash);
    return row && { key: JSON.parse(row.key), value: JSON.parse(row.value) };
  }
  bigMapBytes(id: bigint): bigint {
    return BigInt(this.q.bigMap.get(Number(id))?.bytes ?? '0');
  }
  nextBigMapId(): bigint {
    return BigInt(this.getMeta('next_big_map_id') ?? '0');
  }

  getMeta(key: string): string | undefined {
    return this.q.meta.get(key)?.value;
  }
  setMeta(key: string, value: string): void {
    this.q.putMeta.run(key, value);
  }

  head(): { level: number; hash: string } | undefined {
    return this.q.head.get();
  }
  blockJson(id: { level: number } | { hash: string }): string | undefined {
    return 'level' in id
      ? this.q.blockByLevel.get(id.level)?.json
      : this.q.blockByHash.get(id.hash)?.json;
  }
  levelOf(hash: string): number | undefined {
    return this.q.levelOfHash.get(hash)?.level;
  }

  /** Write a block and the state changes it brings, atomically. */
  commitBlock(level: number, hash: string, json: string, changes: StateChanges): void {
    this.db.transaction(() => {
      this.writeChanges(changes);
      this.q.putBlock.run(level, hash, json);
    })();
  }

  private writeChanges(c: StateChanges): void {
    for (const [address, r] of c.accounts) {
      this.q.putAccount.run({
        address,
        balance: String(r.balance),
        counter: String(r.counter),
        manager: r.manager ?? null,
        script: r.script ? JSON.stringify(r.script) : null,
        used: r.usedBytes ?? null,
        paid: r.paidBytes ?? null,
      });
      this.accountCache.set(address, r);
    }
    for (const [id, t] of c.bigMaps) {
      this.q.delEntries.run(Number(id));
      if (t === null) this.q.delBigMap.run(Number(id));
      else
        this.q.putBigMap.run(
          Number(id),
          JSON.stringify(t.keyType),
          JSON.stringify(t.valueType),
          '0',
        );
    }
    for (const [id, m] of c.entries)
      for (const [h, e] of m) {
        if (e === null) this.q.delEntry.run(Number(id), h);
        else this.q.putEntry.run(Number(id), h, JSON.stringify(e.key), JSON.stringify(e.value));
      }
    for (const [id, b] of c.bigMapBytes) this.q.setBytes.run(String(b), Number(id));
    if (c.nextBigMapId !== undefined) this.setMeta('next_big_map_id', String(c.nextBigMapId));
  }

  close(): void {
    this.db.close();
  }
}
