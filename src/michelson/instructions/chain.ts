/**
 * The chain as seen by a script: SENDER, SOURCE, NOW, AMOUNT, BALANCE, SELF,
 * SELF_ADDRESS, CHAIN_ID, LEVEL, MIN_BLOCK_TIME, TOTAL_VOTING_POWER,
 * VOTING_POWER, ADDRESS, IMPLICIT_ACCOUNT, IS_IMPLICIT_ACCOUNT, CONTRACT, VIEW.
 *
 * Values come from the Runtime (interpreter.ts), itself built from the
 * caller's ExecutionContext. Other contracts are looked up through
 * `ctx.contract(address)`; their parameter types, views and storage are
 * parsed once per execution.
 */

import { storeTypes } from '../bigMaps.js';
import type { ContractInfo } from '../context.js';
import { parseData } from '../data.js';
import { addressToString, keyHashToString } from '../encoding.js';
import { type Entrypoints, entrypointsOf, findEntrypoint } from '../entrypoints.js';
import { COST } from '../gas.js';
import type { Runtime } from '../interpreter.js';
import { fieldAnnot, isString } from '../micheline.js';
import { arity, fail, type Handler, peek, replaceTop, typeArg } from '../typecheck.js';
import { type MType, parseType, props, showType, T, typesEqual } from '../types.js';
import {
  type AddressValue,
  type ContractValue,
  type KeyHashValue,
  NONE,
  some,
  type Value,
} from '../values.js';
import {
  checkViewName,
  runTypedView,
  type TypedView,
  typecheckViews,
  viewTypeAllowed,
} from '../views.js';

function push(t: MType, get: (rt: Runtime) => Value, cost: number = COST.INSTR): Handler {
  return (node, stack) => {
    arity(node, 0);
    return {
      out: [...stack, t],
      run: (s, rt) => {
        rt.gas.consume(cost);
        s.push(get(rt));
      },
    };
  };
}

interface ParsedContract {
  readonly param: MType;
  readonly entrypoints: Entrypoints;
  views?: Map<string, TypedView>;
  storageType?: MType;
  storage?: Value;
}

function parsedContract(rt: Runtime, info: ContractInfo): ParsedContract {
  let p = rt.shared.scripts.get(info) as ParsedContract | undefined;
  if (p === undefined) {
    const param = parseType(info.parameter);
    p = { param, entrypoints: entrypointsOf(param) };
    rt.shared.scripts.set(info, p);
  }
  return p;
}

/** Parameter type of `address` at its entrypoint, for `contract` data (UNPACK, TZT). */
export function contractTypeLookup(rt: Runtime): (a: AddressValue) => MType | undefined {
  return (a) => {
    if (a.contract[0] !== 1) return undefined;
    const info = rt.ctx.contract?.(addressToString({ contract: a.contract, entrypoint: '' }));
    if (!info) return undefined;
    return findEntrypoint(parsedContract(rt, info).entrypoints, a.entrypoint)?.type;
  };
}

/** CONTRACT's lookup: the contract value, or undefined. */
export function lookupContract(
  rt: Runtime,
  addr: AddressValue,
  annot: string,
  t: MType,
): ContractValue | undefined {
  if (annot !== '' && addr.entrypoint !== '') return undefined;
  const entrypoint = annot !== '' ? annot : addr.entrypoint;
  const address: AddressValue = { kind: 'address', contract: addr.contract, entrypoint };
  switch (addr.contract[0]) {
    case 0: // implicit accounts take unit (and tickets) on their default entrypoint
      if (entrypoint !== '' || (t.prim !== 'unit' && t.prim !== 'ticket')) return undefined;
      return { kind: 'contract', address, paramType: t };
    case 1: {
      const info = rt.ctx.contract?.(addressToString({ contract: addr.contract, entrypoint: '' }));
      if (!info) return undefined;
      const ep = findEntrypoint(parsedContract(rt, info).entrypoints, entrypoint);
      if (!ep || !typesEqual(ep.type, t)) return undefined;
      return { kind: 'contract', address, paramType: t };
    }
    default:
      return undefined;
  }
}

const SELF: Handler = (node, stack, env) => {
  arity(node, 0);
  if (!env.self) return fail(node, stack, 'SELF is not allowed in lambdas and views');
  const name = fieldAnnot(node) ?? '';
  const ep = findEntrypoint(env.self.entrypoints, name);
  if (!ep) return fail(node, stack, `no entrypoint %${name}`);
  const entrypoint = name === 'default' ? '' : name;
  const paramType = ep.type;
  return {
    out: [...stack, T.contract(paramType)],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push({ kind: 'contract', address: { ...rt.self, entrypoint }, paramType });
    },
  };
};

const ADDRESS: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'contract') fail(node, stack, 'ADDRESS needs a contract');
  return {
    out: replaceTop(stack, 1, T.address),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      s.push((s.pop() as ContractValue).address);
    },
  };
};

const IMPLICIT_ACCOUNT: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'key_hash') fail(node, stack, 'IMPLICIT_ACCOUNT needs a key_hash');
  return {
    out: replaceTop(stack, 1, T.contract(T.unit)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const kh = (s.pop() as KeyHashValue).bytes;
      const contract = new Uint8Array(22);
      contract.set(kh, 1);
      s.push({
        kind: 'contract',
        address: { kind: 'address', contract, entrypoint: '' },
        paramType: T.unit,
      });
    },
  };
};

const IS_IMPLICIT_ACCOUNT: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'address') fail(node, stack, 'IS_IMPLICIT_ACCOUNT needs an address');
  return {
    out: replaceTop(stack, 1, T.option(T.keyHash)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const a = s.pop() as AddressValue;
      s.push(
        a.contract[0] === 0 ? some({ kind: 'key_hash', bytes: a.contract.slice(1, 22) }) : NONE,
      );
    },
  };
};

const CONTRACT: Handler = (node, stack) => {
  const t = typeArg(arity(node, 1)[0], node);
  if (!props(t).passable) fail(node, stack, `a contract cannot take ${showType(t)}`);
  const [a] = peek(node, stack, 1);
  if (a!.prim !== 'address') fail(node, stack, 'CONTRACT needs an address');
  const annot = fieldAnnot(node) ?? '';
  if (annot === 'default') fail(node, stack, 'use CONTRACT without annotation for %default');
  return {
    out: replaceTop(stack, 1, T.option(T.contract(t))),
    run: (s, rt) => {
      rt.gas.consume(COST.CONTRACT);
      const c = lookupContract(rt, s.pop() as AddressValue, annot, t);
      s.push(c === undefined ? NONE : some(c));
    },
  };
};

const VIEW: Handler = (node, stack) => {
  const [n, r] = arity(node, 2);
  if (!isString(n!) || !checkViewName(n.string))
    return fail(node, stack, 'VIEW needs a valid view name');
  const ret = typeArg(r, node);
  const [arg, a] = peek(node, stack, 2);
  if (a!.prim !== 'address') fail(node, stack, 'VIEW needs an argument and an address');
  for (const t of [arg!, ret])
    if (!viewTypeAllowed(t)) fail(node, stack, `type ${showType(t)} is not allowed in a view`);
  const name = n.string;
  return {
    out: replaceTop(stack, 2, T.option(ret)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const input = s.pop() as Value;
      const addr = s.pop() as AddressValue;
      const r = callView(rt, addr, name, arg!, ret, input);
      s.push(r === undefined ? NONE : some(r));
    },
  };
};

function callView(
  rt: Runtime,
  addr: AddressValue,
  name: string,
  arg: MType,
  ret: MType,
  input: Value,
): Value | undefined {
  if (addr.contract[0] !== 1) return undefined;
  const self: AddressValue = { kind: 'address', contract: addr.contract, entrypoint: '' };
  const info = rt.ctx.contract?.(addressToString(self));
  if (!info?.views || info.storageType === undefined || info.storage === undefined)
    return undefined;
  const p = parsedContract(rt, info);
  if (p.storageType === undefined) p.storageType = parseType(info.storageType);
  p.views ??= typecheckViews(info.views, p.storageType);
  const view = p.views.get(name);
  if (!view || !typesEqual(view.arg, arg) || !typesEqual(view.ret, ret)) return undefined;
  if (p.storage === undefined) {
    const store = rt.store;
    p.storage = parseData(info.storage, p.storageType, {
      bigMapTypes: (id) => storeTypes(store, id),
    });
  }
  return runTypedView(view, input, p.storage, rt, {
    self,
    balance: info.balance ?? 0n,
    sender: rt.self,
  });
}

const VOTING_POWER: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'key_hash') fail(node, stack, 'VOTING_POWER needs a key_hash');
  return {
    out: replaceTop(stack, 1, T.nat),
    run: (s, rt) => {
      rt.gas.consume(640);
      const kh = keyHashToString((s.pop() as KeyHashValue).bytes);
      s.push(rt.ctx.votingPower?.(kh) ?? 0n);
    },
  };
};

export const chain: Record<string, Handler> = {
  SENDER: push(T.address, (rt) => rt.sender),
  SOURCE: push(T.address, (rt) => rt.source),
  NOW: push(T.timestamp, (rt) => rt.ctx.now),
  AMOUNT: push(T.mutez, (rt) => rt.amount),
  BALANCE: push(T.mutez, (rt) => rt.balance),
  SELF_ADDRESS: push(T.address, (rt) => rt.self),
  CHAIN_ID: push(T.chainId, (rt) => rt.chainId, 15),
  LEVEL: push(T.nat, (rt) => rt.ctx.level),
  MIN_BLOCK_TIME: push(T.nat, (rt) => rt.ctx.minBlockTime ?? 1n, 20),
  TOTAL_VOTING_POWER: push(T.nat, (rt) => rt.ctx.totalVotingPower ?? 0n, 450),
  VOTING_POWER,
  SELF,
  ADDRESS,
  IMPLICIT_ACCOUNT,
  IS_IMPLICIT_ACCOUNT,
  CONTRACT,
  VIEW,
};
