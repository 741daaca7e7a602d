/**
 * The engine's typed error. Every failure the engine reports to the CLI/TUI
 * is an EngineError with a stable `code`; messages name the contact or
 * identity concerned and never contain a secret (passphrase, secret key,
 * plaintext).
 */

export type EngineErrorCode =
  | 'unknown-contact'
  | 'unknown-identity'
  | 'unknown-request'
  | 'contact-exists'
  | 'identity-exists'
  | 'bundle-changed'
  | 'bundle-forged'
  | 'not-registered'
  | 'no-identity'
  | 'insufficient-balance'
  | 'too-long'
  | 'invalid-key'
  | 'invalid-address'
  | 'blocked'
  | 'post-failed';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'EngineError';
  }
}
