/**
 * The protocol core's public surface: pure functions and plain records, no
 * I/O, no clock, randomness only through the `Random` arguments.
 * See docs/protocol.md for the formats and docs/architecture.md for the layers.
 */

export {
  type BundleContent,
  type BundleContext,
  decodeBundle,
  type SignedBundle,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
} from './bundle.js';
export {
  activeSessionId,
  type Conversation,
  createConversation,
  type DecryptResult,
  decryptEntry,
  type Encrypted,
  type EncryptOptions,
  encryptMessage,
} from './conversation.js';
export {
  type OpenedRequest,
  openRequest,
  REQUEST_BYTES,
  type RequestContext,
  sealRequest,
  verifyRequestSender,
} from './discovery.js';
export * from './errors.js';
export {
  dropExpiredPrekeys,
  generateIdentityKeys,
  generatePrekeySet,
  type IdentityKeys,
  type PrekeySet,
  rotatePrekey,
} from './identityKeys.js';
export { WIRE } from './labels.js';
export * from './limits.js';
export {
  DEFAULT_PADDING,
  type PaddingPolicy,
  pad,
  paddedLength,
  padmeLength,
  unpad,
} from './padding.js';
export { formatSafetyNumber, type SafetyParty, safetyNumber } from './safetyNumber.js';
export { decodeConversation, encodeConversation } from './stateCodec.js';
export { type AccountSigner, addressOfPublicKey, isImplicitAddress } from './tezosAccount.js';
export { decodeEntry, STEADY_OVERHEAD } from './wire/entry.js';
