/**
 * What the chat shows and what it can ask for: the view model between the
 * Ink components (pure rendering of a snapshot) and the engine. The shell
 * (engineChat.ts) implements `ChatSession` over the engine; the components
 * only ever see these types.
 */

export type DeliveryState = 'queued' | 'posted' | 'included' | 'final' | 'failed';

export interface ChatIdentity {
  readonly name: string;
  readonly address: string;
  /** The identity's own safety fingerprint (digits). */
  readonly fingerprint: string;
  readonly network: string;
  readonly balanceMutez: bigint | null;
  readonly bundlePublished: boolean;
}

export interface ChatContact {
  readonly address: string;
  readonly name: string;
  readonly unread: number;
  readonly verified: boolean;
  /** Its bundle changed since it was added or verified: sending asks for confirmation. */
  readonly bundleChanged: boolean;
}

export interface ChatMessage {
  readonly id: string;
  readonly direction: 'in' | 'out';
  readonly text: string;
  /** Milliseconds since the epoch (block time when received, local time when queued). */
  readonly time: number;
  /** Sent messages only. */
  readonly state?: DeliveryState;
  /** Level of the block that included it, once included. */
  readonly level?: number;
}

export interface ChatRequest {
  readonly address: string;
  readonly time: number;
}

export interface ChatSnapshot {
  readonly identity: ChatIdentity;
  readonly contacts: readonly ChatContact[];
  readonly requests: readonly ChatRequest[];
  readonly headLevel: number | null;
  /** Fee + burn of a typical message, when known. */
  readonly messageCostMutez: bigint | null;
  /** The last background error, one line (cleared by the next successful sync). */
  readonly problem: string | null;
}

export interface ChatSession {
  snapshot(): ChatSnapshot;
  /** Calls `listener` whenever the snapshot may have changed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  messages(contact: string): readonly ChatMessage[];
  /** Estimated fee + burn of sending `text` (null until the network answered). */
  messageCost(text: string): bigint | null;
  markRead(contact: string): void;
  /** Queues a message (delivery goes on in the background). */
  send(contact: string, text: string, opts?: { confirmChanged?: boolean }): Promise<void>;
  addContact(address: string, name?: string): Promise<ChatContact>;
  acceptRequest(address: string, name?: string): Promise<ChatContact>;
  ignoreRequest(address: string): void;
  blockRequest(address: string): void;
  safetyNumber(contact: string): string;
  markVerified(contact: string): void;
  /** Ends background work and closes the profile. */
  close(): Promise<void>;
}

/** How the chat starts: unlock an existing profile or create one (first run). */
export interface ChatBoot {
  readonly profileExists: boolean;
  /** The network a new profile will be on (null for an existing one: it is inside, encrypted). */
  readonly network: string | null;
  /** True when the network has a faucet (the sandbox): the first run funds the identity. */
  readonly faucet: boolean;
  /** A passphrase given outside the terminal (--passphrase-file, MIZU_PASSPHRASE). */
  readonly passphrase: string | null;
  unlock(passphrase: string): Promise<ChatSession>;
  create(
    opts: { passphrase: string; name: string },
    progress: (line: string) => void,
  ): Promise<ChatSession>;
}
