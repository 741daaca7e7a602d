/**
 * Taquito's and the pool's failures during estimation and preparation, as
 * ChainErrors: the node's error ids and the contract's FAILWITH strings are
 * kept, and decide the code (not-registered, insufficient-funds, rejected).
 */

import { HttpResponseError } from '@taquito/http-utils';
import { TezosOperationError } from '@taquito/taquito';
import { ChainError, refusalCode } from './errors.js';
import { NodeRefusal, tezosErrors } from './nodePool.js';
import { errorStrings } from './operationOutcome.js';

/** A Taquito or pool failure during estimate/prepare, as a ChainError. */
export function asChainError(e: unknown, doing: string): ChainError {
  if (e instanceof ChainError) return e;
  if (e instanceof TezosOperationError) {
    const errs = [
      ...e.errors.map((x) => String(x.id)),
      ...(typeof e.message === 'string' && /^MIZU_[A-Z_]+$/.test(e.message) ? [e.message] : []),
    ];
    const code = refusalCode(errs);
    return new ChainError(code, `Cannot ${doing}: refused (${errs.join(', ')})`, { errors: errs });
  }
  if (e instanceof HttpResponseError || e instanceof NodeRefusal) {
    const list = tezosErrors(e instanceof NodeRefusal ? e.text : e.body) ?? [];
    const errs = errorStrings(list);
    return new ChainError(
      refusalCode(errs),
      `Cannot ${doing}: the node answered ${e.status}${errs.length ? ` (${errs.join(', ')})` : ''}`,
      { errors: errs },
    );
  }
  return new ChainError('rejected', `Cannot ${doing}: ${(e as Error)?.message ?? String(e)}`);
}
