/**
 * The chain port: everything the engine needs from Tezos, as types only.
 *
 * One adapter implements it (src/adapters/chain/, on Taquito). Reads go
 * through the contract's on-chain views; writes are signed by one identity's
 * Tezos account. Every call names an isolation group so that, behind a
 * SOCKS5 proxy such as Tor, requests of different groups travel on
 * different circuits (docs/threat-model.md).
 *
 * Amounts are in mutez (bigint); times are milliseconds since the Unix
 * epoch; box indices are numbers (a box never holds 2^53 entries).
 */

/**
 * Who a request is made for, as far as node access is concerned. Requests
 * of different groups must not be linkable by the network path they take.
 * `contact:<address>`: reads of one contact's postal box and bundle;
 * `writes`: the identity's own operations (and the reads they need);
 * `requests`: reads of the identity's own request box;
 * `directory`: one-off lookups (a bundle before adding a contact, status).
 */
export type IsolationGroup = `contact:${string}` | 'writes' | 'requests' | 'directory';

/** A registered user as the contract's `get_user` view returns it. */
export interface ChainUser {
  readonly address: string;
  /** The account's public key (edpk…, sppk…, p2pk…). */
  readonly publicKey: string;
  /** The key bundle, unverified: the caller verifies it (protocol/bundle.ts). */
  readonly bundle: Uint8Array;
  readonly posts: number;
  readonly requests: number;
}

export interface BoxCounters {
  readonly posts: number;
  readonly requests: number;
}

/** One entry of a postal box or a request box. */
export interface BoxEntry {
  readonly index: number;
  readonly bytes: Uint8Array;
  /** Timestamp of the block that included it. */
  readonly time: number;
}

export interface ChainHead {
  readonly level: number;
  readonly hash: string;
  readonly time: number;
}

/** An operation Mizu sends, before it is signed. */
export type MizuOperation =
  | { readonly kind: 'register'; readonly bundle: Uint8Array }
  | { readonly kind: 'post'; readonly entries: readonly Uint8Array[] }
  | { readonly kind: 'request'; readonly recipient: string; readonly sealed: Uint8Array };

/** What an operation costs, estimated by simulation before it is sent. */
export interface OperationCost {
  readonly feeMutez: bigint;
  /** Storage burn (new bytes × cost_per_byte, plus any allocation). */
  readonly burnMutez: bigint;
  readonly gasLimit: number;
  readonly storageBytes: number;
  /** feeMutez + burnMutez. */
  readonly totalMutez: bigint;
}

/** An operation accepted by a node's mempool (not yet included). */
export interface InjectedOperation {
  readonly hash: string;
  /** The account counter it uses: a re-injection reuses it, so at most one lands. */
  readonly counter: string;
  /** Level of the branch it was signed on; it expires after the chain's max_operations_ttl. */
  readonly branchLevel: number;
  readonly expiresAfterLevel: number;
}

export type OperationStatus =
  | { readonly state: 'pending' }
  | { readonly state: 'included'; readonly level: number; readonly blockHash: string }
  /** Applied in a block but failed (backtracked/failed): nothing it did stayed. */
  | { readonly state: 'failed'; readonly level: number; readonly errors: readonly string[] }
  /** Not included and no longer includable (expired, or its counter was used). */
  | { readonly state: 'dropped' };

/** Reads: anyone can make them, nothing is signed. */
export interface ChainReader {
  /** The Mizu contract these reads and writes go to (KT1…). */
  readonly contract: string;
  head(group: IsolationGroup): Promise<ChainHead>;
  getUser(address: string, group: IsolationGroup): Promise<ChainUser | null>;
  /** Counters of many addresses (batched by the adapter, ≤ 200 per view call). */
  getCounters(
    addresses: readonly string[],
    group: IsolationGroup,
  ): Promise<Map<string, BoxCounters>>;
  /** Entries `from … from+count-1` of a postal box (≤ 128 per view call; fewer past the end). */
  getPostal(owner: string, from: number, count: number, group: IsolationGroup): Promise<BoxEntry[]>;
  /** Same, for a request box. */
  getRequests(
    recipient: string,
    from: number,
    count: number,
    group: IsolationGroup,
  ): Promise<BoxEntry[]>;
  balance(address: string, group: IsolationGroup): Promise<bigint>;
}

/** Writes of one identity, signed by its Tezos account (isolation group `writes`). */
export interface ChainWriter {
  readonly address: string;
  estimate(op: MizuOperation): Promise<OperationCost>;
  /** Signs and injects; resolves once a node accepted it into its mempool. */
  inject(op: MizuOperation): Promise<InjectedOperation>;
  /** Where an injected operation is now (looks at blocks since its branch). */
  status(op: InjectedOperation): Promise<OperationStatus>;
  /**
   * Waits until the operation is included (resolves) or dropped (rejects
   * with a ChainError of code 'dropped'); re-injection is the caller's call.
   */
  waitForInclusion(
    op: InjectedOperation,
    options?: { signal?: AbortSignal; onLevel?: (level: number) => void },
  ): Promise<{ level: number; blockHash: string }>;
  /** Resolves once `level` is final (Tenderbake: two blocks on top of it). */
  waitForFinality(level: number, options?: { signal?: AbortSignal }): Promise<void>;
}

/** The whole port: reads, and writers for the identities whose keys we hold. */
export interface Chain extends ChainReader {
  writer(secretKey: string): Promise<ChainWriter>;
  close(): Promise<void>;
}
