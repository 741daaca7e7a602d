/**
 * Builds Mizu's own test vectors (test/vectors/mizu-v1.json): every format
 * Mizu writes, produced deterministically from seeded randomness and fixed
 * test account keys. test/vectors/generate.ts writes the result to disk;
 * test/protocol/vectors.test.ts rebuilds it and compares byte for byte.
 *
 * Everything is hex unless the field name says otherwise (plaintexts and
 * notes are text, the postal index a decimal string). Private keys are test
 * keys: they are there so that another implementation can check itself.
 */

import type { Random } from '../../src/ports/random.js';
import { toHex, utf8 } from '../../src/protocol/bytes.js';
import {
  type Conversation,
  createConversation,
  DEFAULT_PADDING,
  decryptEntry,
  encodeConversation,
  encryptMessage,
  formatSafetyNumber,
  pad,
  safetyNumber,
  sealRequest,
} from '../../src/protocol/index.js';
import { x3dhInitiate } from '../../src/protocol/x3dh.js';
import { recordingRandom, replayRandom, text } from './chat.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  seededRandom,
  type TestUser,
  testSecretKey,
} from './fixtures.js';

export interface PartyVector {
  readonly address: string;
  readonly accountPublicKey: string;
  readonly identityPrivateKey: string;
  readonly identityPublicKey: string;
  readonly prekeyEpoch: number;
  readonly prekeyPrivateKey: string;
  readonly prekeyPublicKey: string;
  /** The 64-byte ML-KEM-768 key generation seed (d ‖ z), or null for a bundle without KEM. */
  readonly kemSeed: string | null;
  readonly bundle: string;
}

export interface MessageVector {
  readonly from: 'alice' | 'bob';
  readonly to: 'alice' | 'bob';
  readonly kind: 'initial' | 'initial-pq' | 'message';
  readonly plaintext: string;
  readonly entry: string;
}

export interface FlowVector {
  readonly postQuantum: boolean;
  /** Initial message A→B, then a steady message B→A, then one A→B. */
  readonly messages: readonly MessageVector[];
  /** Alice's conversation state right after she sent the initial message. */
  readonly aliceStateAfterInitial: string;
  /** Bob's conversation state right after he sent his reply (it reads the third message). */
  readonly bobStateAfterReply: string;
}

export interface MizuVectors {
  readonly description: string;
  readonly generator: string;
  readonly context: { readonly contract: string; readonly chainId: string };
  readonly parties: { readonly alice: PartyVector; readonly bob: PartyVector };
  readonly x3dhClassic: {
    readonly ephemeralPrivateKey: string;
    readonly ephemeralPublicKey: string;
    readonly sharedSecret: string;
    readonly headerKeyA: string;
    readonly nextHeaderKeyB: string;
    readonly associatedData: string;
  };
  readonly flows: { readonly classic: FlowVector; readonly pq: FlowVector };
  readonly discoveryRequest: {
    readonly from: 'alice';
    readonly to: 'bob';
    readonly postalIndex: string;
    readonly note: string;
    readonly request: string;
  };
  readonly padding: {
    readonly plaintext: string;
    readonly paddedDefault: string;
    readonly paddedNone: string;
  };
  readonly safetyNumber: { readonly digits: string; readonly formatted: string };
}

/** Seeds and texts of the vectors: changing any of them changes the file. */
export const VECTOR_INPUTS = {
  aliceKey: testSecretKey('mizu-v1/alice'),
  bobKey: testSecretKey('mizu-v1/bob'),
  texts: {
    classic: ['Hello Bob, this is Alice.', 'Hi Alice! Bob here.', 'Good to hear from you.'],
    pq: ['Hello again, post-quantum this time.', 'Still readable.', 'Bye for now.'],
  },
  postalIndex: 7n,
  note: 'Alice from the Tezos meetup',
  paddingText: 'Mizu padding vector',
} as const;

async function party(
  name: 'alice' | 'bob',
  withKem: boolean,
): Promise<{ user: TestUser; vector: PartyVector }> {
  const rec = recordingRandom(seededRandom(`mizu-v1/${name}/keys`));
  const key = name === 'alice' ? VECTOR_INPUTS.aliceKey : VECTOR_INPUTS.bobKey;
  const user = await makeUser(name, key, rec.random, { withKem });
  // generateIdentityKeys draws: identity (32), prekey (32), then the KEM seed (64).
  const prekey = user.keys.prekeys[0]!;
  return {
    user,
    vector: {
      address: user.address,
      accountPublicKey: user.publicKey,
      identityPrivateKey: toHex(user.keys.identity.privateKey),
      identityPublicKey: toHex(user.keys.identity.publicKey),
      prekeyEpoch: prekey.epoch,
      prekeyPrivateKey: toHex(prekey.prekey.privateKey),
      prekeyPublicKey: toHex(prekey.prekey.publicKey),
      kemSeed: withKem ? toHex(rec.draws[2]!) : null,
      bundle: toHex(user.bundleBytes),
    },
  };
}

function conversation(me: TestUser, peer: TestUser): Conversation {
  return createConversation({
    ourAddress: me.address,
    peerAddress: peer.address,
    peerIdentityKey: peer.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
}

function mustRead(conv: Conversation, entry: Uint8Array, reader: TestUser, random: Random) {
  const out = decryptEntry(conv, entry, { ours: reader.keys, random });
  if (out.status !== 'ok')
    throw new Error(`vector generation: ${reader.name} cannot read an entry`);
  return out;
}

function flow(
  alice: TestUser,
  bob: TestUser,
  label: 'classic' | 'pq',
): { vector: FlowVector; aliceDraws: Uint8Array[] } {
  const postQuantum = label === 'pq';
  const [t1, t2, t3] = VECTOR_INPUTS.texts[label];
  const aRandom = recordingRandom(seededRandom(`mizu-v1/${label}/alice`));
  const bRandom = seededRandom(`mizu-v1/${label}/bob`);
  let a = conversation(alice, bob);
  let b = conversation(bob, alice);

  const m1 = encryptMessage(a, utf8(t1), {
    ours: alice.keys,
    random: aRandom.random,
    bundle: bob.bundle,
    postQuantum,
  });
  a = m1.conversation;
  const aliceStateAfterInitial = encodeConversation(a);
  const r1 = mustRead(b, m1.entry, bob, bRandom);
  b = r1.conversation;

  const m2 = encryptMessage(b, utf8(t2), { ours: bob.keys, random: bRandom });
  b = m2.conversation;
  const bobStateAfterReply = encodeConversation(b);
  const r2 = mustRead(a, m2.entry, alice, aRandom.random);
  a = r2.conversation;

  const m3 = encryptMessage(a, utf8(t3), { ours: alice.keys, random: aRandom.random });
  a = m3.conversation;
  const r3 = mustRead(b, m3.entry, bob, bRandom);
  b = r3.conversation;

  if ([r1, r2, r3].map((r) => text(r.plaintext)).join('|') !== [t1, t2, t3].join('|')) {
    throw new Error('vector generation: a plaintext did not survive the round trip');
  }
  return {
    aliceDraws: aRandom.draws,
    vector: {
      postQuantum,
      messages: [
        {
          from: 'alice',
          to: 'bob',
          kind: postQuantum ? 'initial-pq' : 'initial',
          plaintext: t1,
          entry: toHex(m1.entry),
        },
        { from: 'bob', to: 'alice', kind: 'message', plaintext: t2, entry: toHex(m2.entry) },
        { from: 'alice', to: 'bob', kind: 'message', plaintext: t3, entry: toHex(m3.entry) },
      ],
      aliceStateAfterInitial: toHex(aliceStateAfterInitial),
      bobStateAfterReply: toHex(bobStateAfterReply),
    },
  };
}

export async function buildMizuVectors(): Promise<MizuVectors> {
  const alice = await party('alice', false);
  const bob = await party('bob', true);

  const classic = flow(alice.user, bob.user, 'classic');
  const pq = flow(alice.user, bob.user, 'pq');

  // The classic start's X3DH, replaying the ephemeral key the initial message used
  // (the first draw of Alice's randomness in that flow).
  const ephemeral = classic.aliceDraws[0]!;
  const x = x3dhInitiate({
    ourIdentity: alice.user.keys.identity,
    ourAddress: alice.user.address,
    bundle: bob.user.bundle,
    postQuantum: false,
    random: replayRandom(ephemeral),
  });

  const request = sealRequest({
    ourIdentity: alice.user.keys.identity,
    ourAddress: alice.user.address,
    recipient: bob.user.bundle,
    postalIndex: VECTOR_INPUTS.postalIndex,
    note: VECTOR_INPUTS.note,
    random: seededRandom('mizu-v1/request'),
  });

  const digits = safetyNumber(
    { accountPublicKey: alice.user.publicKey, identityKey: alice.user.keys.identity.publicKey },
    { accountPublicKey: bob.user.publicKey, identityKey: bob.user.keys.identity.publicKey },
  );

  const paddingText = utf8(VECTOR_INPUTS.paddingText);
  return {
    description:
      'Mizu protocol v1 test vectors (docs/protocol.md). Hex unless noted; plaintexts and notes are UTF-8 text.',
    generator: 'test/vectors/generate.ts',
    context: { contract: CONTRACT, chainId: CHAIN_ID },
    parties: { alice: alice.vector, bob: bob.vector },
    x3dhClassic: {
      ephemeralPrivateKey: toHex(ephemeral),
      ephemeralPublicKey: toHex(x.ephemeralPublic),
      sharedSecret: toHex(x.sharedSecret),
      headerKeyA: toHex(x.headerKeyA),
      nextHeaderKeyB: toHex(x.nextHeaderKeyB),
      associatedData: toHex(x.associatedData),
    },
    flows: { classic: classic.vector, pq: pq.vector },
    discoveryRequest: {
      from: 'alice',
      to: 'bob',
      postalIndex: VECTOR_INPUTS.postalIndex.toString(),
      note: VECTOR_INPUTS.note,
      request: toHex(request),
    },
    padding: {
      plaintext: toHex(paddingText),
      paddedDefault: toHex(pad(paddingText, DEFAULT_PADDING)),
      paddedNone: toHex(pad(paddingText, { kind: 'none' })),
    },
    safetyNumber: { digits, formatted: formatSafetyNumber(digits) },
  };
}
