/**
 * The address registry: INDEX_ADDRESS (register an address, or find it, and
 * push its index) and GET_ADDRESS_INDEX (its index if registered). Indexes
 * are handed out in order from the context's registry size; entrypoints are
 * ignored. New registrations are kept in the execution's shared state and
 * reported to the caller, which persists them.
 */

import { addressToString } from '../encoding.js';
import { COST } from '../gas.js';
import type { Runtime } from '../interpreter.js';
import { arity, fail, type Handler, peek, replaceTop } from '../typecheck.js';
import { T } from '../types.js';
import { type AddressValue, NONE, some } from '../values.js';

function lookup(rt: Runtime, key: string): bigint | undefined {
  return rt.shared.registered.get(key) ?? rt.ctx.addressIndex?.(key);
}

function handler(name: string, run: (rt: Runtime, key: string) => unknown, ret = T.nat): Handler {
  return (node, stack) => {
    arity(node, 0);
    const [a] = peek(node, stack, 1);
    if (a.prim !== 'address') fail(node, stack, `${name} needs an address`);
    return {
      out: replaceTop(stack, 1, ret),
      run: (s, rt) => {
        rt.gas.consume(COST.BIG_MAP_READ);
        const addr = s.pop() as AddressValue;
        s.push(run(rt, addressToString({ contract: addr.contract, entrypoint: '' })) as bigint);
      },
    };
  };
}

const INDEX_ADDRESS = handler('INDEX_ADDRESS', (rt, key) => {
  const known = lookup(rt, key);
  if (known !== undefined) return known;
  rt.gas.consume(COST.BIG_MAP_WRITE);
  const index = (rt.ctx.addressRegistrySize ?? 0n) + BigInt(rt.shared.registered.size);
  rt.shared.registered.set(key, index);
  return index;
});

const GET_ADDRESS_INDEX = handler(
  'GET_ADDRESS_INDEX',
  (rt, key) => {
    const i = lookup(rt, key);
    return i === undefined ? NONE : some(i);
  },
  T.option(T.nat),
);

export const registry: Record<string, Handler> = { INDEX_ADDRESS, GET_ADDRESS_INDEX };
