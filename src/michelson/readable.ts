/**
 * Stored data (Optimized Micheline, big maps as ids) in the node's Readable
 * unparsing mode: addresses, keys and timestamps as strings, combs as nested
 * Pair. `bigMaps` resolves the key and value types of the ids in `data`.
 */

import { type BigMapStore, storeTypes } from './bigMaps.js';
import { parseData } from './data.js';
import type { Expr } from './micheline.js';
import { parseType } from './types.js';
import { unparseData } from './unparse.js';

export function readableData(data: Expr, type: Expr, bigMaps: BigMapStore): Expr {
  const t = parseType(type);
  const v = parseData(data, t, { bigMapTypes: (id) => storeTypes(bigMaps, id) });
  return unparseData(v, t, 'readable');
}
