/**
 * The chain adapter's one error type. Every failure the adapter reports to
 * the engine is a ChainError with a stable `code` to branch on.
 *
 * Security: messages name node URLs, operation hashes, Tezos addresses and
 * the node's error ids, never a secret key, a passphrase or plaintext. The
 * bytes of entries are not quoted either (they are opaque, but long).
 */

import type { InjectedOperation } from '../../ports/chain.js';

export type ChainErrorCode =
  /** No node answered usably (timeouts, 5xx, garbage) after the retries. */
  | 'unreachable'
  /** A node refused the operation (validation or simulation failed). */
  | 'rejected'
  /** The account cannot pay the fee and storage burn. */
  | 'insufficient-funds'
  /** The operation needs a registered user (the caller, or a request's recipient). */
  | 'not-registered'
  /** The operation was never included and can no longer be (expired, or its counter was used). */
  | 'dropped'
  /** Included in a block, but its application failed: nothing it did stayed. */
  | 'failed'
  /** A wait gave up (deadline, or its AbortSignal). */
  | 'timeout'
  /** A node answered something that is not what the RPC or the contract's views return. */
  | 'malformed'
  /** A node served a bundle that fails verification: the node (or the path to it) lies. */
  | 'forged-bundle'
  /** The caller passed something out of the contract's bounds (detected before sending). */
  | 'invalid-argument';

export class ChainError extends Error {
  readonly code: ChainErrorCode;
  /**
   * When the outcome of an injection is unknown (a node may have accepted it
   * before the connection failed), the signed operation: pass it to
   * `status()` / `waitForInclusion()` rather than injecting again.
   */
  readonly operation?: InjectedOperation;
  /** The node's error ids, and FAILWITH strings of the contract (e.g. MIZU_NOT_REGISTERED). */
  readonly errors: readonly string[];
  /** The address concerned, for 'forged-bundle' and 'not-registered'. */
  readonly address?: string;

  constructor(
    code: ChainErrorCode,
    message: string,
    details: { operation?: InjectedOperation; errors?: readonly string[]; address?: string } = {},
  ) {
    super(message);
    this.name = 'ChainError';
    this.code = code;
    this.errors = details.errors ?? [];
    if (details.operation) this.operation = details.operation;
    if (details.address) this.address = details.address;
  }
}

/** The code for a refusal, from the node's error ids and the contract's FAILWITH strings. */
export function refusalCode(errors: readonly string[]): ChainErrorCode {
  if (errors.some((e) => e === 'MIZU_NOT_REGISTERED' || e === 'MIZU_RECIPIENT_NOT_REGISTERED'))
    return 'not-registered';
  if (
    errors.some((e) =>
      /balance_too_low|empty_implicit_contract|subtraction_underflow|cannot_pay_storage_fee/.test(
        e,
      ),
    )
  )
    return 'insufficient-funds';
  return 'rejected';
}
