/**
 * Bundle verification at the chain boundary: the bundle bytes a node serves
 * are only a claim. `verifiedBundleOf` runs the protocol core's
 * `verifyBundle` (signature by the account key, address, contract and chain)
 * and also checks that the account key the contract holds is the one inside
 * the bundle. A failure is a ChainError 'forged-bundle' naming the address:
 * the node, or the path to it, served something the account never signed.
 */

import type { ChainUser } from '../../ports/chain.js';
import {
  decodeBundle,
  ProtocolError,
  type VerifiedBundle,
  verifyBundle,
} from '../../protocol/index.js';
import { ChainError } from './errors.js';

export function verifiedBundleOf(
  user: ChainUser,
  context: { readonly contract: string; readonly chainId: string },
): VerifiedBundle {
  try {
    const verified = verifyBundle(user.bundle, { address: user.address, ...context });
    if (decodeBundle(user.bundle).accountPublicKey !== user.publicKey)
      throw new ChainError(
        'forged-bundle',
        `The bundle served for ${user.address} names another account key than the contract holds: a node may be lying`,
        { address: user.address },
      );
    return verified;
  } catch (e) {
    if (e instanceof ProtocolError)
      throw new ChainError(
        'forged-bundle',
        `The bundle served for ${user.address} fails verification (${e.code}): a node may be lying`,
        { address: user.address },
      );
    throw e;
  }
}
