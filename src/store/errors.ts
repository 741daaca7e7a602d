/**
 * The store's one error type, with a stable code the CLI and the engine can
 * branch on. Security note: messages are one line and name paths and causes,
 * never a passphrase, a key or database contents.
 */

export type StoreErrorCode =
  | 'wrong-passphrase'
  | 'locked'
  | 'no-profile'
  | 'exists'
  | 'too-new'
  | 'corrupt'
  | 'bad-backup'
  | 'no-passphrase'
  | 'passphrase-mismatch'
  | 'empty-passphrase';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The primary SQLite result code of a better-sqlite3 error ('SQLITE_BUSY' for 'SQLITE_BUSY_RECOVERY'), if any. */
export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  return code.split('_').slice(0, 2).join('_');
}
