/**
 * Micheline in the node's Readable unparsing mode (the default of the
 * context RPCs and of `unparsing_mode: "Readable"`): addresses, keys and
 * timestamps as strings, combs as nested Pair. Stored data is Optimized;
 * this converts it, big maps staying as their ids.
 */

import { storeTypes } from '../michelson/bigMaps.js';
import { parseData } from '../michelson/data.js';
import type { Expr } from '../michelson/index.js';
import { parseType } from '../michelson/types.js';
import { unparseData } from '../michelson/unparse.js';
import { bigMapStoreOf, type StateReader } from './state.js';

/** `data` of type `type` in Readable form (`state` resolves big-map ids). */
export function readable(data: Expr, type: Expr, state: StateReader): Expr {
  const t = parseType(type);
  const store = bigMapStoreOf(state);
  const v = parseData(data, t, { bigMapTypes: (id) => storeTypes(store, id) });
  return unparseData(v, t, 'readable');
}
