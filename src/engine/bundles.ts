/**
 * Contacts' key bundles as the engine uses them: fetched through the chain
 * port and verified by the protocol core (a lying node cannot substitute
 * keys), then compared with what we hold to tell a prekey rotation (same
 * account and identity key: adopted silently) from a change of identity
 * (flagged; sending asks for confirmation).
 */

import type { ChainReader, IsolationGroup } from '../ports/chain.js';
import {
  type BundleContent,
  ProtocolError,
  type VerifiedBundle,
  verifyBundle,
} from '../protocol/index.js';
import { EngineError } from './errors.js';

export interface BundleContext {
  readonly contract: string;
  readonly chainId: string;
}

/** Verifies bundle bytes found under `address`; a failure is 'bundle-forged' naming the contact. */
export function verifiedBundle(
  bytes: Uint8Array,
  address: string,
  ctx: BundleContext,
  label: string,
): VerifiedBundle {
  try {
    return verifyBundle(bytes, { address, contract: ctx.contract, chainId: ctx.chainId });
  } catch (e) {
    if (e instanceof ProtocolError) {
      throw new EngineError(
        'bundle-forged',
        `The key bundle of ${label} does not verify (${e.code}): refusing to use it`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** Fetches and verifies the bundle of `address`; 'not-registered' when there is none. */
export async function fetchBundle(
  chain: ChainReader,
  address: string,
  ctx: BundleContext,
  label: string,
  group: IsolationGroup,
): Promise<{ bytes: Uint8Array; bundle: VerifiedBundle }> {
  const user = await chain.getUser(address, group);
  if (!user) {
    throw new EngineError('not-registered', `${label} has not published a Mizu key bundle`);
  }
  return { bytes: user.bundle, bundle: verifiedBundle(user.bundle, address, ctx, label) };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Same person: same account key and same identity key (a prekey rotation keeps both). */
export function sameIdentity(a: BundleContent, b: BundleContent): boolean {
  return a.accountPublicKey === b.accountPublicKey && sameBytes(a.identityKey, b.identityKey);
}

export function sameBundleBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && sameBytes(a, b);
}
