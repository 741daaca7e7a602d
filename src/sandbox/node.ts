/**
 * The sandbox chain: genesis, the mempool, baking, and the operations the
 * RPC layer needs (inject, preapply, simulate). Single-threaded and
 * synchronous between awaits: every operation is validated and applied
 * against the mempool's overlay on top of the head's state, and a block is
 * that overlay written to the store with the block, in one transaction.
 *
 * Time comes in through `now` (milliseconds) so tests can drive it.
 */

import { readFileSync } from 'node:fs';
import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import { b58Encode, PrefixV2 } from '@taquito/utils';
import { parseExpr, parseToplevel } from '../michelson/index.js';
import { BOOTSTRAP_BALANCE, type BootstrapAccount } from './accounts.js';
import { type AppliedContent, applyOperation, type BlockContext } from './apply.js';
import { CHAIN_ID, MAX_OPERATIONS_TTL, PROTOCOL } from './constants.js';
import { NodeError, NotFoundError } from './errors.js';
import { blockHash, hashOfBytes } from './hashes.js';
import { decodeSigned, encodeJson, type Operation } from './operation.js';
import { ScriptCache } from './scripts.js';
import type { SqliteStore } from './sqliteStore.js';
import { Overlay } from './state.js';

export const MIZU_SOURCE_URL = new URL('../../contracts/mizu.tz', import.meta.url);

export interface NodeOptions {
  readonly store: SqliteStore;
  readonly bootstrap: readonly BootstrapAccount[];
  readonly now?: () => number;
  /** Blocks whose hash may serve as a branch (default 600, as mainnet). */
  readonly maxOperationsTtl?: number;
}

interface PendingOperation {
  readonly op: Operation;
  readonly contents: AppliedContent[];
}

const utf8 = new TextEncoder();
const STUB_SIGNATURE = b58Encode(new Uint8Array(64), PrefixV2.GenericSignature);

export class SandboxNode {
  readonly store: SqliteStore;
  readonly scripts = new ScriptCache();
  readonly maxOperationsTtl: number;
  private readonly now: () => number;
  private mempool: Overlay;
  private pending: PendingOperation[] = [];
  private readonly bootstrap: readonly BootstrapAccount[];

  constructor(options: NodeOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.maxOperationsTtl = options.maxOperationsTtl ?? MAX_OPERATIONS_TTL;
    this.bootstrap = options.bootstrap;
    this.mempool = new Overlay(this.store);
  }

  /** Genesis on an empty store, then the Mizu contract's origination. */
  async init(): Promise<void> {
    if (!this.store.head()) {
      const genesis = new Overlay(this.store);
      for (const a of this.bootstrap)
        genesis.setAccount(a.address, {
          balance: BOOTSTRAP_BALANCE,
          counter: 0n,
          manager: a.publicKey,
        });
      this.writeBlock(genesis, []);
    }
    if (!this.mizuContract()) {
      const code = readFileSync(MIZU_SOURCE_URL, 'utf8');
      const address = await this.originateAsBootstrap(code, '(Pair {} {} {} {})');
      this.store.setMeta('mizu_contract', address);
    }
  }

  /** The Mizu contract's address, once originated. */
  mizuContract(): string | undefined {
    return this.store.getMeta('mizu_contract');
  }

  /** The head, cached with its timestamp (seconds) between blocks. */
  private cachedHead: { level: number; hash: string; seconds: number } | undefined;

  head(): { level: number; hash: string } {
    if (!this.cachedHead) {
      const h = this.store.head();
      if (!h) throw new Error('Cannot read the head: the chain has no genesis');
      const json = this.store.blockJson({ level: h.level })!;
      const seconds = Math.floor(Date.parse(JSON.parse(json).header.timestamp) / 1000);
      this.cachedHead = { level: h.level, hash: h.hash, seconds };
    }
    return { level: this.cachedHead.level, hash: this.cachedHead.hash };
  }

  /** Block JSON by id: head, head~N, a level, or a hash. */
  block(id: string): Record<string, unknown> {
    const level = this.resolveLevel(id);
    const json = level === undefined ? undefined : this.store.blockJson({ level });
    if (!json) throw new NotFoundError(`Cannot find block ${id}`);
    return JSON.parse(json);
  }

  resolveLevel(id: string): number | undefined {
    const head = this.head().level;
    if (id === 'head') return head;
    const back = /^head~(\d+)$/.exec(id);
    if (back) return Math.max(0, head - Number(back[1]));
    if (/^\d+$/.test(id)) return Number(id);
    if (id === 'genesis') return 0;
    return this.store.levelOf(id);
  }

  isLiveBranch = (hash: string): boolean => {
    const level = this.store.levelOf(hash);
    return level !== undefined && level > this.head().level - this.maxOperationsTtl;
  };

  private context(simulate: boolean): BlockContext {
    return {
      level: BigInt(this.head().level + 1),
      timestamp: BigInt(this.nextTimestamp()),
      chainId: CHAIN_ID,
      isLiveBranch: this.isLiveBranch,
      scripts: this.scripts,
      simulate,
    };
  }

  private nextTimestamp(): number {
    this.head();
    return Math.max(this.cachedHead!.seconds + 1, Math.floor(this.now() / 1000));
  }

  /** Validate and add a signed operation to the mempool; returns its hash. */
  async inject(hex: string): Promise<string> {
    const op = await decodeSigned(hex);
    if (this.pending.some((p) => p.op.hash === op.hash)) return op.hash;
    const contents = applyOperation(this.mempool, op, this.context(false));
    this.pending.push({ op, contents });
    return op.hash;
  }

  /** Apply signed JSON operations on the head's state, keeping nothing. */
  async preapply(
    ops: { branch: string; contents: { kind: string }[]; signature?: string; protocol?: string }[],
  ): Promise<{ contents: AppliedContent[]; signature: string }[]> {
    const state = new Overlay(this.store);
    const out = [];
    for (const o of ops) {
      const op = await encodeJson(o);
      out.push({
        contents: applyOperation(state, op, this.context(false)),
        signature: op.signature,
      });
    }
    return out;
  }

  /** `simulate_operation`: like preapply, without the signature check. */
  async simulate(o: {
    branch: string;
    contents: { kind: string }[];
    signature?: string;
  }): Promise<{ contents: AppliedContent[]; signature: string }> {
    const op = await encodeJson(o);
    const contents = applyOperation(new Overlay(this.store), op, this.context(true));
    return { contents, signature: op.signature || STUB_SIGNATURE };
  }

  /** Counter of `address` with the mempool's operations applied. */
  pendingCounter(address: string): bigint {
    return this.mempool.account(address)?.counter ?? 0n;
  }

  /** Number of operations waiting for the next block. */
  pendingCount(): number {
    return this.pending.length;
  }

  /** Bake a block with the mempool's operations. */
  bake(): { level: number; hash: string } {
    const ops = this.pending;
    const state = this.mempool;
    this.pending = [];
    this.mempool = new Overlay(this.store);
    return this.writeBlock(state, ops);
  }

  private writeBlock(state: Overlay, ops: readonly PendingOperation[]) {
    const prev = this.store.head();
    const level = prev ? prev.level + 1 : 0;
    const predecessor = prev?.hash ?? 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2';
    const seconds = prev ? this.nextTimestamp() : Math.floor(this.now() / 1000);
    const timestamp = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    const opHashes = ops.map((p) => p.op.hash);
    const hash = blockHash(
      utf8.encode(JSON.stringify({ level, predecessor, timestamp, opHashes })),
    );
    const operations = ops.map((p) => ({
      protocol: PROTOCOL,
      chain_id: CHAIN_ID,
      hash: p.op.hash,
      branch: p.op.branch,
      contents: p.contents,
      signature: p.op.signature,
    }));
    const block = {
      protocol: PROTOCOL,
      chain_id: CHAIN_ID,
      hash,
      header: {
        level,
        proto: 1,
        predecessor,
        timestamp,
        validation_pass: 4,
        operations_hash: hashOfBytes(utf8.encode(opHashes.join()), PrefixV2.OperationListListHash),
        fitness: ['02', level.toString(16).padStart(8, '0'), '', 'ffffffff', '00000000'],
        context: hashOfBytes(utf8.encode(`context ${hash}`), PrefixV2.ContextHash),
        payload_hash: hashOfBytes(utf8.encode(`payload ${hash}`), PrefixV2.ValueHash),
        payload_round: 0,
        proof_of_work_nonce: '0000000000000000',
        liquidity_baking_toggle_vote: 'pass',
        adaptive_issuance_vote: 'pass',
        signature: STUB_SIGNATURE,
      },
      metadata: {
        protocol: PROTOCOL,
        next_protocol: PROTOCOL,
        test_chain_status: { status: 'not_running' },
        max_operations_ttl: this.maxOperationsTtl,
        max_operation_data_length: 32_768,
        max_block_header_length: 289,
        max_operation_list_length: [
          { max_size: 4_194_304, max_op: 2048 },
          { max_size: 32_768 },
          { max_size: 135_168, max_op: 132 },
          { max_size: 524_288 },
        ],
        proposer: this.bootstrap[0]?.address,
        baker: this.bootstrap[0]?.address,
        level_info: {
          level,
          level_position: Math.max(0, level - 1),
          cycle: Math.floor(Math.max(0, level - 1) / 14_400),
          cycle_position: Math.max(0, level - 1) % 14_400,
          expected_commitment: false,
        },
        nonce_hash: null,
        deactivated: [],
        balance_updates: [],
        liquidity_baking_toggle_ema: 0,
        implicit_operations_results: [],
        proposer_consensus_key: this.bootstrap[0]?.address,
        baker_consensus_key: this.bootstrap[0]?.address,
        consumed_milligas: '0',
        dal_attestation: '0',
      },
      operations: [[], [], [], operations],
    };
    this.store.commitBlock(level, hash, JSON.stringify(block), state.changes());
    this.cachedHead = { level, hash, seconds };
    return { level, hash };
  }

  /** Sign and apply an origination from bootstrap account 0, then bake it. */
  private async originateAsBootstrap(code: string, storage: string): Promise<string> {
    const signer = await InMemorySigner.fromSecretKey(this.bootstrap[0]!.secretKey);
    const source = this.bootstrap[0]!.address;
    const acc = this.store.account(source)!;
    const forger = new LocalForger();
    const bytes = await forger.forge({
      branch: this.head().hash,
      contents: [
        {
          kind: 'origination' as never,
          source,
          fee: '100000',
          counter: String(acc.counter + 1n),
          gas_limit: '1000000',
          storage_limit: '60000',
          balance: '0',
          script: { code: parseToplevel(code), storage: parseExpr(storage) },
        } as never,
      ],
    });
    const signed = await signer.sign(bytes, new Uint8Array([3]));
    const opHash = await this.inject(signed.sbytes);
    const pending = this.pending.find((p) => p.op.hash === opHash)!;
    const result = (pending.contents[0]!.metadata as { operation_result: Record<string, unknown> })
      .operation_result;
    if (result.status !== 'applied') throw new NodeError((result.errors as never[]) ?? []);
    this.bake();
    return (result.originated_contracts as string[])[0]!;
  }
}
