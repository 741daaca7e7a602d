/**
 * A MizuOperation as the contract call Taquito sends: entrypoint and
 * Micheline parameter, after checking the contract's bounds (so that an
 * out-of-bounds call is refused here, before any request).
 */

import type { MizuOperation } from '../../ports/chain.js';
import { ChainError } from './errors.js';
import { BOUNDS, entrypointParameter } from './views.js';

export function transferParams(contract: string, publicKey: string, op: MizuOperation) {
  const call = (entrypoint: string, value: unknown) => ({
    to: contract,
    amount: 0,
    mutez: true,
    parameter: { entrypoint, value: value as never },
  });
  switch (op.kind) {
    case 'register':
      if (op.bundle.length < 1 || op.bundle.length > BOUNDS.bundleBytes)
        throw new ChainError('invalid-argument', `A bundle has 1 to ${BOUNDS.bundleBytes} bytes`);
      return call('register', entrypointParameter.register(publicKey, op.bundle));
    case 'post':
      if (op.entries.length < 1 || op.entries.length > BOUNDS.entriesPerPost)
        throw new ChainError(
          'invalid-argument',
          `A post has 1 to ${BOUNDS.entriesPerPost} entries`,
        );
      if (op.entries.some((e) => e.length < 1 || e.length > BOUNDS.entryBytes))
        throw new ChainError('invalid-argument', `An entry has 1 to ${BOUNDS.entryBytes} bytes`);
      return call('post', entrypointParameter.post(op.entries));
    case 'request':
      if (op.sealed.length < 1 || op.sealed.length > BOUNDS.requestBytes)
        throw new ChainError('invalid-argument', `A request has 1 to ${BOUNDS.requestBytes} bytes`);
      if (!/^(tz[1-4]|KT1)[1-9A-HJ-NP-Za-km-z]{33}$/.test(op.recipient))
        throw new ChainError('invalid-argument', 'The recipient is not a Tezos address');
      return call('request', entrypointParameter.request(op.recipient, op.sealed));
  }
}
