/**
 * Versioned schema migrations over PRAGMA user_version. The engine owns the
 * schema and hands its list here; the runner applies the pending ones, in
 * order, in one transaction (all or none), and refuses a database written by
 * a newer Mizu ('too-new') rather than guess at its schema.
 */

import type Database from 'better-sqlite3-multiple-ciphers';
import { StoreError } from './errors.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

/** Checks the list is 1, 2, …, n (a programming error otherwise). */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(
        `migration #${i} has version ${m.version}; versions must be 1, 2, 3, … in order`,
      );
    }
  });
}

/** The schema version stored in the database (0 for a new one). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the database's version in one
 * transaction and returns the new version. `where` names the profile in errors.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  where: string,
): number {
  checkMigrations(migrations);
  const known = migrations.length;
  const current = schemaVersion(db);
  if (current > known) {
    throw new StoreError(
      'too-new',
      `The profile in ${where} has schema version ${current}, newer than this Mizu knows (${known}); upgrade Mizu`,
    );
  }
  if (current === known) return current;
  db.transaction(() => {
    for (const m of migrations.slice(current)) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return known;
}
