/**
 * The Michelson interpreter's public surface, for the sandbox node and tools.
 * See contract.ts for the API and the other modules for the details.
 */

export type { BigMapStore } from './bigMaps.js';
export { InMemoryBigMapStore } from './bigMaps.js';
export type { ContractInfo, ExecutionContext } from './context.js';
export { DEFAULT_CONTEXT } from './context.js';
export type {
  Applied,
  ExecuteInput,
  ExecutionError,
  Failed,
  InternalOperation,
  Originated,
  OriginateInput,
  RunViewInput,
  Script,
  ViewResult,
} from './contract.js';
export {
  bigMapKeyHash,
  entrypointType,
  execute,
  normalizeData,
  originate,
  packData,
  runView,
  typecheckContract,
} from './contract.js';
export * from './errors.js';
export { BASE_COSTS, HARD_GAS_LIMIT_PER_OPERATION } from './gas.js';
export type { BigMapDiff, BigMapUpdate, LazyStorageDiffItem } from './lazyStorage.js';
export { binarySize, type Expr, type Prim, parseExpr, parseToplevel } from './micheline.js';
export { readableData } from './readable.js';
export { BIG_MAP_BYTES, BIG_MAP_ENTRY_BYTES, scriptSize } from './storageSize.js';
export { runTzt, type TztOptions, type TztVerdict } from './tzt.js';
export type { UnparseMode } from './unparse.js';
