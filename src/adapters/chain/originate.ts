/**
 * Originating the Mizu contract (`mizu contract deploy`): Taquito's
 * origination, through the node pool as isolation group `writes`, with
 * empty big maps as initial storage. Resolves once the origination is
 * included (one block), with the new KT1 address.
 *
 * Security: the secret key goes to Taquito's InMemorySigner only; errors
 * name the node's error ids, never the key.
 */

import { InMemorySigner } from '@taquito/signer';
import { TezosToolkit } from '@taquito/taquito';
import type { Random } from '../../ports/random.js';
import { systemRandom } from '../systemRandom.js';
import { ChainError } from './errors.js';
import { pooledRpcClient } from './httpBackend.js';
import { NodePool } from './nodePool.js';
import { parseSocks5 } from './socks.js';

/** The contract's storage at origination: four empty big maps, `Pair {} {} {} {}`. */
export const MIZU_INITIAL_STORAGE = { prim: 'Pair', args: [[], [], [], []] };

export interface Originated {
  readonly contract: string;
  readonly operation: string;
  readonly level: number;
}

export async function originateMizu(options: {
  readonly urls: readonly string[];
  readonly secretKey: string;
  /** The Michelson source of contracts/mizu.tz. */
  readonly code: string;
  readonly socks5?: string;
  readonly timeoutMs?: number;
  readonly random?: Random;
}): Promise<Originated> {
  const socks5 = options.socks5 ? parseSocks5(options.socks5) : undefined;
  const pool = new NodePool({
    urls: options.urls,
    random: options.random ?? systemRandom,
    ...(socks5 ? { socks5 } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  let signer: InMemorySigner;
  try {
    signer = await InMemorySigner.fromSecretKey(options.secretKey);
  } catch {
    throw new ChainError('invalid-argument', 'Cannot use the deploy key: not a Tezos secret key');
  }
  const tz = new TezosToolkit(pooledRpcClient(pool, 'writes'));
  tz.setProvider({ signer });
  try {
    const op = await tz.contract.originate({ code: options.code, init: MIZU_INITIAL_STORAGE });
    const level = await op.confirmation(1);
    if (!op.contractAddress) throw new Error('no originated address in the result');
    return { contract: op.contractAddress, operation: op.hash, level: level ?? 0 };
  } catch (e) {
    if (e instanceof ChainError) throw e;
    const err = e as { message?: string; errors?: { id?: string }[] };
    const ids = (err.errors ?? []).map((x) => String(x.id));
    const text = ids.join(', ') || String(err.message ?? e);
    throw new ChainError(
      /balance_too_low|empty_implicit_contract|subtraction_underflow/.test(text)
        ? 'insufficient-funds'
        : 'rejected',
      `Cannot originate the Mizu contract: ${text.slice(0, 300)}`,
      { errors: ids },
    );
  } finally {
    pool.close();
  }
}
