/**
 * The engine's public surface, for the CLI and the TUI (docs/engine.md).
 */

export type { Account } from './account.js';
export {
  Engine,
  type EngineDeps,
  MAX_ENTRY_BYTES,
  PENDING_REQUEST_PREKEY_HOLD_MS,
  PREKEY_ROTATION_MS,
  type RunOptions,
  type SendOptions,
} from './engine.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export { MIGRATIONS } from './schema.js';
export type { EngineMigration, EngineStore } from './storeShape.js';
export type {
  ContactInfo,
  DeliveryProgress,
  DeliveryState,
  EngineEvent,
  EngineStatus,
  IdentityInfo,
  MessageInfo,
  OpProgress,
  RequestInfo,
  SyncProgress,
  SyncReport,
} from './types.js';
