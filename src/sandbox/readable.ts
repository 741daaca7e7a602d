/**
 * Micheline in the node's Readable unparsing mode (the default of the
 * context RPCs and of `unparsing_mode: "Readable"`): addresses, keys and
 * timestamps as strings, combs as nested Pair. Stored data is Optimized;
 * this converts it, big maps staying as their ids.
 */

import { type Expr, readableData } from '../michelson/index.js';
import { bigMapStoreOf, type StateReader } from './state.js';

/** `data` of type `type` in Readable form (`state` resolves big-map ids). */
export function readable(data: Expr, type: Expr, state: StateReader): Expr {
  return readableData(data, type, bigMapStoreOf(state));
}
