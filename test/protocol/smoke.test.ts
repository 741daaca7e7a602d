import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../src/protocol/bytes.js';
import { createConversation, decryptEntry, encryptMessage } from '../../src/protocol/index.js';
import { CHAIN_ID, CONTRACT, makeUser, seededRandom, testSecretKey } from '../helpers/fixtures.js';

test('alice and bob exchange messages', async () => {
  const random = seededRandom('smoke');
  const alice = await makeUser('alice', testSecretKey('alice'), random);
  const bob = await makeUser('bob', testSecretKey('bob'), random);
  let a = createConversation({
    ourAddress: alice.address,
    peerAddress: bob.address,
    peerIdentityKey: bob.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
  let b = createConversation({
    ourAddress: bob.address,
    peerAddress: alice.address,
    peerIdentityKey: alice.bundle.identityKey,
    contract: CONTRACT,
    chainId: CHAIN_ID,
  });
  const e1 = encryptMessage(a, utf8('hello bob'), { ours: alice.keys, random, bundle: bob.bundle });
  a = e1.conversation;
  console.log('initial entry bytes', e1.entry.length);
  const d1 = decryptEntry(b, e1.entry, { ours: bob.keys, random });
  assert.equal(d1.status, 'ok');
  if (d1.status !== 'ok') return;
  b = d1.conversation;
  assert.equal(new TextDecoder().decode(d1.plaintext), 'hello bob');
  const e2 = encryptMessage(b, utf8('hi alice'), { ours: bob.keys, random });
  b = e2.conversation;
  console.log('steady entry bytes', e2.entry.length);
  const d2 = decryptEntry(a, e2.entry, { ours: alice.keys, random });
  assert.equal(d2.status, 'ok');
});
