/**
 * The interpreter's API for the sandbox node: typecheck/originate a script,
 * execute a call, run a view. Pure: everything about the chain comes in
 * through the ExecutionContext and the BigMapStore, and everything that
 * changes goes out in the result (new storage, operations, lazy storage diff,
 * gas, storage size); nothing is written anywhere.
 *
 *   const script = typecheckContract(codeTextOrJson);
 *   const o = originate({ script, storage, context });          // initial storage, big maps
 *   const r = execute({ script, storage, parameter, entrypoint, context, gasLimit });
 *   const v = runView({ script, view, input, storage, context });
 *
 * Micheline comes in as text or JSON (readable or optimized forms) and goes
 * out as JSON in Optimized form (as the node stores it), except view results
 * and FAILWITH values, also given in Readable form. Result types are in
 * results.ts.
 */

import { assertContractValid } from '@taquito/michel-codec';
import { type BigMapStore, storeTypes } from './bigMaps.js';
import type { ExecutionContext } from './context.js';
import { parseData } from './data.js';
import { findEntrypoint, wrapParameter } from './entrypoints.js';
import {
  asMichelsonError,
  EntrypointNotFoundError,
  TypeCheckError,
  UnsupportedError,
  ViewNotFoundError,
} from './errors.js';
import { COST, GasMeter } from './gas.js';
import { contractTypeLookup } from './instructions/chain.js';
import { makeRuntime, type Runtime } from './interpreter.js';
import {
  collectBigMapIds,
  extractLazyStorage,
  sequentialIds,
  temporaryIds,
} from './lazyStorage.js';
import {
  binarySize,
  countNodes,
  type Expr,
  parseExpr,
  parseJson,
  parseToplevel,
} from './micheline.js';
import { packValue, scriptExprHash } from './pack.js';
import {
  type Applied,
  errorOf,
  type Failed,
  type Originated,
  type Script,
  unparseOperation,
} from './results.js';
import { typecheckScript } from './script.js';
import { parseType, props, showType, unparseType } from './types.js';
import { normalizeCode, type UnparseMode, unparseData } from './unparse.js';
import {
  type ListValue,
  listToArray,
  type OperationValue,
  type PairValue,
  type Value,
} from './values.js';
import { runTypedView } from './views.js';

export type {
  Applied,
  ExecutionError,
  Failed,
  InternalOperation,
  Originated,
  Script,
} from './results.js';

/** Micheline as text, or as JSON (an object or array). */
type Source = string | object;

function readScript(src: Source): Expr[] {
  if (typeof src === 'string') return parseToplevel(src);
  const e = parseJson(src);
  return Array.isArray(e) ? e : [e];
}

const readData = (src: Source): Expr => (typeof src === 'string' ? parseExpr(src) : parseJson(src));

/** Typecheck a contract (text or Micheline JSON). Throws a MichelsonError if refused. */
export function typecheckContract(src: Source): Script {
  try {
    return typecheckSource(src);
  } catch (e) {
    throw asMichelsonError(e, 'the script');
  }
}

function typecheckSource(src: Source): Script {
  const sections = readScript(src);
  const typed = typecheckScript(sections);
  for (const [what, t] of [
    ['parameter', typed.parameterType],
    ['storage', typed.storageType],
  ] as const)
    if (props(t).hasTicket)
      throw new UnsupportedError(
        'ticket',
        `tickets in the ${what} type: ticket balances are not tracked`,
      );
  const warnings: string[] = [];
  try {
    // biome-ignore lint/suspicious/noExplicitAny: michel-codec's script type is structurally ours
    assertContractValid(sections as any);
  } catch (e) {
    warnings.push(
      `michel-codec's typechecker rejects the script (${(e as Error).message}); ours accepts it`,
    );
  }
  const code = normalizeCode(sections, 'optimized') as Expr[];
  const entrypoints: Record<string, Expr> = {};
  for (const [name, ep] of typed.entrypoints) {
    if (ep.type.field !== name) continue;
    // As the node's entrypoints RPC shows them: field annotations inside kept
    // (Taquito names methodsObject arguments after them), the entrypoint's own dropped.
    const { annots: _own, ...type } = unparseType(ep.type, true);
    entrypoints[name] = type;
  }
  const views: Record<string, { input: Expr; output: Expr }> = {};
  for (const [name, v] of typed.views)
    views[name] = { input: unparseType(v.arg), output: unparseType(v.ret) };
  return {
    code,
    parameterType: unparseType(typed.parameterType, true),
    storageType: unparseType(typed.storageType),
    entrypoints,
    views,
    codeSize: binarySize(code),
    warnings,
    typed,
  };
}

function readStorage(script: Script, storage: Source, rt: Runtime): Value {
  const e = readData(storage);
  rt.gas.consume(COST.DATA_NODE * countNodes(e));
  return parseData(e, script.typed.storageType, { bigMapTypes: (id) => storeTypes(rt.store, id) });
}

interface Finish {
  storage: Value;
  existing: ReadonlySet<bigint>;
  nextBigMapId: bigint | undefined;
}

/** Extract big maps and unparse the new storage. */
function finish(script: Script, rt: Runtime, f: Finish) {
  const seq = f.nextBigMapId === undefined ? undefined : sequentialIds(f.nextBigMapId);
  const ids = seq ?? temporaryIds();
  const x = extractLazyStorage(f.storage, script.typed.storageType, {
    existing: f.existing,
    store: rt.store,
    gas: rt.gas,
    ids,
  });
  const storage = unparseData(x.value, script.typed.storageType, 'optimized');
  const storageBytes = binarySize(storage);
  rt.gas.consume(COST.DATA_NODE * countNodes(storage) + COST.BYTE * storageBytes);
  return {
    storage,
    storageBytes,
    lazyStorageDiff: x.diff,
    bigMapBytes: Number(x.sizeDiff),
    ...(seq ? { nextBigMapId: seq.peek() } : {}),
    originationIndex: rt.shared.originationIndex,
    registeredAddresses: [...rt.shared.registered].map(([address, index]) => ({ address, index })),
  };
}

export interface OriginateInput {
  readonly script: Script;
  /** Initial storage (big maps as literals, never ids). */
  readonly storage: Source;
  /** Context for the storage's data (only `bigMaps` is ever needed, for nothing but ids). */
  readonly context: ExecutionContext;
  readonly gasLimit?: number;
  readonly nextBigMapId?: bigint;
}

/** The context, with `bigMaps` given beside it (as the inputs allow) folded in. */
function withStore(ctx: ExecutionContext, bigMaps: BigMapStore | undefined): ExecutionContext {
  return bigMaps === undefined ? ctx : { ...ctx, bigMaps };
}

/** Check the initial storage and allocate its big maps. */
export function originate(input: OriginateInput): Originated | Failed {
  const gas = new GasMeter(input.gasLimit);
  const rt = makeRuntime(input.context, gas);
  try {
    gas.consume(COST.SCRIPT_NODE * input.script.typed.nodes);
    const e = readData(input.storage);
    gas.consume(COST.DATA_NODE * countNodes(e));
    const storage = parseData(e, input.script.typed.storageType, {});
    const done = finish(input.script, rt, {
      storage,
      existing: new Set(),
      nextBigMapId: input.nextBigMapId,
    });
    const { bigMapBytes, ...rest } = done;
    return {
      status: 'applied',
      ...rest,
      consumedMilligas: gas.consumed,
      storageSize: input.script.codeSize + done.storageBytes + bigMapBytes,
    };
  } catch (e) {
    return { status: 'failed', error: errorOf(e, 'storage'), consumedMilligas: gas.consumed };
  }
}

export interface ExecuteInput {
  readonly script: Script;
  /** Current storage as stored (Optimized, big maps as ids); readable also accepted. */
  readonly storage: Source;
  /** Argument of the entrypoint (Micheline text or JSON). */
  readonly parameter: Source;
  /** Entrypoint name; default 'default'. */
  readonly entrypoint?: string;
  readonly context: ExecutionContext;
  /** The big maps of the chain (may also be given as `context.bigMaps`). */
  readonly bigMaps?: BigMapStore;
  /** Milligas; unlimited if omitted. */
  readonly gasLimit?: number;
  /** Give new big maps final ids from here (else temporary ids -1, -2, …). */
  readonly nextBigMapId?: bigint;
}

/** Run a contract call. Never throws for anything the script or its inputs do. */
export function execute(input: ExecuteInput): Applied | Failed {
  const gas = new GasMeter(input.gasLimit);
  const rt = makeRuntime(withStore(input.context, input.bigMaps), gas);
  const { script } = input;
  let phase: 'parameter' | 'storage' | 'run' = 'storage';
  try {
    gas.consume(COST.SCRIPT_NODE * script.typed.nodes);
    const storage = readStorage(script, input.storage, rt);
    const oldBytes = binarySize(unparseData(storage, script.typed.storageType, 'optimized'));
    phase = 'parameter';
    const name = input.entrypoint ?? 'default';
    const ep = findEntrypoint(script.typed.entrypoints, name);
    if (!ep) throw new EntrypointNotFoundError(name);
    const pe = readData(input.parameter);
    gas.consume(COST.DATA_NODE * countNodes(pe));
    const arg = parseData(pe, ep.type, { contractType: contractTypeLookup(rt) });
    phase = 'run';
    const stack: Value[] = [{ kind: 'pair', fst: wrapParameter(ep, arg), snd: storage }];
    script.typed.run(stack, rt);
    const result = stack[0] as PairValue;
    const operations = listToArray(result.fst as ListValue).map((o) =>
      unparseOperation(o as OperationValue),
    );
    const existing = collectBigMapIds(storage, script.typed.storageType);
    const done = finish(script, rt, {
      storage: result.snd,
      existing,
      nextBigMapId: input.nextBigMapId,
    });
    const { bigMapBytes, ...rest } = done;
    return {
      status: 'applied',
      ...rest,
      operations,
      consumedMilligas: gas.consumed,
      storageSizeDiff: done.storageBytes - oldBytes + bigMapBytes,
    };
  } catch (e) {
    return { status: 'failed', error: errorOf(e, phase), consumedMilligas: gas.consumed };
  }
}

export interface RunViewInput {
  readonly script: Script;
  readonly view: string;
  readonly input: Source;
  readonly storage: Source;
  /** `self` is the contract declaring the view, `sender` its caller; amount is ignored (0). */
  readonly context: ExecutionContext;
  readonly bigMaps?: BigMapStore;
  readonly gasLimit?: number;
}

export type ViewResult =
  | {
      readonly status: 'applied';
      readonly data: Expr;
      readonly readable: Expr;
      readonly consumedMilligas: number;
    }
  | Failed;

/** Run one of the script's views (the `run_script_view` RPC). */
export function runView(input: RunViewInput): ViewResult {
  const gas = new GasMeter(input.gasLimit);
  const rt = makeRuntime({ ...withStore(input.context, input.bigMaps), amount: 0n }, gas);
  let phase: 'parameter' | 'storage' | 'run' = 'storage';
  try {
    const view = input.script.typed.views.get(input.view);
    if (!view) throw new ViewNotFoundError(input.view);
    const storage = readStorage(input.script, input.storage, rt);
    phase = 'parameter';
    const arg = parseData(readData(input.input), view.arg, {
      contractType: contractTypeLookup(rt),
    });
    phase = 'run';
    const out = runTypedView(view, arg, storage, rt, {
      self: rt.self,
      balance: rt.balance,
      sender: rt.sender,
    });
    return {
      status: 'applied',
      data: unparseData(out, view.ret, 'optimized'),
      readable: unparseData(out, view.ret, 'readable'),
      consumedMilligas: gas.consumed,
    };
  } catch (e) {
    return { status: 'failed', error: errorOf(e, phase), consumedMilligas: gas.consumed };
  }
}

/** Type of an entrypoint ('default' included), for callers building parameters. */
export function entrypointType(script: Script, name: string): Expr | undefined {
  const ep = findEntrypoint(script.typed.entrypoints, name);
  return ep && unparseType(ep.type);
}

/** Micheline data of a type, re-unparsed in `mode` (e.g. Readable for RPC answers). */
export function normalizeData(data: Source, type: Source, mode: UnparseMode): Expr {
  const t = parseType(readData(type));
  return unparseData(parseData(readData(data), t), t, mode);
}

/** PACK of Micheline data of a type (the `pack_data` RPC): 0x05-tagged bytes. */
export function packData(data: Source, type: Source): Uint8Array {
  const t = parseType(readData(type));
  if (!props(t).packable) throw new TypeCheckError(`Cannot pack a value of type ${showType(t)}`);
  return packValue(parseData(readData(data), t), t);
}

/** Script-expression hash ("expr…") of a big-map key of a type. */
export function bigMapKeyHash(key: Source, type: Source): string {
  return scriptExprHash(packData(key, type));
}
