/**
 * What the engine needs of a profile store: the shape `src/store/` provides
 * (an open, keyed, migrated SQLite connection and a transaction helper), as
 * types only, so that the engine depends on no particular store module.
 */

import type Database from 'better-sqlite3-multiple-ciphers';

export interface EngineStore {
  readonly db: Database.Database;
  transaction<T>(fn: () => T): T;
}

/** One versioned schema step, run by the store's migration runner. */
export interface EngineMigration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}
