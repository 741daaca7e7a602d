/**
 * Two identities talk through the engine on the sandbox: a discovery request
 * leads to accept and a conversation both ways; delivery states advance to
 * final; messages are stored in order and never twice.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveryState } from '../../src/engine/index.js';
import { transcript, World } from './harness.js';

describe('engine: two identities talk', () => {
  const world = new World();
  before(() => world.start());
  after(() => world.close());

  it('request → accept → conversation both ways, delivery states up to final', async () => {
    const alice = await world.party('alice');
    const bob = await world.party('bob');
    assert.equal(alice.engine.current().bundlePublished, true);

    await alice.engine.addContact(bob.address, 'bob');
    const sent = await alice.engine.send('bob', 'hello bob');
    assert.equal(sent.state, 'queued');
    assert.equal(sent.direction, 'out');

    const states: DeliveryState[] = [];
    await alice.engine.flushOutbox({
      waitFinal: true,
      onProgress: (p) => {
        if (p.messageId === sent.id) states.push(p.state);
      },
    });
    assert.deepEqual(states, ['posted', 'included', 'final']);
    assert.equal(alice.engine.messages('bob')[0]?.state, 'final');

    const r1 = await bob.engine.sync();
    assert.equal(r1.requests, 1);
    const reqs = bob.engine.listRequests();
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0]?.sender, alice.address);
    assert.equal(reqs[0]?.postalIndex, 0);

    await bob.engine.acceptRequest(alice.address, 'alice');
    assert.deepEqual(transcript(bob, 'alice'), ['< hello bob']);
    assert.deepEqual(bob.engine.listRequests(), []);
    assert.deepEqual(
      bob.engine.unread().map((u) => [u.contact.name, u.unread]),
      [['alice', 1]],
    );
    bob.engine.markRead('alice');
    assert.deepEqual(bob.engine.unread(), []);

    await bob.engine.send('alice', 'hi alice');
    await bob.engine.send('alice', 'how are you?');
    await bob.engine.flushOutbox();
    // Bob's first message did not send a request: Alice already knows him.
    const ra = await alice.engine.sync();
    assert.equal(ra.newMessages, 2);
    assert.equal(ra.requests, 0);
    await alice.engine.send('bob', 'fine, thanks');
    await alice.engine.send('bob', 'and you?');
    await alice.engine.flushOutbox();
    const rb = await bob.engine.sync();
    assert.equal(rb.newMessages, 2);

    assert.deepEqual(transcript(alice, 'bob'), [
      '> hello bob',
      '< hi alice',
      '< how are you?',
      '> fine, thanks',
      '> and you?',
    ]);
    assert.deepEqual(transcript(bob, 'alice'), [
      '< hello bob',
      '> hi alice',
      '> how are you?',
      '< fine, thanks',
      '< and you?',
    ]);
    // A second sync finds nothing new and shows nothing twice.
    const again = await bob.engine.sync();
    assert.equal(again.newMessages, 0);
    assert.equal(bob.engine.messages('alice').length, 5);
    // Safety numbers agree on both sides.
    assert.equal(alice.engine.safetyNumber('bob'), bob.engine.safetyNumber('alice'));
    assert.match(alice.engine.safetyNumber('bob'), /^(\d{5} ){11}\d{5}$/);
  });
});
