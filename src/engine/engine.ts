/**
 * The Mizu engine: identities, contacts, sessions, outbox and sync, on top
 * of the protocol core, a profile store and the chain, clock and random
 * ports. It does no I/O of its own (docs/engine.md).
 *
 * Transaction boundaries (each one `store.transaction`):
 * - send: the outgoing message, the new conversation state and the outbox
 *   row(s) — before anything is posted;
 * - receive: the incoming message, the new conversation state and the
 *   cursor — per message; the cursor alone once per page of foreign entries;
 * - outbox: a row's `posted` mark with its operation, or its deletion with
 *   its message's `included` mark.
 *
 * Security notes: secret keys and ratchet states never leave the store but
 * to the signer and the protocol core; errors name contacts and identities,
 * never secrets or plaintexts.
 */

import type { Chain, OperationCost } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import {
  createConversation,
  decodeBundle,
  dropExpiredPrekeys,
  encryptMessage,
  formatSafetyNumber,
  generateIdentityKeys,
  isImplicitAddress,
  PREKEY_GRACE_MS,
  rotatePrekey as rotateKeys,
  safetyNumber as safetyDigits,
} from '../protocol/index.js';
import {
  type Account,
  accountFromMnemonic,
  accountFromSecretKey,
  generateAccount,
} from './account.js';
import { fetchBundle, sameBundleBytes, sameIdentity, verifiedBundle } from './bundles.js';
import {
  type ContactRecord,
  contactInfo,
  contactsOf,
  deleteContact,
  getContact,
  insertContact,
  loadConversation,
  lookupContact,
  saveConversation,
  updateContactFields,
} from './contactStore.js';
import { type EngineContext, errorCode, newContext } from './context.js';
import { EngineError } from './errors.js';
import {
  allIdentities,
  findIdentity,
  getIdentity,
  getSetting,
  type IdentityRecord,
  insertIdentity,
  setSetting,
  updateKeys,
} from './identityStore.js';
import {
  getMessage,
  insertMessage,
  markRead as markReadRows,
  messagesWith,
  unreadCounts,
} from './messageStore.js';
import { advanceFinality, type FlushOptions, flushIdentity } from './outbox.js';
import { enqueue, identitiesWithOutbox } from './outboxStore.js';
import {
  checkPollConfig,
  DEFAULT_POLL_CONFIG,
  roundSchedule,
  writeJitter,
} from './pollSchedule.js';
import { isPublished, publish } from './publish.js';
import { block, pendingRequests, requestInfo, setRequestsState } from './requestStore.js';
import type { EngineStore } from './storeShape.js';
import {
  newTally,
  readContactBox,
  readCountersAndRequests,
  readOwnRequests,
  type SyncOptions,
  syncIdentity,
} from './sync.js';
import type {
  ContactInfo,
  EngineEvent,
  EngineStatus,
  IdentityInfo,
  MessageInfo,
  OpProgress,
  RequestInfo,
  SyncReport,
} from './types.js';

/** The contract's bound on one postal-box entry. */
export const MAX_ENTRY_BYTES = 3584;
/** How often the run loop rotates the signed prekey. */
export const PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * How long retired prekeys are kept while a discovery request is pending: the
 * first message a request points to may have been made with one of them, and
 * it is read only when the request is accepted.
 */
export const PENDING_REQUEST_PREKEY_HOLD_MS = 90 * 24 * 60 * 60 * 1000;

export interface EngineDeps {
  readonly store: EngineStore;
  readonly chain: Chain;
  readonly clock: Clock;
  readonly random: Random;
  /** A name for the network, shown by `status` (e.g. 'sandbox'). */
  readonly network: string;
  /** The chain id (Net…); taken from the chain adapter if it exposes `chainId`. */
  readonly chainId?: string;
  /** How long retired prekeys are kept (default PREKEY_GRACE_MS). */
  readonly prekeyGraceMs?: number;
  /**
   * true (the default): each contact's counters are read in that contact's
   * own isolation group, one small request per contact, and our request
   * counter in the `requests` group, so no single request names the whole
   * contact list. false: one batched `getCounters` call for everyone (one
   * request per poll, but whichever node answers it sees every contact).
   */
  readonly isolatedCounterReads?: boolean;
}

export interface SendOptions {
  /** Also send a sealed discovery request (default: on the first message to a contact). */
  readonly request?: boolean;
  /** Send even though the contact's bundle changed (adopts the new bundle). */
  readonly confirmChanged?: boolean;
}

export interface RunOptions {
  readonly pollPeriodMs: number;
  readonly signal: AbortSignal;
  readonly writeJitterMinMs?: number;
  readonly writeJitterMaxMs?: number;
}

const CURRENT = 'current_identity';

/** Sleeps `ms`; false when `signal` aborted. */
async function sleepFor(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}

const sleepUntil = (clock: Clock, at: number, signal: AbortSignal) =>
  sleepFor(clock, at - clock.now(), signal);

/** A typical steady-state entry: a 100-byte text, Padmé-padded (docs/contract.md, Costs). */
const TYPICAL_ENTRY_BYTES = 166;

export class Engine {
  readonly #ctx: EngineContext;
  readonly #listeners = new Set<(e: EngineEvent) => void>();
  readonly #graceMs: number;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: EngineDeps) {
    this.#graceMs = deps.prekeyGraceMs ?? PREKEY_GRACE_MS;
    this.#ctx = newContext({
      store: deps.store,
      chain: deps.chain,
      clock: deps.clock,
      random: deps.random,
      network: deps.network,
      ...(deps.chainId ? { chainId: deps.chainId } : {}),
      ...(deps.isolatedCounterReads !== undefined
        ? { isolatedCounterReads: deps.isolatedCounterReads }
        : {}),
      emit: (e) => {
        for (const l of this.#listeners) {
          try {
            l(e);
          } catch {
            // a listener's failure is its own
          }
        }
      },
    });
  }

  get #db() {
    return this.#ctx.store.db;
  }

  // ---- identities -------------------------------------------------------------------------

  async createIdentity(opts: {
    name: string;
    secretKey?: string;
    mnemonic?: string;
  }): Promise<IdentityInfo> {
    const name = opts.name.trim();
    if (!name) throw new EngineError('invalid-key', 'An identity needs a name');
    let account: Account;
    if (opts.secretKey) account = await accountFromSecretKey(opts.secretKey);
    else if (opts.mnemonic) account = await accountFromMnemonic(opts.mnemonic);
    else account = await generateAccount(this.#ctx.random);
    if (findIdentity(this.#db, name) || getIdentity(this.#db, account.address)) {
      throw new EngineError(
        'identity-exists',
        `An identity named ${name} or with this address exists`,
      );
    }
    const now = this.#ctx.clock.now();
    this.#ctx.store.transaction(() => {
      insertIdentity(this.#db, {
        address: account.address,
        name,
        secretKey: account.secretKey,
        publicKey: account.publicKey,
        keys: generateIdentityKeys(this.#ctx.random),
        prekeyCreatedAt: now,
        publishedBundle: null,
        requestCursor: 0,
        createdAt: now,
      });
      if (!getSetting(this.#db, CURRENT)) setSetting(this.#db, CURRENT, account.address);
    });
    return this.#info(getIdentity(this.#db, account.address)!);
  }

  listIdentities(): IdentityInfo[] {
    return allIdentities(this.#db).map((i) => this.#info(i));
  }

  useIdentity(addressOrName: string): void {
    const id = findIdentity(this.#db, addressOrName);
    if (!id) throw new EngineError('unknown-identity', `No identity ${addressOrName}`);
    setSetting(this.#db, CURRENT, id.address);
  }

  current(): IdentityInfo {
    return this.#info(this.#current());
  }

  async publishBundle(): Promise<OpProgress> {
    const id = this.#current();
    const writer = await this.#ctx.writer(id.secretKey);
    return publish(this.#ctx, id.address, writer);
  }

  /**
   * A new signed prekey; the old ones are kept for the grace period (longer
   * while a request is pending: PENDING_REQUEST_PREKEY_HOLD_MS); the bundle
   * is re-published.
   */
  async rotatePrekey(): Promise<OpProgress> {
    const id = this.#current();
    const now = this.#ctx.clock.now();
    const pending = pendingRequests(this.#db, id.address).length > 0;
    const keep = pending ? Math.max(this.#graceMs, PENDING_REQUEST_PREKEY_HOLD_MS) : this.#graceMs;
    const keys = dropExpiredPrekeys(rotateKeys(id.keys, now, this.#ctx.random), now, keep);
    updateKeys(this.#db, id.address, keys, now);
    return this.publishBundle();
  }

  /** The identity's own 30 digits of every safety number it is part of, in groups of 5. */
  fingerprint(): string {
    const id = this.#current();
    const me = { accountPublicKey: id.publicKey, identityKey: id.keys.identity.publicKey };
    return formatSafetyNumber(safetyDigits(me, me).slice(0, 30));
  }

  // ---- contacts ---------------------------------------------------------------------------

  async addContact(address: string, name?: string): Promise<ContactInfo> {
    const id = this.#current();
    address = address.trim();
    if (!isImplicitAddress(address)) {
      throw new EngineError('invalid-address', `${address} is not a Tezos account address`);
    }
    if (address === id.address)
      throw new EngineError('invalid-address', 'That is your own address');
    const label = name?.trim() || address;
    if (getContact(this.#db, id.address, address) || lookupContact(this.#db, id.address, label)) {
      throw new EngineError('contact-exists', `${label} is already a contact`);
    }
    const bctx = await this.#ctx.bundleContext();
    const { bytes } = await fetchBundle(this.#ctx.chain, address, bctx, label, 'directory');
    return this.#insertContact(id, address, label, bytes, 0, false);
  }

  listContacts(): ContactInfo[] {
    return contactsOf(this.#db, this.#current().address).map(contactInfo);
  }

  findContact(nameOrAddress: string): ContactInfo {
    return contactInfo(this.#contact(nameOrAddress));
  }

  removeContact(c: string): void {
    const id = this.#current();
    const contact = this.#contact(c);
    this.#ctx.store.transaction(() => {
      deleteContact(this.#db, id.address, contact.address);
      this.#db
        .prepare("DELETE FROM messages WHERE identity = ? AND contact = ? AND direction = 'in'")
        .run(id.address, contact.address);
    });
  }

  safetyNumber(c: string): string {
    const id = this.#current();
    const contact = this.#contact(c);
    const theirs = decodeBundle(contact.bundle);
    return formatSafetyNumber(
      safetyDigits(
        { accountPublicKey: id.publicKey, identityKey: id.keys.identity.publicKey },
        { accountPublicKey: theirs.accountPublicKey, identityKey: theirs.identityKey },
      ),
    );
  }

  markVerified(c: string): void {
    const contact = this.#contact(c);
    updateContactFields(this.#db, contact.identity, contact.address, { verified: true });
  }

  /** Adopts a contact's changed bundle: new safety number (unverified), sessions start over. */
  acceptBundleChange(c: string): void {
    const contact = this.#contact(c);
    if (!contact.pendingBundle) return;
    const pending = contact.pendingBundle;
    this.#ctx.store.transaction(() => {
      updateContactFields(this.#db, contact.identity, contact.address, {
        bundle: pending,
        pendingBundle: null,
        verified: false,
        requestSent: false, // whoever holds the new keys may not know us: introduce ourselves again
      });
      saveConversation(this.#db, contact.identity, contact.address, null);
    });
  }

  // ---- messages ---------------------------------------------------------------------------

  /**
   * Encrypts and queues a message: the message, the new conversation state and
   * the outbox row(s) are committed in one transaction; posting is done by
   * `flushOutbox` (or the run loop). Returns the message in state 'queued'.
   */
  async send(c: string, text: string, opts: SendOptions = {}): Promise<MessageInfo> {
    const id = this.#current();
    let contact = this.#contact(c);
    const bctx = await this.#ctx.bundleContext();
    let fresh: Uint8Array | null = null;
    try {
      fresh = (
        await fetchBundle(
          this.#ctx.chain,
          contact.address,
          bctx,
          contact.name,
          `contact:${contact.address}`,
        )
      ).bytes;
    } catch (e) {
      const code = errorCode(e);
      if (code === 'bundle-forged' || code === 'not-registered') throw e;
      if (code === 'forged-bundle') {
        throw new EngineError(
          'bundle-forged',
          `The key bundle of ${contact.name} does not verify`,
          {
            cause: e,
          },
        );
      }
      fresh = null; // unreachable: send on the session we have, if any
    }
    if (fresh) this.#noteBundle(contact, fresh, bctx);
    contact = this.#contact(contact.address);
    if (contact.pendingBundle) {
      if (!opts.confirmChanged) {
        throw new EngineError(
          'bundle-changed',
          `The key bundle of ${contact.name} changed: compare the safety number, then confirm`,
        );
      }
      this.acceptBundleChange(contact.address);
      contact = this.#contact(contact.address);
    }
    return this.#encryptAndQueue(id, contact, text, opts, bctx);
  }

  async flushOutbox(
    opts: Pick<FlushOptions, 'onProgress' | 'waitFinal' | 'signal'> = {},
  ): Promise<void> {
    // One flush at a time (the run loop and a command may both ask): a second
    // caller waits for the first, then flushes what is left.
    const previous = this.#flushing;
    const mine = (async () => {
      await previous.catch(() => {});
      // With waitFinal, flushIdentity waits for the finality of its last level; then the marks.
      for (const address of identitiesWithOutbox(this.#db)) {
        await flushIdentity(this.#ctx, address, opts);
      }
      await advanceFinality(this.#ctx, opts);
    })();
    this.#flushing = mine;
    return mine;
  }

  async sync(opts: SyncOptions = {}): Promise<SyncReport> {
    const id = this.#current();
    const report = await syncIdentity(this.#ctx, id.address, opts);
    await advanceFinality(this.#ctx);
    return report;
  }

  messages(c: string, opts: { limit?: number } = {}): MessageInfo[] {
    const contact = this.#contact(c);
    return messagesWith(this.#db, contact.identity, contact.address, opts.limit ?? 1000);
  }

  markRead(c: string): void {
    const contact = this.#contact(c);
    markReadRows(this.#db, contact.identity, contact.address);
  }

  unread(): { contact: ContactInfo; unread: number }[] {
    const id = this.#current();
    const counts = unreadCounts(this.#db, id.address);
    return contactsOf(this.#db, id.address)
      .map((c) => ({ contact: contactInfo(c), unread: counts.get(c.address) ?? 0 }))
      .filter((u) => u.unread > 0);
  }

  // ---- requests ---------------------------------------------------------------------------

  listRequests(): RequestInfo[] {
    return pendingRequests(this.#db, this.#current().address).map(requestInfo);
  }

  /** Adds the request's sender as a contact and reads its box from the index the request names. */
  async acceptRequest(address: string, name?: string): Promise<ContactInfo> {
    const id = this.#current();
    const req = pendingRequests(this.#db, id.address).find((r) => r.sender === address);
    if (!req) throw new EngineError('unknown-request', `No pending request from ${address}`);
    const label = name?.trim() || address;
    if (lookupContact(this.#db, id.address, label)) {
      throw new EngineError('contact-exists', `${label} is already a contact`);
    }
    const bctx = await this.#ctx.bundleContext();
    let bytes = req.bundle;
    try {
      bytes = (await fetchBundle(this.#ctx.chain, address, bctx, label, 'directory')).bytes;
    } catch (e) {
      if (errorCode(e) === 'bundle-forged') throw e;
    }
    verifiedBundle(bytes, address, bctx, label);
    const info = this.#insertContact(id, address, label, bytes, req.postalIndex, true);
    await syncIdentity(this.#ctx, id.address, { only: [address] });
    return this.findContact(info.address);
  }

  ignoreRequest(address: string): void {
    setRequestsState(this.#db, this.#current().address, address, 'ignored');
  }

  blockRequest(address: string): void {
    block(this.#db, this.#current().address, address);
  }

  // ---- status and live use ----------------------------------------------------------------

  async status(): Promise<EngineStatus> {
    const id = this.#current();
    const [head, balance, published] = await Promise.all([
      this.#ctx.chain.head('directory'),
      this.#ctx.chain.balance(id.address, 'writes'),
      isPublished(this.#ctx, id),
    ]);
    let cost: OperationCost;
    try {
      const writer = await this.#ctx.writer(id.secretKey);
      cost = await writer.estimate({
        kind: 'post',
        entries: [new Uint8Array(TYPICAL_ENTRY_BYTES)],
      });
    } catch {
      cost = staticPostCost(TYPICAL_ENTRY_BYTES);
    }
    return {
      network: this.#ctx.network,
      headLevel: head.level,
      address: id.address,
      balanceMutez: balance,
      bundlePublished: published,
      typicalMessageCost: cost,
    };
  }

  /**
   * Background loop for live use (the chat). Reads: each round of
   * `pollPeriodMs` starts with one counters call (and the request box), then
   * reads each contact box that has new entries at its own random offset in
   * the round (pollSchedule.ts), so that reads of different contacts are not
   * grouped in time. Writes: when the outbox holds something, it is flushed
   * after a random write jitter in [writeJitterMinMs, writeJitterMaxMs]
   * (default: DEFAULT_POLL_CONFIG's bounds, capped at a tenth and a half of
   * the period, so a short test period stays short). Rotates the prekey on
   * schedule; failures become 'error' events and never stop the loop.
   * Resolves when `signal` aborts.
   */
  async run(opts: RunOptions): Promise<void> {
    const period = Math.max(1, Math.round(opts.pollPeriodMs));
    const jitterMin =
      opts.writeJitterMinMs ??
      Math.min(DEFAULT_POLL_CONFIG.writeJitterMinMs, Math.floor(period / 10));
    const jitterMax =
      opts.writeJitterMaxMs ??
      Math.max(jitterMin, Math.min(DEFAULT_POLL_CONFIG.writeJitterMaxMs, Math.floor(period / 2)));
    checkPollConfig({
      pollPeriodMs: period,
      writeJitterMinMs: jitterMin,
      writeJitterMaxMs: jitterMax,
    });
    await Promise.all([
      this.#readLoop(period, opts.signal),
      this.#writeLoop(period, jitterMin, jitterMax, opts.signal),
    ]);
  }

  async #readLoop(period: number, signal: AbortSignal): Promise<void> {
    const clock = this.#ctx.clock;
    while (!signal.aborted) {
      const roundStart = clock.now();
      try {
        const id = this.#current();
        if (this.#ctx.isolatedCounterReads)
          await this.#isolatedRound(id.address, roundStart, period, signal);
        else await this.#batchedRound(id.address, roundStart, period, signal);
        await advanceFinality(this.#ctx);
        await this.#rotateIfDue();
      } catch (e) {
        if (signal.aborted) break;
        this.#ctx.emit({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) });
      }
      if (!(await sleepUntil(clock, roundStart + period, signal))) break;
    }
  }

  /**
   * One round with batched counters: one call for everyone at the start of
   * the round, then each box with new entries at its own random offset.
   */
  async #batchedRound(
    address: string,
    roundStart: number,
    period: number,
    signal: AbortSignal,
  ): Promise<void> {
    const tally = newTally();
    const due = await readCountersAndRequests(this.#ctx, address, tally, { signal });
    if (tally.requests > 0 || tally.junkSkipped > 0 || due.length === 0) {
      this.#ctx.emit({ type: 'sync', report: { ...tally } });
    }
    for (const read of roundSchedule(due, period, this.#ctx.random)) {
      await sleepUntil(this.#ctx.clock, roundStart + read.offsetMs, signal);
      const t = newTally();
      await readContactBox(this.#ctx, address, read.contact, t, { signal });
      this.#ctx.emit({ type: 'sync', report: t });
    }
  }

  /**
   * One round with isolated counters: every contact, and our request box,
   * at its own random offset; at that moment its counter is read (in its
   * own isolation group) and, if there is something new, its box.
   */
  async #isolatedRound(
    address: string,
    roundStart: number,
    period: number,
    signal: AbortSignal,
  ): Promise<void> {
    const targets: (string | null)[] = [
      null,
      ...contactsOf(this.#db, address).map((c) => c.address),
    ];
    for (const slot of roundSchedule(targets, period, this.#ctx.random)) {
      if (!(await sleepUntil(this.#ctx.clock, roundStart + slot.offsetMs, signal))) return;
      const t = newTally();
      if (slot.contact === null) {
        await readOwnRequests(this.#ctx, address, t);
      } else {
        const due = await readCountersAndRequests(this.#ctx, address, t, {
          signal,
          only: [slot.contact],
        });
        for (const d of due) await readContactBox(this.#ctx, address, d, t, { signal });
      }
      this.#ctx.emit({ type: 'sync', report: t });
    }
  }

  async #writeLoop(
    period: number,
    jitterMin: number,
    jitterMax: number,
    signal: AbortSignal,
  ): Promise<void> {
    const clock = this.#ctx.clock;
    const idle = Math.max(10, Math.min(250, Math.floor(period / 4)));
    while (!signal.aborted) {
      let wait = idle;
      if (identitiesWithOutbox(this.#db).length > 0) {
        if (!(await sleepFor(clock, writeJitter(jitterMin, jitterMax, this.#ctx.random), signal)))
          break;
        try {
          await this.flushOutbox({ signal });
          wait = 0;
        } catch (e) {
          if (signal.aborted) break;
          this.#ctx.emit({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) });
        }
      }
      if (!(await sleepFor(clock, wait, signal))) break;
    }
  }

  on(event: 'change', listener: (e: EngineEvent) => void): () => void {
    if (event !== 'change') throw new Error(`Unknown event ${event}`);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- internals --------------------------------------------------------------------------

  #current(): IdentityRecord {
    const address = getSetting(this.#db, CURRENT);
    const id = address ? getIdentity(this.#db, address) : null;
    if (!id) throw new EngineError('no-identity', 'No identity yet: create one first');
    return id;
  }

  #info(id: IdentityRecord): IdentityInfo {
    const prekey = id.keys.prekeys[0]!;
    let published = false;
    if (id.publishedBundle) {
      try {
        const b = decodeBundle(id.publishedBundle);
        published =
          b.prekeyEpoch === prekey.epoch &&
          Buffer.from(b.signedPrekey).equals(Buffer.from(prekey.prekey.publicKey)) &&
          Buffer.from(b.identityKey).equals(Buffer.from(id.keys.identity.publicKey));
      } catch {
        published = false;
      }
    }
    return {
      address: id.address,
      name: id.name,
      publicKey: id.publicKey,
      bundlePublished: published,
      prekeyEpoch: prekey.epoch,
      current: getSetting(this.#db, CURRENT) === id.address,
    };
  }

  #contact(nameOrAddress: string): ContactRecord {
    const id = this.#current();
    const c = lookupContact(this.#db, id.address, nameOrAddress);
    if (!c) throw new EngineError('unknown-contact', `No contact ${nameOrAddress}`);
    return c;
  }

  #insertContact(
    id: IdentityRecord,
    address: string,
    name: string,
    bundle: Uint8Array,
    cursor: number,
    fromRequest: boolean,
  ): ContactInfo {
    this.#ctx.store.transaction(() => {
      insertContact(this.#db, {
        identity: id.address,
        address,
        name,
        bundle,
        pendingBundle: null,
        verified: false,
        cursor,
        conversation: null,
        requestSent: fromRequest,
        junk: 0,
        addedAt: this.#ctx.clock.now(),
      });
      setRequestsState(this.#db, id.address, address, 'accepted');
    });
    return contactInfo(getContact(this.#db, id.address, address)!);
  }

  /** Records a freshly fetched, verified bundle: a rotation is adopted, an identity change flagged. */
  #noteBundle(
    contact: ContactRecord,
    fresh: Uint8Array,
    bctx: { contract: string; chainId: string },
  ): void {
    if (sameBundleBytes(contact.bundle, fresh)) {
      if (contact.pendingBundle) {
        updateContactFields(this.#db, contact.identity, contact.address, { pendingBundle: null });
      }
      return;
    }
    const held = verifiedBundle(contact.bundle, contact.address, bctx, contact.name);
    const now = verifiedBundle(fresh, contact.address, bctx, contact.name);
    if (sameIdentity(held, now)) {
      updateContactFields(this.#db, contact.identity, contact.address, {
        bundle: fresh,
        pendingBundle: null,
      });
    } else if (!sameBundleBytes(contact.pendingBundle, fresh)) {
      updateContactFields(this.#db, contact.identity, contact.address, { pendingBundle: fresh });
      this.#ctx.emit({ type: 'bundle-changed', contact: contact.address });
    }
  }

  #encryptAndQueue(
    id: IdentityRecord,
    contact: ContactRecord,
    text: string,
    opts: SendOptions,
    bctx: { contract: string; chainId: string },
  ): MessageInfo {
    const db = this.#db;
    const verified = verifiedBundle(contact.bundle, contact.address, bctx, contact.name);
    const conv =
      loadConversation(contact) ??
      createConversation({
        ourAddress: id.address,
        peerAddress: contact.address,
        peerIdentityKey: verified.identityKey,
        contract: verified.contract,
        chainId: verified.chainId,
      });
    const plaintext = new TextEncoder().encode(text);
    const enc = encryptMessage(conv, plaintext, {
      ours: id.keys,
      random: this.#ctx.random,
      bundle: verified,
    });
    if (enc.entry.length > MAX_ENTRY_BYTES) {
      throw new EngineError(
        'too-long',
        `The message is too long for one entry (${enc.entry.length} > ${MAX_ENTRY_BYTES} bytes)`,
      );
    }
    const request = opts.request ?? !contact.requestSent;
    const messageId = Buffer.from(this.#ctx.random(16)).toString('hex');
    this.#ctx.store.transaction(() => {
      insertMessage(db, {
        id: messageId,
        identity: id.address,
        contact: contact.address,
        direction: 'out',
        text,
        time: this.#ctx.clock.now(),
        state: 'queued',
        boxIndex: null,
      });
      saveConversation(db, id.address, contact.address, enc.conversation);
      enqueue(db, {
        identity: id.address,
        kind: 'post',
        messageId,
        contact: contact.address,
        entry: enc.entry,
      });
      if (request) {
        enqueue(db, {
          identity: id.address,
          kind: 'request',
          messageId: null,
          contact: contact.address,
          entry: enc.entry,
        });
      }
      if (!contact.requestSent) {
        updateContactFields(db, id.address, contact.address, { requestSent: true });
      }
    });
    const m = getMessage(db, messageId)!;
    this.#ctx.emit({ type: 'message', message: m });
    return m;
  }

  async #rotateIfDue(): Promise<void> {
    const id = this.#current();
    if (this.#ctx.clock.now() - id.prekeyCreatedAt >= PREKEY_ROTATION_MS) await this.rotatePrekey();
  }
}

/** A cost estimate from the contract's documented figures, when simulation is not possible. */
function staticPostCost(entryBytes: number): OperationCost {
  const storageBytes = entryBytes + 78;
  const gasLimit = 1100;
  const feeMutez = BigInt(100 + Math.ceil(gasLimit / 10) + 200 + entryBytes);
  const burnMutez = BigInt(storageBytes * 250);
  return { feeMutez, burnMutez, gasLimit, storageBytes, totalMutez: feeMutez + burnMutez };
}
