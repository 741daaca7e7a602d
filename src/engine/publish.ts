/**
 * Publishing an identity's key bundle: signed for its current prekey and
 * registered on chain, once (idempotent: nothing is sent when the bundle on
 * chain is already the current one). Ed25519 signatures are deterministic,
 * so the same keys always give the same bundle bytes.
 */

import type { ChainWriter } from '../ports/chain.js';
import { signBundle } from '../protocol/index.js';
import { sameBundleBytes } from './bundles.js';
import { type EngineContext, errorCode } from './context.js';
import { EngineError } from './errors.js';
import { getIdentity, type IdentityRecord, setPublishedBundle } from './identityStore.js';
import type { OpProgress } from './types.js';

export async function currentBundle(ctx: EngineContext, id: IdentityRecord): Promise<Uint8Array> {
  const { contract, chainId } = await ctx.bundleContext();
  const account = await ctx.signers.get(id.secretKey);
  const prekey = id.keys.prekeys[0];
  if (!prekey) throw new Error(`Identity ${id.name} has no prekey`);
  return signBundle(
    {
      accountPublicKey: id.publicKey,
      contract,
      chainId,
      identityKey: id.keys.identity.publicKey,
      signedPrekey: prekey.prekey.publicKey,
      prekeyEpoch: prekey.epoch,
      kemPublicKey: prekey.kem?.publicKey ?? null,
    },
    account.signer,
  );
}

/** True when the bundle recorded as published is the current one. */
export async function isPublished(ctx: EngineContext, id: IdentityRecord): Promise<boolean> {
  return sameBundleBytes(id.publishedBundle, await currentBundle(ctx, id));
}

export function chainFailure(e: unknown, what: string): Error {
  const code = errorCode(e);
  if (code === 'insufficient-funds')
    return new EngineError('insufficient-balance', `${what}: the account cannot pay the fee`, {
      cause: e,
    });
  if (code === 'not-registered')
    return new EngineError('not-registered', `${what}: not registered on the Mizu contract`, {
      cause: e,
    });
  return e instanceof Error ? e : new Error(String(e));
}

/** Registers the current bundle unless it is already the one on chain. */
export async function publish(
  ctx: EngineContext,
  address: string,
  writer: ChainWriter,
): Promise<OpProgress> {
  const id = getIdentity(ctx.store.db, address);
  if (!id) throw new EngineError('unknown-identity', `No identity ${address}`);
  const bytes = await currentBundle(ctx, id);
  if (sameBundleBytes(id.publishedBundle, bytes)) return { hash: null, state: 'included' };
  const onChain = await ctx.chain.getUser(address, 'writes');
  if (onChain && sameBundleBytes(onChain.bundle, bytes)) {
    setPublishedBundle(ctx.store.db, address, bytes);
    return { hash: null, state: 'included' };
  }
  for (let attempt = 1; ; attempt++) {
    let op: Awaited<ReturnType<ChainWriter['inject']>>;
    try {
      op = await writer.inject({ kind: 'register', bundle: bytes });
    } catch (e) {
      const known = (e as { operation?: typeof op }).operation;
      if (!known) throw chainFailure(e, `Publishing the bundle of ${id.name}`);
      op = known;
    }
    try {
      const { level } = await writer.waitForInclusion(op);
      setPublishedBundle(ctx.store.db, address, bytes);
      return { hash: op.hash, state: 'included', level };
    } catch (e) {
      const st = await writer.status(op).catch(() => null);
      if (st?.state === 'included') {
        setPublishedBundle(ctx.store.db, address, bytes);
        return { hash: op.hash, state: 'included', level: st.level };
      }
      if (attempt >= 3) throw chainFailure(e, `Publishing the bundle of ${id.name}`);
    }
  }
}
