/**
 * Interoperability between the project's protocol core (src/protocol, public API
 * only) and an independent implementation written from docs/protocol.md
 * (test/interop/specClient.ts).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemorySigner } from '@taquito/signer';
import {
  activeSessionId,
  type Conversation,
  createConversation,
  DEFAULT_PADDING,
  decryptEntry,
  encryptMessage,
  type IdentityKeys,
  openRequest,
  type PaddingPolicy,
  ProtocolError,
  pad,
  paddedLength,
  safetyNumber,
  sealRequest,
  signBundle,
  unpad,
  type VerifiedBundle,
  verifyBundle,
  verifyRequestSender,
} from '../../src/protocol/index.js';
import {
  CHAIN_ID,
  CONTRACT,
  makeUser,
  OTHER_CHAIN_ID,
  OTHER_CONTRACT,
  seededRandom,
  type TestUser,
  testSecretKey,
} from '../helpers/fixtures.js';
import {
  addressBytes,
  type Padding,
  type SpecBundle,
  type SpecConversation,
  SpecError,
  type SpecIdentity,
  specConversation,
  specDecrypt,
  specEncrypt,
  specIdentity,
  specOpenRequest,
  specPad,
  specPaddedLength,
  specPrekey,
  specRandom,
  specSafetyNumber,
  specSealPayload,
  specSealRequest,
  specSendingSession,
  specSignBundle,
  specUnpad,
  specVerifyBundle,
  specVerifyRequestSender,
} from './specClient.js';

const ctx = (address: string) => ({ address, contract: CONTRACT, chainId: CHAIN_ID });
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
type Curve = 'ed25519' | 'secp256k1' | 'p256';

async function specUser(label: string, withKem = true, curve: Curve = 'ed25519') {
  const signer = await InMemorySigner.fromSecretKey(testSecretKey(`spec-${label}`, curve));
  return specIdentity(signer, specRandom(label), withKem);
}
/** The spec user's bundle, as the project sees it (verified by the project). */
async function projectViewOf(u: SpecIdentity): Promise<VerifiedBundle> {
  return verifyBundle(await specSignBundle(u, CONTRACT, CHAIN_ID), ctx(u.address));
}
/** The project user's bundle, as the spec client sees it (verified by the spec client). */
const specViewOf = (u: TestUser): SpecBundle => specVerifyBundle(u.bundleBytes, ctx(u.address));

/** A project user's keys, held by the spec client (for same-key comparisons). */
function asSpecIdentity(p: TestUser): SpecIdentity {
  return {
    address: p.address,
    accountPublicKey: p.publicKey,
    signer: p.signer,
    ik: { pub: p.keys.identity.publicKey, priv: p.keys.identity.privateKey },
    prekeys: p.keys.prekeys.map((k) => ({
      epoch: k.epoch,
      spk: { pub: k.prekey.publicKey, priv: k.prekey.privateKey },
      kem: k.kem ? { pub: k.kem.publicKey, sk: k.kem.secretKey } : null,
    })),
  };
}

/** What a reader answered: the plaintext, 'not-mine', or the error code. */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProtocolError || e instanceof SpecError) return e.code;
    throw e;
  }
}

/** The project's error code for a thrown ProtocolError (or undefined). */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError || e instanceof SpecError) return e.code;
    throw e;
  }
  return undefined;
}

// ------------------------------------------------------------ parties -----

interface Party {
  readonly name: string;
  send(pt: string, padding?: Padding): Uint8Array;
  /** The plaintext, or 'not-mine'. Throws on errors. */
  receive(entry: Uint8Array): string;
}

function projectParty(
  user: TestUser,
  peer: { address: string; ik: Uint8Array; bundle: VerifiedBundle },
  postQuantum: boolean,
  seed: string,
): Party & { conv: Conversation } {
  const random = seededRandom(seed);
  const ours: IdentityKeys = user.keys;
  return {
    name: `project ${user.name}`,
    conv: createConversation({
      ourAddress: user.address,
      peerAddress: peer.address,
      peerIdentityKey: peer.ik,
      contract: CONTRACT,
      chainId: CHAIN_ID,
    }),
    send(pt, padding) {
      const e = encryptMessage(this.conv, text(pt), {
        ours,
        random,
        bundle: peer.bundle,
        postQuantum,
        ...(padding ? { padding: padding as PaddingPolicy } : {}),
      });
      this.conv = e.conversation;
      return e.entry;
    },
    receive(entry) {
      const d = decryptEntry(this.conv, entry, { ours, random });
      if (d.status !== 'ok') return 'not-mine';
      this.conv = d.conversation;
      return str(d.plaintext);
    },
  };
}

function specParty(
  me: SpecIdentity,
  peer: SpecBundle,
  postQuantum: boolean,
  seed: string,
): Party & { conv: SpecConversation } {
  const rand = specRandom(seed);
  return {
    name: `spec ${me.address}`,
    conv: specConversation(me, { address: peer.address, ik: peer.ik }, CONTRACT, CHAIN_ID),
    send(pt, padding) {
      return specEncrypt(this.conv, text(pt), {
        rand,
        bundle: peer,
        postQuantum,
        ...(padding ? { padding } : {}),
      });
    },
    receive(entry) {
      const d = specDecrypt(this.conv, entry, rand);
      return d.status === 'ok' ? str(d.plaintext) : 'not-mine';
    },
  };
}

/** Alice starts; a conversation with several DH steps, out-of-order delivery, duplicates. */
function converse(alice: Party, bob: Party, hybrid: boolean): void {
  const deliver = (to: Party, entry: Uint8Array, expected: string) =>
    assert.equal(to.receive(entry), expected, `${to.name} reading "${expected}"`);

  // Initial message: kind, size.
  const a1 = alice.send('hello bob');
  assert.equal(a1[0], hybrid ? 0x13 : 0x12);
  assert.equal(a1.length, (hybrid ? 1193 : 105) + specPaddedLength(9));
  // A second message on the same chain before Bob answers: a steady-state entry.
  const a2 = alice.send('second, before any reply', { kind: 'none' });
  assert.equal(a2[0], 0x11);
  assert.equal(a2.length, 65 + 25);
  deliver(bob, a1, 'hello bob');
  assert.equal(
    codeOf(() => bob.receive(a1)),
    'DUPLICATE_MESSAGE',
    'replayed initial message',
  );
  deliver(bob, a2, 'second, before any reply');

  // Bob answers (DH step on Alice's side); out of order within his chain.
  const b1 = bob.send('hi alice');
  const b2 = bob.send('');
  const b3 = bob.send('x'.repeat(1000));
  assert.equal(b3.length, 65 + specPaddedLength(1000));
  deliver(alice, b2, '');
  deliver(alice, b1, 'hi alice');
  assert.equal(
    codeOf(() => alice.receive(b1)),
    'DUPLICATE_MESSAGE',
  );

  // Alice answers (DH step on Bob's side) before reading b3.
  const a3 = alice.send('a3');
  const a4 = alice.send('a4');
  const a5 = alice.send('a5');
  deliver(bob, a5, 'a5');
  deliver(bob, a3, 'a3');

  // Bob answers again: Alice meets the new chain (PN = 3) before b3 of the old one,
  // so b3 comes from a kept chain (§4.2 step 3).
  const b4 = bob.send('b4 after a DH step');
  deliver(alice, b4, 'b4 after a DH step');
  deliver(alice, b3, 'x'.repeat(1000));
  // b3 was the last kept key of its chain, so that chain is no longer tried (§4.2 step 3
  // tries only "chains with kept skipped keys"): a replay is "not mine", not a duplicate.
  assert.equal(alice.receive(b3), 'not-mine');
  // Bob reads a4 from his previous receiving chain.
  deliver(bob, a4, 'a4');

  // Several more DH ratchet steps, alternating, with both paddings.
  for (let i = 0; i < 6; i++) {
    const pad: Padding = i % 2 ? { kind: 'none' } : { kind: 'padme' };
    const x = alice.send(`ping ${i} ${'a'.repeat(i * 37)}`, pad);
    deliver(bob, x, `ping ${i} ${'a'.repeat(i * 37)}`);
    const y1 = bob.send(`pong ${i}`, pad);
    const y2 = bob.send(`pong ${i}'`);
    deliver(alice, y2, `pong ${i}'`);
    deliver(alice, y1, `pong ${i}`);
  }
  // Skipping MAX_SKIP + 1 keys is refused; the state is unchanged afterwards.
  const burst: Uint8Array[] = [];
  for (let i = 0; i < 1002; i++) burst.push(bob.send(`burst ${i}`, { kind: 'none' }));
  assert.equal(
    codeOf(() => alice.receive(burst[1001]!)),
    'TOO_MANY_SKIPPED',
  );
  deliver(alice, burst[1000]!, 'burst 1000');
  deliver(alice, burst[0]!, 'burst 0');
  deliver(alice, burst[1001]!, 'burst 1001');
  deliver(alice, burst[500]!, 'burst 500');
  // Replay within the current receiving chain: a consumed kept key → duplicate (step 1).
  assert.equal(
    codeOf(() => alice.receive(burst[500]!)),
    'DUPLICATE_MESSAGE',
  );
  assert.equal(
    codeOf(() => alice.receive(burst[1001]!)),
    'DUPLICATE_MESSAGE',
  );
  // After another DH step the burst chain is an older chain with kept keys (step 3).
  deliver(bob, alice.send('step'), 'step');
  deliver(alice, bob.send('new chain'), 'new chain');
  deliver(alice, burst[1]!, 'burst 1');
  assert.equal(
    codeOf(() => alice.receive(burst[500]!)),
    'DUPLICATE_MESSAGE',
  );
  assert.equal(
    codeOf(() => alice.receive(burst[1]!)),
    'DUPLICATE_MESSAGE',
  );
  deliver(alice, burst[999]!, 'burst 999');
  // A tampered body: decryption failure (or at most not-mine), never a wrong plaintext.
  const last = alice.send('final');
  const bad = last.slice();
  bad[60] = bad[60]! ^ 1;
  assert.equal(
    codeOf(() => bob.receive(bad)),
    'DECRYPTION_FAILED',
  );
  deliver(bob, last, 'final');
}

// ------------------------------------------------------------- tests ------

describe('interop with an implementation written from docs/protocol.md', () => {
  test('1. bundles: project → spec and spec → project, all three curves', async () => {
    for (const curve of ['ed25519', 'secp256k1', 'p256'] as const) {
      for (const withKem of [true, false]) {
        const random = seededRandom(`bundle-${curve}-${withKem}`);
        const p = await makeUser(`p-${curve}`, testSecretKey(`p-${curve}`, curve), random, {
          withKem,
        });
        const seen = specViewOf(p);
        assert.equal(seen.accountPublicKey, p.publicKey);
        assert.deepEqual(seen.ik, p.bundle.identityKey);
        assert.deepEqual(seen.spk, p.bundle.signedPrekey);
        assert.equal(seen.epoch, p.bundle.prekeyEpoch);
        assert.deepEqual(seen.kem, p.bundle.kemPublicKey);
        if (curve === 'ed25519') assert.equal(p.bundleBytes.length, withKem ? 1379 : 195);

        // The same content encoded by the spec client is byte-identical (ed25519 and
        // RFC 6979 ECDSA signatures are deterministic).
        const same = asSpecIdentity(p);
        assert.deepEqual(await specSignBundle(same, CONTRACT, CHAIN_ID), p.bundleBytes);

        const s = await specUser(`bundle-${curve}`, withKem, curve);
        const sb = await specSignBundle(s, CONTRACT, CHAIN_ID);
        const v = verifyBundle(sb, ctx(s.address));
        assert.equal(v.accountPublicKey, s.accountPublicKey);
        assert.deepEqual(v.identityKey, s.ik.pub);
        assert.deepEqual(v.signedPrekey, s.prekeys[0]!.spk.pub);
        assert.deepEqual(v.kemPublicKey, s.prekeys[0]!.kem?.pub ?? null);
        const signed = await signBundle(
          {
            accountPublicKey: s.accountPublicKey,
            contract: CONTRACT,
            chainId: CHAIN_ID,
            identityKey: s.ik.pub,
            signedPrekey: s.prekeys[0]!.spk.pub,
            prekeyEpoch: 0,
            kemPublicKey: s.prekeys[0]!.kem?.pub ?? null,
          },
          s.signer,
        );
        assert.deepEqual(signed, sb);

        // Both verifiers reject the same bad bundles with the same codes.
        const flip = (i: number) => {
          const c = sb.slice();
          c[i] = c[i]! ^ 1;
          return c;
        };
        const cases: [
          string,
          Uint8Array,
          { address: string; contract: string; chainId: string },
        ][] = [
          ['MALFORMED', Uint8Array.of(...sb, 0), ctx(s.address)],
          ['MALFORMED', sb.subarray(0, sb.length - 1), ctx(s.address)],
          ['BUNDLE_ADDRESS_MISMATCH', sb, ctx(p.address)],
          ['BUNDLE_BAD_SIGNATURE', flip(sb.length - 3), ctx(s.address)],
          ['BUNDLE_BAD_SIGNATURE', flip(sb.length - 70), ctx(s.address)],
          ['BUNDLE_WRONG_CONTRACT', sb, { ...ctx(s.address), contract: OTHER_CONTRACT }],
          ['BUNDLE_WRONG_CHAIN', sb, { ...ctx(s.address), chainId: OTHER_CHAIN_ID }],
        ];
        for (const [code, bytes, c] of cases) {
          assert.equal(
            codeOf(() => verifyBundle(bytes, c)),
            code,
            `project: ${code}`,
          );
          assert.equal(
            codeOf(() => specVerifyBundle(bytes, c)),
            code,
            `spec: ${code}`,
          );
        }
      }
    }
  });

  for (const hybrid of [false, true]) {
    const mode = hybrid ? 'hybrid (ML-KEM-768)' : 'classic';
    test(`2a. project Alice starts a ${mode} session with spec Bob`, async () => {
      const alice = await makeUser('alice', testSecretKey('alice'), seededRandom(`2a${mode}`));
      const bob = await specUser(`bob-2a-${mode}`);
      const a = projectParty(
        alice,
        { address: bob.address, ik: bob.ik.pub, bundle: await projectViewOf(bob) },
        hybrid,
        `alice-2a-${mode}`,
      );
      const b = specParty(bob, specViewOf(alice), hybrid, `bob-2a-${mode}`);
      converse(a, b, hybrid);
    });

    test(`2b. spec Alice starts a ${mode} session with project Bob`, async () => {
      const bob = await makeUser('bob', testSecretKey('bob'), seededRandom(`2b${mode}`));
      const alice = await specUser(`alice-2b-${mode}`);
      const a = specParty(alice, specViewOf(bob), hybrid, `alice-2b-${mode}`);
      const b = projectParty(
        bob,
        { address: alice.address, ik: alice.ik.pub, bundle: await projectViewOf(alice) },
        hybrid,
        `bob-2b-${mode}`,
      );
      converse(a, b, hybrid);
    });
  }

  test('2c. initial message made from the previous bundle still opens (grace period)', async () => {
    const alice = await makeUser('alice', testSecretKey('alice'), seededRandom('2c'));
    const bob = await specUser('bob-2c');
    const oldBundle = await projectViewOf(bob);
    const rand = specRandom('bob-2c-rotate');
    bob.prekeys = [specPrekey(1, rand, true), ...bob.prekeys];
    const a = projectParty(
      alice,
      { address: bob.address, ik: bob.ik.pub, bundle: oldBundle },
      true,
      'alice-2c',
    );
    const b = specParty(bob, specViewOf(alice), true, 'bob-2c');
    converse(a, b, true);
  });

  test('3. spec client says "not mine" to entries addressed to someone else', async () => {
    const random = seededRandom('3');
    const alice = await makeUser('alice', testSecretKey('alice'), random);
    const carol = await makeUser('carol', testSecretKey('carol'), random);
    const bob = await specUser('bob-3');
    const aliceToBob = projectParty(
      alice,
      { address: bob.address, ik: bob.ik.pub, bundle: await projectViewOf(bob) },
      true,
      'a3b',
    );
    const bobSide = specParty(bob, specViewOf(alice), true, 'b3');
    const carolSide = projectParty(
      carol,
      { address: alice.address, ik: alice.bundle.identityKey, bundle: alice.bundle },
      true,
      'c3',
    );
    for (const pq of [true, false]) {
      // Alice's box also holds her messages to Carol (hybrid and classic starts).
      const aliceToCarol = projectParty(
        alice,
        { address: carol.address, ik: carol.bundle.identityKey, bundle: carol.bundle },
        pq,
        `a3c${pq}`,
      );
      const c1 = aliceToCarol.send('for carol');
      assert.equal(c1[0], pq ? 0x13 : 0x12);
      assert.equal(bobSide.receive(c1), 'not-mine');
      assert.equal(carolSide.receive(c1), 'for carol');
      assert.equal(bobSide.receive(aliceToCarol.send('steady, for carol')), 'not-mine');
      assert.equal(aliceToCarol.receive(carolSide.send('reply')), 'reply');
      const c3 = aliceToCarol.send('after a DH step, for carol');
      assert.equal(bobSide.receive(c3), 'not-mine');
      assert.equal(carolSide.receive(c3), 'after a DH step, for carol');
      // Bob's own session with Alice keeps working in between.
      const m = aliceToBob.send(`for bob ${pq}`);
      assert.equal(bobSide.receive(m), `for bob ${pq}`);
      assert.equal(bobSide.receive(aliceToCarol.send('more for carol')), 'not-mine');
      assert.equal(aliceToBob.receive(bobSide.send('bob replies')), 'bob replies');
    }

    // And the mirror: the project says "not mine" to the spec client's entries to others.
    const s = await specUser('alice-3m');
    const dave = await specUser('dave-3m');
    const sToDave = specParty(
      s,
      specVerifyBundle(await specSignBundle(dave, CONTRACT, CHAIN_ID), ctx(dave.address)),
      true,
      'sd',
    );
    const pBob = await makeUser('bob', testSecretKey('bob'), random);
    const pBobSide = projectParty(
      pBob,
      { address: s.address, ik: s.ik.pub, bundle: await projectViewOf(s) },
      true,
      'pb',
    );
    const sToBob = specParty(s, specViewOf(pBob), true, 'sb');
    assert.equal(pBobSide.receive(sToBob.send('hi project bob')), 'hi project bob');
    assert.equal(pBobSide.receive(sToDave.send('for dave')), 'not-mine');
    assert.equal(pBobSide.receive(sToDave.send('for dave too')), 'not-mine');
  });

  test('4. discovery requests both ways', async () => {
    const random = seededRandom('4');
    const alice = await makeUser('alice', testSecretKey('alice'), random);
    const eve = await makeUser('eve', testSecretKey('eve'), random);
    const bob = await specUser('bob-4');
    const bobForProject = await projectViewOf(bob);
    const note = 'Hi Bob, it is Alice from the café ☕';

    // project seals, spec opens (any note: every request is 401 bytes, §8)
    for (const n of [note, '', 'x'.repeat(280)]) {
      const req = sealRequest({
        ourIdentity: alice.keys.identity,
        ourAddress: alice.address,
        recipient: bobForProject,
        postalIndex: 123456789012n,
        note: n,
        random,
      });
      assert.equal(req[0], 0x14);
      assert.equal(req.length, 401);
      const opened = specOpenRequest(req, bob, {
        contract: CONTRACT,
        chainId: CHAIN_ID,
      });
      assert.equal(opened.senderAddress, alice.address);
      assert.equal(opened.postalIndex, 123456789012n);
      assert.equal(opened.note, n);
      assert.ok(specVerifyRequestSender(opened, specViewOf(alice), bob));
      // Someone else's bundle does not match the proof (in both implementations).
      const bobKeys = { identity: { publicKey: bob.ik.pub, privateKey: bob.ik.priv } };
      const projectOpened = openRequest(req, bobKeys, { contract: CONTRACT, chainId: CHAIN_ID });
      assert.equal(projectOpened.senderAddress, alice.address);
      const asEve = { ...projectOpened, senderAddress: eve.address };
      const eveCode = codeOf(() =>
        verifyRequestSender(asEve, eve.bundle, { ...bobKeys, address: bob.address }),
      );
      assert.equal(eveCode, 'REQUEST_BAD_PROOF');
      assert.ok(
        !specVerifyRequestSender({ ...opened, senderAddress: eve.address }, specViewOf(eve), bob),
      );
      // A request is bound to its contract and chain.
      assert.equal(
        codeOf(() => specOpenRequest(req, bob, { contract: OTHER_CONTRACT, chainId: CHAIN_ID })),
        'DECRYPTION_FAILED',
      );
    }

    // spec seals, project opens and verifies
    const carolP = await makeUser('carol', testSecretKey('carol'), random);
    const dan = await specUser('dan-4');
    const danForProject = await projectViewOf(dan);
    for (const n of [note, '']) {
      const req = specSealRequest({
        me: dan,
        recipient: specViewOf(carolP),
        postalIndex: 7n,
        note: n,
        rand: specRandom(`dan-${n.length}`),
      });
      assert.equal(req.length, 401);
      const opened = openRequest(req, carolP.keys, { contract: CONTRACT, chainId: CHAIN_ID });
      assert.equal(opened.senderAddress, dan.address);
      assert.equal(opened.postalIndex, 7n);
      assert.equal(opened.note, n);
      assert.deepEqual(opened.id, req.subarray(1, 33));
      verifyRequestSender(opened, danForProject, {
        identity: carolP.keys.identity,
        address: carolP.address,
      });
      // A forged proof is rejected by the project.
      const forged = { ...opened, proof: opened.proof.map((x, i) => (i === 0 ? x ^ 1 : x)) };
      assert.equal(
        codeOf(() =>
          verifyRequestSender(forged, danForProject, {
            identity: carolP.keys.identity,
            address: carolP.address,
          }),
        ),
        'REQUEST_BAD_PROOF',
      );
    }
  });

  test('5. safety numbers and padding', async () => {
    const random = seededRandom('5');
    for (const curve of ['ed25519', 'secp256k1', 'p256'] as const) {
      const p = await makeUser(`p5-${curve}`, testSecretKey(`p5-${curve}`, curve), random);
      const s = await specUser(`s5-${curve}`, false, curve);
      const pp = { accountPublicKey: p.publicKey, identityKey: p.bundle.identityKey };
      const sp = { accountPublicKey: s.accountPublicKey, identityKey: s.ik.pub };
      const spec = specSafetyNumber(
        { accountPublicKey: p.publicKey, ik: p.bundle.identityKey },
        { accountPublicKey: s.accountPublicKey, ik: s.ik.pub },
      );
      assert.match(spec, /^\d{60}$/);
      assert.equal(safetyNumber(pp, sp), spec);
      assert.equal(safetyNumber(sp, pp), spec);
    }

    for (let n = 0; n <= 300; n++) {
      const pt = new Uint8Array(n).fill(0xab);
      for (const policy of [
        DEFAULT_PADDING,
        { kind: 'padme' } as const,
        { kind: 'padme', minimum: 1 } as const,
        { kind: 'padme', minimum: 100 } as const,
        { kind: 'none' } as const,
      ]) {
        const want = specPaddedLength(n, policy);
        assert.equal(
          paddedLength(n, policy),
          want,
          `paddedLength(${n}, ${JSON.stringify(policy)})`,
        );
        assert.deepEqual(pad(pt, policy), specPad(pt, policy));
        assert.deepEqual(unpad(specPad(pt, policy)), pt);
        assert.deepEqual(specUnpad(pad(pt, policy)), pt);
      }
    }
  });

  // ------------------------------------------------------------------------
  // Beyond the happy path: where docs/protocol.md leaves room, do both readers
  // answer the same? (Each case feeds identical bytes to a project reader and a
  // spec reader holding the same keys.)

  test('6. edge cases: malformed, tampered and junk entries get the same answer', async () => {
    const alice = await makeUser('alice', testSecretKey('alice'), seededRandom('6'));
    const bob = await specUser('bob-6');
    const bobForProject = await projectViewOf(bob);
    const writer = specParty(bob, specViewOf(alice), true, 'w6');
    const writerClassic = specParty(bob, specViewOf(alice), false, 'w6c');
    const readers = () => [
      projectParty(
        alice,
        { address: bob.address, ik: bob.ik.pub, bundle: bobForProject },
        true,
        'r6',
      ),
      specParty(
        asSpecIdentity(alice),
        { ...specViewOf(alice), address: bob.address, ik: bob.ik.pub },
        true,
        'r6',
      ),
    ];
    const init = writer.send('hi');
    const m2 = writer.send('two');
    const noFrame = writer.send('no 0x80 frame byte\0\0', { kind: 'raw' });
    const m4 = writer.send('four');
    const initClassic = writerClassic.send('classic');
    const mutate = (e: Uint8Array, i: number, x: number) => {
      const c = e.slice();
      c[i] = c[i]! ^ x;
      return c;
    };
    const cases: [string, Uint8Array, Uint8Array[], string][] = [
      ['initial (hybrid)', init, [], 'hi'],
      ['steady', m2, [init], 'two'],
      ['empty entry', new Uint8Array(0), [], 'MALFORMED'],
      ['kind 0x00', Uint8Array.of(0, ...m2.subarray(1)), [init], 'UNSUPPORTED_VERSION'],
      ['kind 0x10', Uint8Array.of(0x10, ...m2.subarray(1)), [init], 'MALFORMED'],
      [
        'kind 0x14 (a request in a postal box)',
        Uint8Array.of(0x14, ...m2.subarray(1)),
        [init],
        'MALFORMED',
      ],
      ['kind 0x1f', Uint8Array.of(0x1f, ...m2.subarray(1)), [init], 'MALFORMED'],
      ['kind 0x21', Uint8Array.of(0x21, ...m2.subarray(1)), [init], 'UNSUPPORTED_VERSION'],
      ['kind 0x31', Uint8Array.of(0x31, ...m2.subarray(1)), [init], 'UNSUPPORTED_VERSION'],
      ['steady, 64 bytes', m2.subarray(0, 64), [init], 'MALFORMED'],
      ['steady, 65 bytes (empty body)', m2.subarray(0, 65), [init], 'not-mine'],
      ['initial, truncated', init.subarray(0, 1000), [], 'MALFORMED'],
      ['steady, detection tag flipped', mutate(m2, 3, 1), [init], 'not-mine'],
      ['steady, body tag flipped', mutate(m2, m2.length - 1, 1), [init], 'DECRYPTION_FAILED'],
      ['steady, body flipped', mutate(m2, 60, 1), [init], 'DECRYPTION_FAILED'],
      // Header fields are read before the body authenticates (§4.2 order).
      [
        'steady, header N high bit flipped',
        mutate(m2, 1 + 8 + 36, 0x80),
        [init],
        'TOO_MANY_SKIPPED',
      ],
      ['steady, header N set back to 0', mutate(m2, 1 + 8 + 39, 1), [init], 'DUPLICATE_MESSAGE'],
      ['steady, header DH flipped', mutate(m2, 1 + 8, 1), [init], 'DECRYPTION_FAILED'],
      ['steady, before its initial message', m2, [], 'not-mine'],
      ['steady, padding without 0x80', noFrame, [init, m2], 'DECRYPTION_FAILED'],
      ['steady after a bad-padding one', m4, [init, m2, noFrame], 'four'],
      ['initial, initial tag flipped', mutate(init, 2, 1), [], 'not-mine'],
      ['initial, EK_A[16..32) flipped', mutate(init, 9 + 20, 1), [], 'DECRYPTION_FAILED'],
      ['initial, KEM ciphertext flipped', mutate(init, 100, 1), [], 'DECRYPTION_FAILED'],
      [
        'initial, first message flipped',
        mutate(init, init.length - 20, 1),
        [],
        'DECRYPTION_FAILED',
      ],
      [
        'initial 0x13 relabelled 0x12',
        Uint8Array.of(0x12, ...init.subarray(1)),
        [],
        'DECRYPTION_FAILED',
      ],
      [
        'initial 0x12 relabelled 0x13',
        Uint8Array.of(0x13, ...initClassic.subarray(1)),
        [],
        'MALFORMED',
      ],
      ['initial classic', initClassic, [init, m2], 'classic'],
      ['initial replayed', init, [init], 'DUPLICATE_MESSAGE'],
    ];
    for (const [name, entry, before, expected] of cases) {
      const answers = readers().map((r) => {
        for (const b of before) outcome(() => r.receive(b));
        return outcome(() => r.receive(entry));
      });
      assert.equal(answers[0], answers[1], `${name}: project vs spec`);
      assert.equal(answers[1], expected, name);
    }
  });

  test('7. kept-key limits: MAX_SKIP over two chains, 2000 keys, 4 chains', async () => {
    // The same story told twice, to a project reader and to a spec reader.
    const story = async (readerKind: 'project' | 'spec') => {
      const random = seededRandom(`7-${readerKind}`);
      const bob = await makeUser('bob', testSecretKey('bob'), random, { withKem: false });
      let reader: Party;
      let readerView: { address: string; ik: Uint8Array; bundle: VerifiedBundle };
      if (readerKind === 'project') {
        const a = await makeUser('alice', testSecretKey('alice'), random);
        reader = projectParty(
          a,
          { address: bob.address, ik: bob.keys.identity.publicKey, bundle: bob.bundle },
          false,
          'r7',
        );
        readerView = { address: a.address, ik: a.keys.identity.publicKey, bundle: a.bundle };
      } else {
        const a = await specUser('alice-7');
        reader = specParty(a, specViewOf(bob), false, 'r7');
        readerView = { address: a.address, ik: a.ik.pub, bundle: await projectViewOf(a) };
      }
      const writer = projectParty(bob, readerView, false, 'w7');
      const log: string[] = [];
      const read = (name: string, e: Uint8Array) => {
        log.push(`${name}: ${outcome(() => reader.receive(e))}`);
      };
      const reply = () => assert.equal(writer.receive(reader.send('r')), 'r');
      read('init', writer.send('init'));
      // Six chains, each leaving one kept key: only four chains are kept.
      const late: Uint8Array[] = [];
      for (let i = 0; i < 6; i++) {
        reply();
        late.push(writer.send(`c${i}m0`));
        read(`c${i}m1`, writer.send(`c${i}m1`));
      }
      for (const [i, e] of late.entries()) read(`late c${i}m0`, e);
      // Three chains of 700 kept keys each: only 2000 keys are kept, the oldest go.
      const firsts: Uint8Array[] = [];
      for (let c = 0; c < 3; c++) {
        reply();
        const ms = Array.from({ length: 701 }, (_, i) =>
          writer.send(`k${c}/${i}`, { kind: 'none' }),
        );
        firsts.push(ms[0]!, ms[99]!, ms[100]!, ms[699]!);
        read(`k${c}/700`, ms[700]!);
      }
      for (const [i, e] of firsts.entries()) read(`late #${i}`, e);
      // §4.2 step 2: 599 keys of the old chain + 499 of the new one > MAX_SKIP.
      reply();
      const old = Array.from({ length: 600 }, (_, i) => writer.send(`o${i}`, { kind: 'none' }));
      read('o0', old[0]!);
      reply();
      const nw = Array.from({ length: 500 }, (_, i) => writer.send(`n${i}`, { kind: 'none' }));
      read('n499', nw[499]!);
      read('n400', nw[400]!);
      read('o599', old[599]!);
      return log;
    };
    const project = await story('project');
    const spec = await story('spec');
    assert.deepEqual(spec, project);
    // What the document says: four chains, 2000 keys, MAX_SKIP counted over both chains.
    assert.deepEqual(project.slice(7, 13), [
      'late c0m0: not-mine',
      'late c1m0: not-mine',
      'late c2m0: c2m0',
      'late c3m0: c3m0',
      'late c4m0: c4m0',
      'late c5m0: c5m0',
    ]);
    // 100 oldest keys of chain k0 deleted: reported as duplicates, the rest still open.
    assert.deepEqual(project.slice(16, 20), [
      'late #0: DUPLICATE_MESSAGE',
      'late #1: DUPLICATE_MESSAGE',
      'late #2: k0/100',
      'late #3: k0/699',
    ]);
    assert.ok(project.includes('n499: TOO_MANY_SKIPPED'));
    assert.ok(project.includes('n400: n400'));
  });

  test('8. edge cases: odd discovery payloads get the same answer', async () => {
    const FIXED: Padding = { kind: 'fixed', length: 352 };
    const random = seededRandom('8');
    const carol = await makeUser('carol', testSecretKey('carol'), random);
    const dan = await specUser('dan-8');
    const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
    const payload = (
      addr: Uint8Array,
      note: Uint8Array,
      len = note.length,
      tail = new Uint8Array(),
    ) =>
      Uint8Array.of(
        ...addr,
        ...new Uint8Array(7),
        42,
        ...new Uint8Array(32),
        ...u16(len),
        ...note,
        ...tail,
      );
    const dan22 = addressBytes(dan.address);
    const cases: [string, Uint8Array, Padding, string, number?][] = [
      ['valid', payload(dan22, text('hi')), FIXED, 'ok'],
      ['note of 280 bytes', payload(dan22, new Uint8Array(280).fill(0x61)), FIXED, 'ok'],
      ['note of 281 bytes', payload(dan22, new Uint8Array(281).fill(0x61)), FIXED, 'MALFORMED'],
      [
        'a byte after the note',
        payload(dan22, text('hi'), 2, Uint8Array.of(1)),
        FIXED,
        'MALFORMED',
      ],
      ['note shorter than its length', payload(dan22, text('hi'), 3), FIXED, 'MALFORMED'],
      ['63-byte payload', payload(dan22, text('')).subarray(0, 63), FIXED, 'MALFORMED'],
      ['invalid UTF-8 note', payload(dan22, Uint8Array.of(0xc3, 0x28)), FIXED, 'MALFORMED'],
      ['sender is a KT1', payload(addressBytes(CONTRACT), text('')), FIXED, 'MALFORMED'],
      [
        'sender tag 0x03',
        payload(Uint8Array.of(0, 3, ...dan22.subarray(2)), text('')),
        FIXED,
        'MALFORMED',
      ],
      // §1.2: a postal-box kind in the request box is malformed, another version unsupported
      ['kind 0x11', payload(dan22, text('')), FIXED, 'MALFORMED', 0x11],
      ['kind 0x12', payload(dan22, text('')), FIXED, 'MALFORMED', 0x12],
      ['kind 0x15', payload(dan22, text('')), FIXED, 'MALFORMED', 0x15],
      ['kind 0x21', payload(dan22, text('')), FIXED, 'UNSUPPORTED_VERSION', 0x21],
      ['kind 0x24', payload(dan22, text('')), FIXED, 'UNSUPPORTED_VERSION', 0x24],
    ];
    const answers = cases.map(([name, pl, padding, , kind]) => {
      const req = specSealPayload({
        recipient: specViewOf(carol),
        payload: pl,
        rand: specRandom(name),
        padding,
        ...(kind ? { kind } : {}),
      });
      const p = codeOf(() =>
        openRequest(req, carol.keys, { contract: CONTRACT, chainId: CHAIN_ID }),
      );
      const s = codeOf(() =>
        specOpenRequest(req, asSpecIdentity(carol), {
          contract: CONTRACT,
          chainId: CHAIN_ID,
        }),
      );
      return `${name}: ${p ?? 'ok'} / ${s ?? 'ok'}`;
    });
    assert.deepEqual(
      answers,
      cases.map(([name, , , want]) => `${name}: ${want} / ${want}`),
    );
  });

  test('8b. a request whose padding lacks the 0x80 byte is malformed (§7, §8)', async () => {
    const carol = await makeUser('carol', testSecretKey('carol'), seededRandom('8b'));
    const dan = await specUser('dan-8b');
    // 352 bytes (so the request has the right length), empty note, no 0x80 framing byte
    const payload = Uint8Array.of(...addressBytes(dan.address), ...new Uint8Array(330));
    const req = specSealPayload({
      recipient: specViewOf(carol),
      payload,
      rand: specRandom('8b'),
      padding: { kind: 'raw' },
    });
    assert.equal(req.length, 401);
    const spec = codeOf(() =>
      specOpenRequest(req, asSpecIdentity(carol), {
        contract: CONTRACT,
        chainId: CHAIN_ID,
      }),
    );
    assert.equal(spec, 'MALFORMED');
    const ctx2 = { contract: CONTRACT, chainId: CHAIN_ID };
    assert.equal(
      codeOf(() => openRequest(req, carol.keys, ctx2)),
      'MALFORMED',
    );
  });

  test('9. edge cases: odd bundles get the same answer', async () => {
    const s = await specUser('bundle-9');
    const sb = await specSignBundle(s, CONTRACT, CHAIN_ID);
    const set = (i: number, v: number) => {
      const c = sb.slice();
      c[i] = v;
      return c;
    };
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice();
      c[i] = c[i]! ^ 1;
      return c;
    };
    const cases: [string, Uint8Array, string, string?][] = [
      ['version 2', set(0, 2), 'UNSUPPORTED_VERSION'],
      ['version 0', set(0, 0), 'UNSUPPORTED_VERSION'],
      ['P = 34 with an ed25519 key', set(1, 34), 'MALFORMED'],
      ['P = 32', set(1, 32), 'MALFORMED'],
      ['K = 5', set(96 + 33 + 1, 5), 'MALFORMED'],
      ['contract field is a tz1', set(2 + 33, 0), 'MALFORMED'],
      // (order of checks) a bad signature is reported before a wrong contract
      [
        'bad signature and wrong contract',
        flip(sb, sb.length - 1),
        'BUNDLE_BAD_SIGNATURE',
        OTHER_CONTRACT,
      ],
      ['wrong contract and wrong chain', sb, 'BUNDLE_WRONG_CONTRACT', OTHER_CONTRACT],
    ];
    for (const [name, bytes, want, contract] of cases) {
      const c = { ...ctx(s.address), ...(contract ? { contract, chainId: OTHER_CHAIN_ID } : {}) };
      if (name.startsWith('bad signature')) Object.assign(c, { chainId: CHAIN_ID });
      assert.equal(
        codeOf(() => verifyBundle(bytes, c)),
        want,
        `project: ${name}`,
      );
      assert.equal(
        codeOf(() => specVerifyBundle(bytes, c)),
        want,
        `spec: ${name}`,
      );
    }
  });

  test('9b. an unknown account-key curve tag is malformed (§2 check 1)', async () => {
    const s = await specUser('bundle-9b');
    const sb = await specSignBundle(s, CONTRACT, CHAIN_ID);
    sb[2] = 3; // curve tag 3 (not in §1's table), P = 33
    const c = ctx(s.address);
    assert.equal(
      codeOf(() => verifyBundle(sb, c)),
      'MALFORMED',
    );
    assert.equal(
      codeOf(() => specVerifyBundle(sb, c)),
      'MALFORMED',
    );
  });

  test('10. simultaneous start (§6 rules 3 and 4): both sides settle on the same session', async () => {
    for (const specFirst of [true, false]) {
      const random = seededRandom(`10-${specFirst}`);
      const p = await makeUser('bob', testSecretKey('bob'), random, { withKem: specFirst });
      const s = await specUser(`alice-10-${specFirst}`, !specFirst);
      const ps = projectParty(
        p,
        { address: s.address, ik: s.ik.pub, bundle: await projectViewOf(s) },
        true,
        'p10',
      );
      const ss = specParty(s, specViewOf(p), true, 's10');
      const fromP = ps.send('from project');
      const fromS = ss.send('from spec');
      // delivery order differs between the two runs
      if (specFirst) {
        assert.equal(ps.receive(fromS), 'from spec');
        assert.equal(ss.receive(fromP), 'from project');
      } else {
        assert.equal(ss.receive(fromP), 'from project');
        assert.equal(ps.receive(fromS), 'from spec');
      }
      const smaller = Buffer.compare(addressBytes(p.address), addressBytes(s.address)) < 0;
      const want = smaller ? fromP.subarray(9, 41) : fromS.subarray(9, 41);
      assert.deepEqual(ps.conv.sessions[0]!.id, want, 'project active session');
      assert.deepEqual(ss.conv.sessions[0]!.id, want, 'spec active session');
      for (let i = 0; i < 3; i++) {
        assert.equal(ss.receive(ps.send(`p${i}`)), `p${i}`);
        assert.equal(ps.receive(ss.send(`s${i}`)), `s${i}`);
      }
      assert.deepEqual(activeSessionId(ps.conv), want, 'project sends on it');
      assert.deepEqual(specSendingSession(ss.conv)?.id, want, 'spec sends on it');
    }
  });

  test('10b. a first message the peer never reads (§6 rule 4): its sender moves to the peer session', async () => {
    const smallerLost: boolean[] = [];
    for (const specLost of [true, false]) {
      const random = seededRandom(`10b-${specLost}`);
      const p = await makeUser('bob', testSecretKey('bob'), random);
      const s = await specUser(`alice-10b-${specLost}`, true);
      const ps = projectParty(
        p,
        { address: s.address, ik: s.ik.pub, bundle: await projectViewOf(s) },
        true,
        'p10b',
      );
      const ss = specParty(s, specViewOf(p), true, 's10b');
      const [lost, other] = specLost ? [ss, ps] : [ps, ss];
      const [lostAddress, otherAddress] = specLost
        ? [s.address, p.address]
        : [p.address, s.address];
      smallerLost.push(Buffer.compare(addressBytes(lostAddress), addressBytes(otherAddress)) < 0);
      lost.send('never read'); // as if made with a prekey the peer no longer holds
      assert.equal(lost.receive(other.send('hello')), 'hello');
      for (let i = 0; i < 3; i++) {
        assert.equal(other.receive(lost.send(`l${i}`)), `l${i}`);
        assert.equal(lost.receive(other.send(`o${i}`)), `o${i}`);
      }
    }
    assert.ok(smallerLost.includes(true), 'the smaller address lost its first message once');
  });
});
