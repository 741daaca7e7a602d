/**
 * Hand-forged, signed manager operations injected straight into the node,
 * without Taquito's simulation and preapply: the way to put a call that the
 * contract refuses into a block (fee and counter taken, status `failed`), as
 * a careless or hostile client could, and to send exactly the fee, limits
 * and amount a test wants.
 */

import { LocalForger } from '@taquito/local-forging';
import type { RpcClient } from '@taquito/rpc';
import type { InMemorySigner } from '@taquito/signer';

export interface RawContent {
  readonly destination: string;
  /** Mutez. */
  readonly amount?: bigint;
  readonly parameters?: { readonly entrypoint: string; readonly value: unknown };
  readonly fee?: bigint;
  readonly gasLimit?: bigint;
  readonly storageLimit?: bigint;
  /** The source's public key, to reveal it in the same batch (an unrevealed source). */
  readonly reveal?: string;
}

export const RAW_FEE = 10_000n;

const forger = new LocalForger();

/** Forges, signs and injects one transaction from `signer`; resolves to the operation hash. */
export async function injectRaw(
  rpc: RpcClient,
  signer: InMemorySigner,
  c: RawContent,
): Promise<string> {
  const source = await signer.publicKeyHash();
  const counter = BigInt((await rpc.getContract(source)).counter ?? '0') + 1n;
  const branch = (await rpc.getBlockHeader()).hash;
  const content = {
    kind: 'transaction',
    source,
    fee: String(c.fee ?? RAW_FEE),
    counter: String(counter),
    gas_limit: String(c.gasLimit ?? 20_000n),
    storage_limit: String(c.storageLimit ?? 5_000n),
    amount: String(c.amount ?? 0n),
    destination: c.destination,
    ...(c.parameters ? { parameters: c.parameters } : {}),
  };
  const reveal = c.reveal && {
    kind: 'reveal',
    source,
    fee: String(c.fee ?? RAW_FEE),
    counter: String(counter),
    gas_limit: '1000',
    storage_limit: '0',
    public_key: c.reveal,
  };
  if (reveal) content.counter = String(counter + 1n);
  const contents = reveal ? [reveal, content] : [content];
  const bytes = await forger.forge({ branch, contents: contents as never });
  const signed = await signer.sign(bytes, new Uint8Array([3]));
  return rpc.injectOperation(signed.sbytes);
}

export interface IncludedResult {
  readonly status: string;
  readonly errors: readonly { id: string; with?: unknown }[];
  readonly feeMutez: bigint;
  readonly burnMutez: bigint;
}

interface ContentJson {
  kind: string;
  metadata: {
    balance_updates?: { kind: string; change: string }[];
    operation_result: {
      status: string;
      errors?: { id: string; with?: unknown }[];
      balance_updates?: { kind: string; change: string }[];
    };
  };
}

const total = (updates: { kind: string; change: string }[] | undefined, kind: string) =>
  (updates ?? []).filter((u) => u.kind === kind).reduce((a, u) => a + BigInt(u.change), 0n);

/** The transaction's result in the head block, with the fees of the whole operation. */
export async function includedResult(rpc: RpcClient, hash: string): Promise<IncludedResult> {
  const block = await rpc.getBlock();
  const op = block.operations.flat().find((o) => o.hash === hash);
  if (!op) throw new Error(`Cannot find operation ${hash} in the head block`);
  const contents = op.contents as unknown as ContentJson[];
  const tx = contents.find((c) => c.kind === 'transaction');
  if (!tx) throw new Error(`Operation ${hash} has no transaction`);
  return {
    status: tx.metadata.operation_result.status,
    errors: tx.metadata.operation_result.errors ?? [],
    feeMutez: contents.reduce((a, c) => a + total(c.metadata.balance_updates, 'accumulator'), 0n),
    burnMutez: total(tx.metadata.operation_result.balance_updates, 'burned'),
  };
}
