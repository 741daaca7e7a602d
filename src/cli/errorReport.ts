/**
 * Turns any error into what the command line shows: one line on stderr and
 * an exit code (exitCodes.ts). Pure.
 *
 * Errors are recognised by their `name` and `code` (StoreError, EngineError,
 * ChainError, commander's own), so this module does not load the layers it
 * classifies. Security: the line is the error's own message, whose authors
 * keep secrets out of it; nothing else (arguments, causes) is added unless
 * --debug asks for the stack.
 */
import { CliError } from './cliError.js';
import { EXIT, type ExitCode } from './exitCodes.js';

/** Codes of StoreError, EngineError and ChainError, and where each leads. */
const BY_CODE: Readonly<Record<string, ExitCode>> = {
  // StoreError
  'wrong-passphrase': EXIT.locked,
  locked: EXIT.locked,
  'no-profile': EXIT.notFound,
  exists: EXIT.usage,
  'too-new': EXIT.profile,
  corrupt: EXIT.profile,
  'bad-backup': EXIT.profile,
  'no-passphrase': EXIT.usage,
  'passphrase-mismatch': EXIT.usage,
  'empty-passphrase': EXIT.usage,
  // EngineError
  'unknown-contact': EXIT.notFound,
  'unknown-identity': EXIT.notFound,
  'unknown-request': EXIT.notFound,
  'no-identity': EXIT.notFound,
  'not-registered': EXIT.notFound,
  'contact-exists': EXIT.usage,
  'identity-exists': EXIT.usage,
  'too-long': EXIT.usage,
  'invalid-key': EXIT.usage,
  'invalid-address': EXIT.usage,
  'invalid-argument': EXIT.usage,
  blocked: EXIT.usage,
  'bundle-changed': EXIT.verification,
  'bundle-forged': EXIT.verification,
  'forged-bundle': EXIT.verification,
  'insufficient-balance': EXIT.balance,
  'insufficient-funds': EXIT.balance,
  'post-failed': EXIT.rejected,
  // ChainError
  unreachable: EXIT.network,
  timeout: EXIT.network,
  malformed: EXIT.network,
  rejected: EXIT.rejected,
  dropped: EXIT.rejected,
  failed: EXIT.rejected,
};

/** Node's system error codes that mean the network is the problem. */
const NETWORK_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export interface ErrorReport {
  readonly exitCode: ExitCode;
  /** One line, without the `mizu: ` prefix. */
  readonly line: string;
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0]!.trim();
  return line.length > 0 ? line : 'unexpected error';
}

function isNetwork(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const { code, name, message, cause } = e as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && NETWORK_ERRNO.has(code)) return true;
  if (name === 'TimeoutError' || name === 'HttpRequestFailed') return true;
  if (name === 'TypeError' && message === 'fetch failed') return true;
  return isNetwork(cause, depth + 1);
}

export function reportError(e: unknown): ErrorReport {
  if (e instanceof CliError) return { exitCode: e.exitCode, line: firstLine(e.message) };
  const err = (e ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (typeof err.code === 'string') {
    if (err.code.startsWith('commander.'))
      return { exitCode: EXIT.usage, line: firstLine(message) };
    const mapped = BY_CODE[err.code];
    if (mapped !== undefined) return { exitCode: mapped, line: firstLine(message) };
  }
  if (isNetwork(e)) return { exitCode: EXIT.network, line: firstLine(message) };
  return { exitCode: EXIT.internal, line: firstLine(message) };
}
