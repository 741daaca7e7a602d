/**
 * The records the engine hands to its callers (CLI, TUI): plain data, no
 * secrets. Times are milliseconds since the Unix epoch.
 */

import type { OperationCost } from '../ports/chain.js';

export type DeliveryState = 'queued' | 'posted' | 'included' | 'final' | 'failed';

export interface IdentityInfo {
  readonly address: string;
  readonly name: string;
  readonly publicKey: string;
  /** True once the current bundle (current prekey) is the one on chain. */
  readonly bundlePublished: boolean;
  readonly prekeyEpoch: number;
  readonly current: boolean;
}

export interface ContactInfo {
  readonly address: string;
  readonly name: string;
  readonly verified: boolean;
  /** The contact's identity key changed on chain; sending asks for confirmation. */
  readonly bundleChanged: boolean;
  /** Next index of the contact's postal box to read. */
  readonly cursor: number;
  readonly junkSkipped: number;
  readonly addedAt: number;
}

export interface MessageInfo {
  readonly id: string;
  readonly contact: string;
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly time: number;
  /** Delivery state of an outgoing message; null for incoming ones. */
  readonly state: DeliveryState | null;
  /** Index in the sender's postal box, where known (incoming messages). */
  readonly boxIndex: number | null;
  /** Level of the block that included it, where known (outgoing messages). */
  readonly level: number | null;
  readonly read: boolean;
}

export interface RequestInfo {
  /** Hex of the request's ephemeral key (its identity for duplicates). */
  readonly id: string;
  readonly sender: string;
  readonly note: string;
  readonly postalIndex: number;
  readonly time: number;
}

export interface SyncReport {
  readonly newMessages: number;
  readonly junkSkipped: number;
  /** New discovery requests found in the request box. */
  readonly requests: number;
  /** Entries read from postal boxes in this sync (ours and others'). */
  readonly entriesRead: number;
  /** Copies of already received entries (shown once, not counted as new). */
  readonly duplicates: number;
}

export interface SyncProgress {
  readonly contact: string;
  readonly read: number;
  readonly total: number;
}

export interface OpProgress {
  readonly hash: string | null;
  readonly state: DeliveryState;
  readonly level?: number;
}

export interface DeliveryProgress {
  readonly messageId: string;
  readonly state: DeliveryState;
  readonly level?: number;
}

export interface EngineStatus {
  readonly network: string;
  readonly headLevel: number;
  readonly address: string;
  readonly balanceMutez: bigint;
  readonly bundlePublished: boolean;
  readonly typicalMessageCost: OperationCost;
}

export type EngineEvent =
  | { readonly type: 'message'; readonly message: MessageInfo }
  | {
      readonly type: 'delivery';
      readonly messageId: string;
      readonly state: DeliveryState;
      readonly level?: number;
    }
  | { readonly type: 'request'; readonly request: RequestInfo }
  | { readonly type: 'sync'; readonly report: SyncReport }
  | { readonly type: 'bundle-changed'; readonly contact: string }
  | { readonly type: 'error'; readonly error: Error };
