/**
 * Fixtures for the store tests: throwaway profile directories and a small
 * engine-agnostic schema (the real one belongs to the engine).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Migration } from '../../src/store/index.js';

/** A fresh directory under the OS temp dir; `home` inside it does not exist yet. */
export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const V1: Migration = {
  version: 1,
  description: 'notes and secrets',
  up: (db) => {
    db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
             CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  },
};

export const V2: Migration = {
  version: 2,
  description: 'notes get a date',
  up: (db) => {
    db.exec(`ALTER TABLE notes ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
             CREATE INDEX notes_at ON notes (at)`);
  },
};

export const PASSPHRASE = 'correct horse battery staple';
