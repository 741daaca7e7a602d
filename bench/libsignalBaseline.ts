/**
 * The libsignal side of the crypto benchmark: in-memory stores, parties with
 * a published prekey bundle, and send/receive helpers over
 * `@signalapp/libsignal-client`'s Node API.
 *
 * Bundles have a signed prekey and a Kyber (ML-KEM) prekey but no one-time
 * prekey, like Mizu's. Stores keep native records as they are (no
 * serialization), which is the cheapest choice a client could make, so the
 * baseline is not slowed down by this harness.
 */

import { randomUUID } from 'node:crypto';
import {
  Aci,
  CiphertextMessageType,
  IdentityChange,
  IdentityKeyPair,
  IdentityKeyStore,
  KEMKeyPair,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyBundle,
  type PreKeyRecord,
  PreKeySignalMessage,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  type PublicKey,
  processPreKeyBundle,
  type SessionRecord,
  SessionStore,
  SignalMessage,
  SignedPreKeyRecord,
  SignedPreKeyStore,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';

function missing(what: string, id: number | string): Error {
  return new Error(`libsignal baseline: no ${what} ${id}`);
}

export class MemorySessionStore extends SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.sessions.set(name.toString(), record);
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    return this.sessions.get(name.toString()) ?? null;
  }

  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((address) => {
      const record = this.sessions.get(address.toString());
      if (!record) throw missing('session with', address.toString());
      return record;
    });
  }
}

export class MemoryIdentityStore extends IdentityKeyStore {
  private readonly known = new Map<string, PublicKey>();

  constructor(
    private readonly identity: IdentityKeyPair,
    private readonly registrationId: number,
  ) {
    super();
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return this.identity.privateKey;
  }

  // The base class derives the public key again on every call; a real client caches the pair.
  override async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return this.identity;
  }

  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }

  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const previous = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return previous && !previous.equals(key)
      ? IdentityChange.ReplacedExisting
      : IdentityChange.NewOrUnchanged;
  }

  async isTrustedIdentity(name: ProtocolAddress, key: PublicKey): Promise<boolean> {
    const previous = this.known.get(name.toString());
    return !previous || previous.equals(key);
  }

  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    return this.known.get(name.toString()) ?? null;
  }
}

export class MemoryPreKeyStore extends PreKeyStore {
  private readonly records = new Map<number, PreKeyRecord>();

  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getPreKey(id: number): Promise<PreKeyRecord> {
    const record = this.records.get(id);
    if (!record) throw missing('prekey', id);
    return record;
  }

  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

export class MemorySignedPreKeyStore extends SignedPreKeyStore {
  private readonly records = new Map<number, SignedPreKeyRecord>();

  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const record = this.records.get(id);
    if (!record) throw missing('signed prekey', id);
    return record;
  }
}

/** Keeps Kyber prekeys as last-resort keys: marking one used does not remove it. */
export class MemoryKyberPreKeyStore extends KyberPreKeyStore {
  private readonly records = new Map<number, KyberPreKeyRecord>();

  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    const record = this.records.get(id);
    if (!record) throw missing('Kyber prekey', id);
    return record;
  }

  async markKyberPreKeyUsed(): Promise<void> {}
}

const DEVICE_ID = 1;
const SIGNED_PREKEY_ID = 1;
const KYBER_PREKEY_ID = 1;

export interface SignalParty {
  readonly address: ProtocolAddress;
  readonly identity: IdentityKeyPair;
  readonly registrationId: number;
  readonly identityStore: MemoryIdentityStore;
  /** Replaceable, so a benchmark can start from an empty session store. */
  sessionStore: MemorySessionStore;
  readonly preKeyStore: MemoryPreKeyStore;
  readonly signedPreKeyStore: MemorySignedPreKeyStore;
  readonly kyberPreKeyStore: MemoryKyberPreKeyStore;
  /** What the party publishes: identity key, signed prekey and Kyber prekey. */
  readonly bundle: PreKeyBundle;
}

export async function createSignalParty(registrationId: number): Promise<SignalParty> {
  const identity = IdentityKeyPair.generate();
  const signedPreKey = PrivateKey.generate();
  const signedPublic = signedPreKey.getPublicKey();
  const signedSignature = identity.privateKey.sign(signedPublic.serialize());
  const kyber = KEMKeyPair.generate();
  const kyberSignature = identity.privateKey.sign(kyber.getPublicKey().serialize());
  const party: SignalParty = {
    address: ProtocolAddress.new(Aci.fromUuid(randomUUID()), DEVICE_ID),
    identity,
    registrationId,
    identityStore: new MemoryIdentityStore(identity, registrationId),
    sessionStore: new MemorySessionStore(),
    preKeyStore: new MemoryPreKeyStore(),
    signedPreKeyStore: new MemorySignedPreKeyStore(),
    kyberPreKeyStore: new MemoryKyberPreKeyStore(),
    bundle: PreKeyBundle.new(
      registrationId,
      DEVICE_ID,
      null,
      null,
      SIGNED_PREKEY_ID,
      signedPublic,
      signedSignature,
      identity.publicKey,
      KYBER_PREKEY_ID,
      kyber.getPublicKey(),
      kyberSignature,
    ),
  };
  await party.signedPreKeyStore.saveSignedPreKey(
    SIGNED_PREKEY_ID,
    SignedPreKeyRecord.new(
      SIGNED_PREKEY_ID,
      Date.now(),
      signedPublic,
      signedPreKey,
      signedSignature,
    ),
  );
  await party.kyberPreKeyStore.saveKyberPreKey(
    KYBER_PREKEY_ID,
    KyberPreKeyRecord.new(KYBER_PREKEY_ID, Date.now(), kyber, kyberSignature),
  );
  return party;
}

/** A serialized message as it would travel, with its libsignal type. */
export interface SignalWireMessage {
  readonly type: CiphertextMessageType;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** `from` processes `to`'s bundle: the next message it sends to `to` is a prekey message. */
export function startSignalSession(from: SignalParty, to: SignalParty): Promise<void> {
  return processPreKeyBundle(
    to.bundle,
    to.address,
    from.address,
    from.sessionStore,
    from.identityStore,
  );
}

export async function signalSend(
  from: SignalParty,
  to: SignalParty,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<SignalWireMessage> {
  const message = await signalEncrypt(
    plaintext,
    to.address,
    from.address,
    from.sessionStore,
    from.identityStore,
  );
  return { type: message.type(), bytes: message.serialize() };
}

export function signalReceive(
  to: SignalParty,
  from: SignalParty,
  message: SignalWireMessage,
): Promise<Uint8Array<ArrayBuffer>> {
  if (message.type === CiphertextMessageType.PreKey) {
    return signalDecryptPreKey(
      PreKeySignalMessage.deserialize(message.bytes),
      from.address,
      to.address,
      to.sessionStore,
      to.identityStore,
      to.preKeyStore,
      to.signedPreKeyStore,
      to.kyberPreKeyStore,
    );
  }
  if (message.type !== CiphertextMessageType.Whisper) {
    throw new Error(`libsignal baseline: unexpected message type ${message.type}`);
  }
  return signalDecrypt(
    SignalMessage.deserialize(message.bytes),
    from.address,
    to.address,
    to.sessionStore,
    to.identityStore,
  );
}

/**
 * A full session start: `a` processes `b`'s bundle and sends a prekey
 * message, `b` answers, `a` reads the answer. Afterwards both sides send
 * ordinary (Whisper) messages.
 */
export async function establishSignalSession(a: SignalParty, b: SignalParty): Promise<void> {
  const hello = new Uint8Array(16);
  await startSignalSession(a, b);
  await signalReceive(b, a, await signalSend(a, b, hello));
  const reply = await signalSend(b, a, hello);
  if (reply.type !== CiphertextMessageType.Whisper) {
    throw new Error('libsignal baseline: the reply should be an ordinary message');
  }
  await signalReceive(a, b, reply);
}
