/**
 * Operation-producing instructions: TRANSFER_TOKENS, SET_DELEGATE,
 * CREATE_CONTRACT, EMIT. They only build `operation` values; the caller
 * (sandbox) applies the list a contract returns.
 *
 * CREATE_CONTRACT computes the new contract's address as the protocol does
 * (origination_nonce.ml): KT1 = Blake2b-160(operation hash ‖ int32 index),
 * with the hash and the next index taken from the context.
 *
 * Not supported (refused at typecheck): passing big maps in a transfer or in
 * an originated contract's storage, which would need lazy-storage copies in
 * internal operations.
 */

import { blake2b } from '@noble/hashes/blake2.js';
import { originatedContract } from '../encoding.js';
import { UnsupportedError } from '../errors.js';
import { COST } from '../gas.js';
import { isSeq } from '../micheline.js';
import { typecheckScript } from '../script.js';
import { arity, fail, type Handler, peek, replaceTop, typeArg } from '../typecheck.js';
import { props, showType, T, typesEqual, unparseType } from '../types.js';
import type { AddressValue, ContractValue, KeyHashValue, Value } from '../values.js';

const TRANSFER_TOKENS: Handler = (node, stack) => {
  arity(node, 0);
  const [p, m, c] = peek(node, stack, 3);
  if (m!.prim !== 'mutez' || c!.prim !== 'contract' || !typesEqual(c.arg, p!))
    return fail(node, stack, 'TRANSFER_TOKENS needs parameter : mutez : contract parameter');
  if (props(p!).hasBigMap)
    throw new UnsupportedError('TRANSFER_TOKENS', 'big maps in internal transfers');
  const paramType = p!;
  return {
    out: replaceTop(stack, 3, T.operation),
    run: (s, rt) => {
      rt.gas.consume(COST.OPERATION);
      const param = s.pop() as Value;
      const amount = s.pop() as bigint;
      const dest = s.pop() as ContractValue;
      s.push({
        kind: 'operation',
        op: { type: 'transaction', destination: dest.address, amount, param, paramType },
      });
    },
  };
};

const SET_DELEGATE: Handler = (node, stack) => {
  arity(node, 0);
  const [d] = peek(node, stack, 1);
  if (d!.prim !== 'option' || d.arg.prim !== 'key_hash')
    fail(node, stack, 'SET_DELEGATE needs an option key_hash');
  return {
    out: replaceTop(stack, 1, T.operation),
    run: (s, rt) => {
      rt.gas.consume(COST.OPERATION);
      const o = s.pop() as { kind: 'none' } | { kind: 'some'; value: KeyHashValue };
      s.push({
        kind: 'operation',
        op: { type: 'delegation', delegate: o.kind === 'none' ? undefined : o.value },
      });
    },
  };
};

/** KT1 address of the index-th origination of an operation. */
export function originatedAddress(operationHash: Uint8Array, index: number): AddressValue {
  const buf = new Uint8Array(operationHash.length + 4);
  buf.set(operationHash, 0);
  new DataView(buf.buffer).setInt32(operationHash.length, index);
  return {
    kind: 'address',
    contract: originatedContract(blake2b(buf, { dkLen: 20 })),
    entrypoint: '',
  };
}

const CREATE_CONTRACT: Handler = (node, stack, env) => {
  const [code] = arity(node, 1);
  if (!isSeq(code!))
    return fail(node, stack, 'CREATE_CONTRACT needs a { parameter ; storage ; code } script');
  const script = typecheckScript(code, { legacy: env.legacy });
  const [d, m, st] = peek(node, stack, 3);
  if (
    d!.prim !== 'option' ||
    d.arg.prim !== 'key_hash' ||
    m!.prim !== 'mutez' ||
    !typesEqual(st!, script.storageType)
  )
    fail(
      node,
      stack,
      `CREATE_CONTRACT needs option key_hash : mutez : ${showType(script.storageType)}`,
    );
  if (props(script.storageType).hasBigMap)
    throw new UnsupportedError(
      'CREATE_CONTRACT',
      'big maps in the storage of an originated contract',
    );
  const storageType = script.storageType;
  return {
    out: replaceTop(stack, 3, T.address, T.operation),
    run: (s, rt) => {
      rt.gas.consume(COST.OPERATION);
      const o = s.pop() as { kind: 'none' } | { kind: 'some'; value: KeyHashValue };
      const amount = s.pop() as bigint;
      const storage = s.pop() as Value;
      const hash = rt.ctx.origination?.operationHash ?? new Uint8Array(32);
      const address = originatedAddress(hash, rt.shared.originationIndex++);
      const delegate = o.kind === 'none' ? undefined : o.value;
      s.push(address);
      s.push({
        kind: 'operation',
        op: { type: 'origination', address, delegate, amount, code, storage, storageType },
      });
    },
  };
};

const EMIT: Handler = (node, stack) => {
  const a = node.args ?? [];
  if (a.length > 1) arity(node, 1);
  const [top] = peek(node, stack, 1);
  const t = a.length === 1 ? typeArg(a[0], node) : top!;
  if (!typesEqual(t, top!)) fail(node, stack, `EMIT ${showType(t)} on a ${showType(top!)}`);
  const p = props(t);
  if (!p.packable || p.hasContract) fail(node, stack, `cannot emit a ${showType(t)}`);
  const tag = node.annots?.find((x) => x.startsWith('%'))?.slice(1) ?? '';
  const typeExpr = a.length === 1 ? a[0]! : unparseType(t);
  return {
    out: replaceTop(stack, 1, T.operation),
    run: (s, rt) => {
      rt.gas.consume(COST.OPERATION);
      s.push({
        kind: 'operation',
        op: {
          type: 'event',
          tag,
          eventType: t,
          eventTypeExpr: typeExpr,
          payload: s.pop() as Value,
        },
      });
    },
  };
};

export const operations: Record<string, Handler> = {
  TRANSFER_TOKENS,
  SET_DELEGATE,
  CREATE_CONTRACT,
  EMIT,
};
