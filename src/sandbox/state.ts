/**
 * The ledger's state behind a small interface, and the overlay every
 * operation is applied in.
 *
 * A StateReader answers reads (accounts, big maps, the next big-map id). An
 * Overlay is a StateReader over another one that records writes; `commit()`
 * pushes them into its parent overlay, `changes()` lists them for a store.
 * Application works on overlays only: a failed batch's overlay is dropped,
 * a simulation's overlay is never committed, a block's is written to the
 * store in one transaction.
 */

import type { BigMapStore, Expr } from '../michelson/index.js';
import { BIG_MAP_ENTRY_BYTES, binarySize } from '../michelson/index.js';

export interface ScriptRecord {
  readonly code: Expr[];
  readonly storage: Expr;
}

/** An implicit account or an originated contract. */
export interface AccountRecord {
  readonly balance: bigint;
  /** Implicit accounts: the counter of the last operation applied. */
  readonly counter: bigint;
  /** Revealed public key. */
  readonly manager?: string;
  readonly script?: ScriptRecord;
  /** Bytes used by a contract (code, storage, big maps) and paid for. */
  readonly usedBytes?: number;
  readonly paidBytes?: number;
}

export interface BigMapEntry {
  readonly key: Expr;
  readonly value: Expr;
}

export interface BigMapTypes {
  readonly keyType: Expr;
  readonly valueType: Expr;
}

export interface StateReader {
  account(address: string): AccountRecord | undefined;
  bigMapTypes(id: bigint): BigMapTypes | undefined;
  bigMapEntry(id: bigint, keyHash: string): BigMapEntry | undefined;
  bigMapBytes(id: bigint): bigint;
  nextBigMapId(): bigint;
}

/** Writes, as a store applies them. `null` = removed. */
export interface StateChanges {
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  readonly bigMaps: ReadonlyMap<bigint, BigMapTypes | null>;
  readonly entries: ReadonlyMap<bigint, ReadonlyMap<string, BigMapEntry | null>>;
  readonly bigMapBytes: ReadonlyMap<bigint, bigint>;
  readonly nextBigMapId: bigint | undefined;
}

export class Overlay implements StateReader {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly maps = new Map<bigint, BigMapTypes | null>();
  private readonly entries = new Map<bigint, Map<string, BigMapEntry | null>>();
  private readonly bytes = new Map<bigint, bigint>();
  private nextId: bigint | undefined;

  constructor(private readonly parent: StateReader) {}

  account(address: string): AccountRecord | undefined {
    return this.accounts.get(address) ?? this.parent.account(address);
  }
  bigMapTypes(id: bigint): BigMapTypes | undefined {
    const m = this.maps.get(id);
    if (m === null) return undefined;
    return m ?? this.parent.bigMapTypes(id);
  }
  bigMapEntry(id: bigint, keyHash: string): BigMapEntry | undefined {
    if (this.maps.get(id) === null) return undefined;
    const e = this.entries.get(id)?.get(keyHash);
    if (e === null) return undefined;
    if (e !== undefined) return e;
    // A map (re)allocated here has no entries below.
    if (this.maps.has(id)) return undefined;
    return this.parent.bigMapEntry(id, keyHash);
  }
  bigMapBytes(id: bigint): bigint {
    return this.bytes.get(id) ?? (this.maps.has(id) ? 0n : this.parent.bigMapBytes(id));
  }
  nextBigMapId(): bigint {
    return this.nextId ?? this.parent.nextBigMapId();
  }

  setAccount(address: string, record: AccountRecord): void {
    this.accounts.set(address, record);
  }
  setNextBigMapId(id: bigint): void {
    this.nextId = id;
  }
  allocBigMap(id: bigint, types: BigMapTypes): void {
    this.maps.set(id, types);
    this.entries.set(id, new Map());
    this.bytes.set(id, 0n);
  }
  removeBigMap(id: bigint): void {
    this.maps.set(id, null);
    this.entries.delete(id);
    this.bytes.set(id, 0n);
  }
  setEntry(id: bigint, keyHash: string, entry: BigMapEntry | null): void {
    const old = this.bigMapEntry(id, keyHash);
    const size = (e: BigMapEntry | null | undefined) =>
      e ? BigInt(BIG_MAP_ENTRY_BYTES + binarySize(e.value)) : 0n;
    this.bytes.set(id, this.bigMapBytes(id) - size(old) + size(entry));
    let m = this.entries.get(id);
    if (!m) {
      m = new Map();
      this.entries.set(id, m);
    }
    m.set(keyHash, entry);
  }

  changes(): StateChanges {
    return {
      accounts: this.accounts,
      bigMaps: this.maps,
      entries: this.entries,
      bigMapBytes: this.bytes,
      nextBigMapId: this.nextId,
    };
  }

  /** Apply this overlay's writes to `target` (its parent, or any overlay). */
  commitTo(target: Overlay): void {
    for (const [a, r] of this.accounts) target.setAccount(a, r);
    for (const [id, t] of this.maps) {
      if (t === null) target.removeBigMap(id);
      else target.allocBigMap(id, t);
    }
    for (const [id, m] of this.entries) for (const [h, e] of m) target.setEntry(id, h, e);
    if (this.nextId !== undefined) target.setNextBigMapId(this.nextId);
  }
}

/** The interpreter's view of a state's big maps. */
export function bigMapStoreOf(state: StateReader): BigMapStore {
  return {
    types: (id) => state.bigMapTypes(id),
    get: (id, hash) => state.bigMapEntry(id, hash)?.value,
    totalBytes: (id) => state.bigMapBytes(id),
  };
}
