/**
 * Several Mizu profiles (real engines, encrypted profiles, the Taquito chain
 * adapter with `socks5`) on a sandbox node that they reach only through the
 * private Tor network. Alice has three contacts; Bob, Carol and Dave write to
 * her (their first messages also put discovery requests in her request box),
 * and one sync of Alice's profile reads it all.
 *
 * What is asserted, and how:
 * - Every request of every profile went through Tor. The node's URL names a
 *   host that only the exit relays can resolve (this process cannot, checked
 *   first), so a direct connection could not reach it; and the exit gate in
 *   front of the node attributes each connection it accepted to an exit
 *   relay's process, never to this one. The number of those connections
 *   equals the number of Tor streams to the node that the ControlPort saw
 *   succeed: one stream per request, nothing else reached the node.
 * - Isolation: no circuit carried streams of two SOCKS usernames (STREAM
 *   events and circuit-status). Alice's sync used a distinct username per
 *   isolation group — one per contact's box (`contact:…`), her request box
 *   (`requests`), lookups (`directory`) — and her own writes another
 *   (`writes`); every username Tor saw is one of the group usernames the
 *   adapter derives, and no two profiles share a username.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IsolationGroup } from '../src/ports/chain.js';
import { circuitsByUsername, sharedCircuits, usernamesByCircuit } from './helpers/isolation.js';
import { type TorParty, TorWorld } from './helpers/torWorld.js';

describe('profiles on a node reached only through Tor', () => {
  const world = new TorWorld();
  let alice: TorParty;
  let others: TorParty[];

  before(async () => {
    await world.start(0.2);
    alice = await world.party('alice');
    others = [];
    for (const name of ['bob', 'carol', 'dave']) others.push(await world.party(name));
    for (const p of others) {
      await alice.engine.addContact(p.address, p.name);
      await p.engine.addContact(alice.address, 'alice');
    }
  });

  after(() => world.close());

  it('one sync reads three contacts and the request box, each group on its own circuits', async (t) => {
    for (const p of others) {
      await p.engine.send('alice', `hello from ${p.name}`);
      await p.engine.flushOutbox();
    }
    const mark = world.control.streams.length;
    const report = await alice.engine.sync();
    assert.equal(report.newMessages, 3);
    for (const p of others) {
      assert.deepEqual(
        alice.engine.messages(p.name).map((m) => m.text),
        [`hello from ${p.name}`],
      );
    }

    // Which of Alice's groups Tor saw during the sync, by username.
    const groups: IsolationGroup[] = [
      ...others.map((p) => `contact:${p.address}` as const),
      'requests',
      'directory',
      'writes',
    ];
    const groupOf = new Map(groups.map((g) => [alice.username(g)!, g]));
    assert.equal(groupOf.size, groups.length, 'one username per group');
    const syncStreams = world.nodeStreams(mark);
    const seen = new Set(syncStreams.map((s) => groupOf.get(s.username ?? '') ?? `?${s.username}`));
    for (const p of others) assert.ok(seen.has(`contact:${p.address}`), `${p.name}'s box read`);
    assert.ok(seen.has('requests'), 'request box read');
    assert.ok(!seen.has('writes'), 'a sync writes nothing');
    for (const g of seen) assert.ok(!g.startsWith('?'), `stream with an unknown username ${g}`);
    const perGroup = new Map<string, Set<string>>();
    for (const s of syncStreams) {
      const g = groupOf.get(s.username!)!.replace(/^contact:(.{8}).*/, 'contact:$1…');
      perGroup.set(g, (perGroup.get(g) ?? new Set()).add(s.circuit));
    }
    t.diagnostic(
      `sync: ${syncStreams.length} streams; circuits per group: ${[...perGroup].map(([g, c]) => `${g}=${[...c].join('/')}`).join(' ')}`,
    );

    // Alice's own write, on the writes group.
    const beforeWrite = world.control.streams.length;
    await alice.engine.send('bob', 'hi bob');
    await alice.engine.flushOutbox();
    const writeStreams = world.nodeStreams(beforeWrite);
    assert.ok(writeStreams.some((s) => s.username === alice.username('writes')));
    await others[0]!.engine.sync();
    assert.deepEqual(
      others[0]!.engine.messages('alice').map((m) => m.text),
      ['hello from bob', 'hi bob'],
    );

    // No circuit carried two usernames, over everything Tor saw in this test.
    const circuits = await world.control.circuits();
    assert.deepEqual(sharedCircuits(usernamesByCircuit(world.control.streams, circuits)), []);
    const byUser = circuitsByUsername(world.nodeStreams());
    const aliceUsers = groups.map((g) => alice.username(g)!).filter((u) => byUser.has(u));
    for (let i = 0; i < aliceUsers.length; i++) {
      for (let j = i + 1; j < aliceUsers.length; j++) {
        const a = byUser.get(aliceUsers[i]!)!;
        for (const c of byUser.get(aliceUsers[j]!)!) assert.ok(!a.has(c), `circuit ${c} shared`);
      }
    }
  });

  it('every request of every profile reached the node through an exit', (t) => {
    const streams = world.nodeStreams();
    const exits = new Map<string, number>();
    for (const c of world.gate.connections) exits.set(c.owner, (exits.get(c.owner) ?? 0) + 1);
    t.diagnostic(`${streams.length} streams; connections by owner: ${JSON.stringify([...exits])}`);
    assert.ok(streams.length > 20, `${streams.length} streams`);
    assert.equal(world.gate.connections.length, streams.length, 'one connection per Tor stream');
    const owners = new Set(world.gate.connections.map((c) => c.owner));
    for (const o of owners) assert.match(o, /^exit\d$/);
    // Profiles never share a username.
    const profileOf = new Map<string, string>();
    for (const p of world.parties) {
      for (const g of [
        'writes',
        'requests',
        'directory',
        ...world.parties.map((q) => `contact:${q.address}` as const),
      ] as IsolationGroup[]) {
        const u = p.username(g)!;
        assert.ok(!profileOf.has(u) || profileOf.get(u) === p.name);
        profileOf.set(u, p.name);
      }
    }
    for (const s of streams) assert.ok(profileOf.has(s.username ?? ''), 'a profile username');
  });
});
