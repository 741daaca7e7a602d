/**
 * A snapshot of everything the Mizu contract holds, for "a refused call
 * changed nothing" checks: its balance, its storage value (the four big-map
 * ids), the bytes it uses and has paid for, the byte size of each big map
 * (any added or removed key changes it), and, for every address the test
 * knows, its `users` entry, its counters and the contents of its postal and
 * request boxes, read through the contract's own views (run_script_view).
 */

import type { RpcClient } from '@taquito/rpc';
import type { Sandbox } from '../../src/sandbox/server.js';

const CHAIN_ID = 'NetXdQprcVkpaWU';

export interface ContractSnapshot {
  readonly balance: string;
  readonly storage: unknown;
  readonly usedBytes: number | undefined;
  readonly paidBytes: number | undefined;
  readonly bigMapBytes: readonly string[];
  readonly counters: unknown;
  readonly users: readonly unknown[];
  readonly postal: readonly unknown[];
  readonly requests: readonly unknown[];
}

/** Runs one of the contract's views; throws the node's error as the RPC client does. */
export async function view(
  rpc: RpcClient,
  contract: string,
  name: string,
  input: unknown,
): Promise<unknown> {
  const r = await rpc.runScriptView({
    contract,
    view: name,
    input: input as never,
    chain_id: CHAIN_ID,
  });
  return r.data;
}

/** The big-map ids in the contract's storage `Pair users counters postal request_box`. */
function bigMapIds(storage: unknown): bigint[] {
  const ids: bigint[] = [];
  const walk = (e: unknown): void => {
    if (Array.isArray(e)) e.forEach(walk);
    else if (e && typeof e === 'object') {
      const o = e as { int?: string; args?: unknown[] };
      if (o.int !== undefined) ids.push(BigInt(o.int));
      o.args?.forEach(walk);
    }
  };
  walk(storage);
  if (ids.length !== 4)
    throw new Error(`Cannot read the big-map ids of ${JSON.stringify(storage)}`);
  return ids;
}

export async function snapshot(
  sandbox: Sandbox,
  rpc: RpcClient,
  addresses: readonly string[],
): Promise<ContractSnapshot> {
  const contract = sandbox.contract;
  const account = sandbox.node.store.account(contract);
  if (!account) throw new Error(`Cannot find the contract ${contract}`);
  const storage = await rpc.getStorage(contract);
  const range = (a: string) => ({
    prim: 'Pair',
    args: [{ string: a }, { int: '0' }, { int: '100' }],
  });
  const each = (name: string, input: (a: string) => unknown) =>
    Promise.all(addresses.map((a) => view(rpc, contract, name, input(a))));
  return {
    balance: (await rpc.getBalance(contract)).toFixed(),
    storage,
    usedBytes: account.usedBytes,
    paidBytes: account.paidBytes,
    bigMapBytes: bigMapIds(storage).map((id) => String(sandbox.node.store.bigMapBytes(id))),
    counters: await view(
      rpc,
      contract,
      'get_counters',
      addresses.map((a) => ({ string: a })),
    ),
    users: await each('get_user', (a) => ({ string: a })),
    postal: await each('get_postal', range),
    requests: await each('get_requests', range),
  };
}
