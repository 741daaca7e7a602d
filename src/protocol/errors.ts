/**
 * Typed errors of the protocol core.
 *
 * Every failure the core can report is one of these classes, each with a stable
 * `code` so that callers (engine, CLI) can branch on it and tests can assert it.
 * Messages are written for humans and never contain key material or plaintext.
 * Decryption failures stay deliberately generic: which check failed is not
 * something a caller (or an attacker probing a client) needs to learn.
 */

export type ProtocolErrorCode =
  | 'MALFORMED'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_ARGUMENT'
  | 'BUNDLE_ADDRESS_MISMATCH'
  | 'BUNDLE_BAD_SIGNATURE'
  | 'BUNDLE_WRONG_CONTRACT'
  | 'BUNDLE_WRONG_CHAIN'
  | 'BUNDLE_UNSUPPORTED_KEY'
  | 'DECRYPTION_FAILED'
  | 'DUPLICATE_MESSAGE'
  | 'TOO_MANY_SKIPPED'
  | 'NO_SENDING_SESSION'
  | 'REQUEST_BAD_PROOF';

/** Base class: every error the protocol core throws is a ProtocolError. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bytes that do not parse as the format they claim to be (short, long, bad field). */
export class MalformedError extends ProtocolError {
  constructor(what: string, reason: string) {
    super('MALFORMED', `Cannot parse ${what}: ${reason}`);
  }
}

/** A well-formed envelope whose version byte this client does not implement. */
export class UnsupportedVersionError extends ProtocolError {
  constructor(what: string, version: number) {
    super(
      'UNSUPPORTED_VERSION',
      `Cannot read ${what}: version byte 0x${hex2(version)} is not supported`,
    );
  }
}

/** A caller passed a value outside the documented domain (wrong length, out of range). */
export class InvalidArgumentError extends ProtocolError {
  constructor(parameter: string, reason: string) {
    super('INVALID_ARGUMENT', `Invalid ${parameter}: ${reason}`);
  }
}

export class BundleAddressMismatchError extends ProtocolError {
  constructor(claimed: string) {
    super(
      'BUNDLE_ADDRESS_MISMATCH',
      `Cannot use the key bundle of ${claimed}: its public key does not hash to that address`,
    );
  }
}

export class BundleBadSignatureError extends ProtocolError {
  constructor(claimed: string) {
    super(
      'BUNDLE_BAD_SIGNATURE',
      `Cannot use the key bundle of ${claimed}: the account's signature does not verify`,
    );
  }
}

export class BundleWrongContractError extends ProtocolError {
  constructor(claimed: string, found: string, expected: string) {
    super(
      'BUNDLE_WRONG_CONTRACT',
      `Cannot use the key bundle of ${claimed}: it was made for contract ${found}, not ${expected}`,
    );
  }
}

export class BundleWrongChainError extends ProtocolError {
  constructor(claimed: string, found: string, expected: string) {
    super(
      'BUNDLE_WRONG_CHAIN',
      `Cannot use the key bundle of ${claimed}: it was made for chain ${found}, not ${expected}`,
    );
  }
}

export class BundleUnsupportedKeyError extends ProtocolError {
  constructor(reason: string) {
    super('BUNDLE_UNSUPPORTED_KEY', `Cannot use this account key for a bundle: ${reason}`);
  }
}

/** An entry addressed to us (a key matched) that failed authentication. Generic on purpose. */
export class DecryptionFailedError extends ProtocolError {
  constructor() {
    super('DECRYPTION_FAILED', 'Cannot decrypt the message: authentication failed');
  }
}

/** A message whose key was already used: it was delivered before. */
export class DuplicateMessageError extends ProtocolError {
  constructor() {
    super('DUPLICATE_MESSAGE', 'Cannot decrypt the message: it was already received');
  }
}

/** Opening the message would require skipping more keys than the limits allow. */
export class TooManySkippedError extends ProtocolError {
  constructor(needed: number, allowed: number) {
    super(
      'TOO_MANY_SKIPPED',
      `Cannot decrypt the message: it needs ${needed} skipped keys, more than the limit of ${allowed}`,
    );
  }
}

export class NoSendingSessionError extends ProtocolError {
  constructor() {
    super(
      'NO_SENDING_SESSION',
      'Cannot encrypt: this conversation has no session that can send yet',
    );
  }
}

export class RequestBadProofError extends ProtocolError {
  constructor(claimed: string) {
    super(
      'REQUEST_BAD_PROOF',
      `Cannot accept the discovery request: its proof does not show that ${claimed} sent it`,
    );
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
