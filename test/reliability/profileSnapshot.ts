/**
 * Every row of a profile's database as comparable data (tests): blobs as
 * hex, rows sorted. Columns that the test expects to move (cursors, junk
 * counters) can be left out, so that "nothing changed but the counters" is
 * one deepEqual.
 */

import type { Store } from '../../src/store/index.js';

export type Snapshot = Record<string, Record<string, unknown>[]>;

export function snapshot(store: Store, ignore: Readonly<Record<string, string[]>> = {}): Snapshot {
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  const out: Snapshot = {};
  for (const { name } of tables.sort((x, y) => x.name.localeCompare(y.name))) {
    const rows = store.db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
    out[name] = rows
      .map((r) =>
        Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => !ignore[name]?.includes(k))
            .map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v]),
        ),
      )
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }
  return out;
}
