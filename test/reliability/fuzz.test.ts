/**
 * Fuzz at the product level: junk posted on the sandbox through real
 * operations, then synced by a real engine.
 *
 * Alice (a contact of Bob's) really writes to Bob and to Carol; then her
 * account fills her own postal box with junk — random byte strings and
 * mutants of her real entries (bit flips, byte overwrites, truncations,
 * extensions, splices, swapped heads and detection tags, repeated chunks) —
 * plus exact replays of her real entries, and fills Bob's request box with
 * random and mutated sealed requests. Bob syncs:
 *
 * - no crash, nothing shown: no new message, no request;
 * - replays of entries for Bob (and mutants keeping a spent header) are
 *   counted as duplicates;
 * - every junk request is counted as junk; Bob's database is unchanged but
 *   for the cursors and the junk counters (every row of every table
 *   compared);
 * - time and memory per entry stay bounded (a generous bound: these are
 *   sanity checks, the figures are printed);
 * - afterwards Alice and Bob still talk both ways.
 *
 * Bounded: 5,000 entries and 500 requests (about 650 contract calls). Under SOAK
 * (`npm run soak`): 100,000 entries and 10,000 requests.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Party, transcript, World } from '../engine/harness.js';
import { SOAK, seededRandom, testSecretKey } from '../helpers/fixtures.js';
import { Fuzzer, MAX_ENTRY, MAX_REQUEST } from './mutations.js';
import { snapshot } from './profileSnapshot.js';
import { RawPoster } from './rawPoster.js';

const ENTRIES = Number(process.env.MIZU_FUZZ_ENTRIES ?? (SOAK ? 100_000 : 5_000));
const REQUESTS = Number(process.env.MIZU_FUZZ_REQUESTS ?? (SOAK ? 10_000 : 500));
/** Exact copies of each real entry, among the junk. */
const REPLAYS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('fuzz: junk entries and requests on chain, synced', {
  timeout: SOAK ? 3_600_000 : 180_000,
}, () => {
  const world = new World();
  let alice: Party;
  let bob: Party;
  let carol: Party;

  before(async () => {
    await world.start(0.2);
    [alice, bob, carol] = await Promise.all([
      world.party('alice', { secretKey: testSecretKey('fuzz alice') }),
      world.party('bob'),
      world.party('carol'),
    ]);
    // Storage burn of the junk: ~0.15 tez per entry on average.
    await world.fund(
      alice.address,
      BigInt(Math.ceil((ENTRIES + REQUESTS) * 0.2 + 100)) * 1_000_000n,
    );
  });
  after(() => world.close());

  it('no crash, nothing shown, nothing changed but the junk counters; talk goes on', async () => {
    await alice.engine.addContact(bob.address, 'bob');
    await alice.engine.addContact(carol.address, 'carol');
    await bob.engine.addContact(alice.address, 'alice');
    for (let i = 0; i < 3; i++) await alice.engine.send('bob', `to bob ${i}`);
    for (let i = 0; i < 2; i++) await alice.engine.send('carol', `to carol ${i}`);
    await alice.engine.flushOutbox();
    await bob.engine.sync();
    await bob.engine.sync();
    assert.deepEqual(transcript(bob, 'alice'), ['< to bob 0', '< to bob 1', '< to bob 2']);

    // The real material the mutants come from.
    const boxLength = (await bob.chain.getCounters([alice.address], 'directory')).get(
      alice.address,
    )!.posts;
    const real = (await bob.chain.getPostal(alice.address, 0, boxLength, 'directory')).map(
      (e) => e.bytes,
    );
    assert.equal(real.length, 5);
    const sealed = [
      ...(await bob.chain.getRequests(bob.address, 0, 10, 'directory')),
      ...(await bob.chain.getRequests(carol.address, 0, 10, 'directory')),
    ].map((r) => r.bytes);
    assert.equal(sealed.length, 2);

    const fuzz = new Fuzzer(seededRandom(`fuzz ${ENTRIES}`));
    const poster = await RawPoster.of(world.sandbox, testSecretKey('fuzz alice'));
    assert.equal(poster.address, alice.address);
    const before = snapshot(bob.store, {
      contacts: ['cursor', 'junk'],
      identities: ['request_cursor'],
    });
    const requestCursor0 = bob.store.db
      .prepare('SELECT request_cursor AS c FROM identities')
      .get() as {
      c: number;
    };

    // Post in slices, so that memory holds one slice of junk at a time.
    const SLICE = 4_000;
    let posted = 0;
    let replays = 0;
    let replaysForBob = 0;
    const t0 = performance.now();
    while (posted < ENTRIES) {
      const n = Math.min(SLICE, ENTRIES - posted);
      const slice: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        slice.push(i % 2 === 0 ? fuzz.random(MAX_ENTRY) : fuzz.mutate(real, MAX_ENTRY));
      }
      if (posted === 0) {
        for (let r = 0; r < REPLAYS; r++) {
          real.forEach((e, k) => {
            slice.splice(fuzz.int(slice.length + 1), 0, e);
            replays++;
            if (k < 3) replaysForBob++;
          });
        }
      }
      await poster.postAll(slice);
      posted += n;
    }
    const junkRequests: Uint8Array[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      junkRequests.push(i % 2 === 0 ? fuzz.random(MAX_REQUEST) : fuzz.mutate(sealed, MAX_REQUEST));
    }
    await poster.requestAll(bob.address, junkRequests);
    const postSeconds = (performance.now() - t0) / 1000;
    const counters = await bob.chain.getCounters([alice.address, bob.address], 'directory');
    assert.equal(counters.get(alice.address)!.posts, boxLength + ENTRIES + replays);
    assert.equal(counters.get(bob.address)!.requests, requestCursor0.c + REQUESTS);

    const heap0 = heapAfterGc();
    // Between progress reports: one page of 128 entries. The first interval also holds the
    // counters call and the whole request box, so it is reported apart.
    let lastPage = performance.now();
    let firstIntervalMs = -1;
    let slowestPageMs = 0;
    const t1 = performance.now();
    const report = await bob.engine.sync({
      onProgress: () => {
        const now = performance.now();
        if (firstIntervalMs < 0) firstIntervalMs = now - lastPage;
        else slowestPageMs = Math.max(slowestPageMs, now - lastPage);
        lastPage = now;
      },
    });
    const syncSeconds = (performance.now() - t1) / 1000;
    const heapGrowth = heapAfterGc() - heap0;
    const contact = bob.engine.findContact('alice');
    process.stderr.write(
      `fuzz: ${ENTRIES + replays} entries and ${REQUESTS} requests posted in ${postSeconds.toFixed(1)} s; ` +
        `synced in ${syncSeconds.toFixed(1)} s (${((syncSeconds * 1e6) / (ENTRIES + REQUESTS)).toFixed(0)} µs per item, ` +
        `requests and first page ${firstIntervalMs.toFixed(0)} ms, slowest other page ${slowestPageMs.toFixed(0)} ms); junk counted ${report.junkSkipped}, ` +
        `duplicates ${report.duplicates}; heap growth ${(heapGrowth / 2 ** 20).toFixed(1)} MiB\n`,
    );

    assert.equal(report.newMessages, 0);
    assert.equal(report.requests, 0);
    assert.equal(report.entriesRead, ENTRIES + replays);
    // Exact replays of Bob's entries are duplicates; so are mutants that keep a spent header
    // (the header authenticates and names a spent message key): nothing shown either way.
    assert.ok(report.duplicates >= replaysForBob);
    assert.ok(report.duplicates + contact.junkSkipped <= ENTRIES + replaysForBob);
    assert.equal(report.junkSkipped, contact.junkSkipped + REQUESTS, 'every junk request is junk');
    assert.ok(contact.junkSkipped > 0 && contact.junkSkipped <= ENTRIES);
    assert.equal(contact.cursor, boxLength + ENTRIES + replays);
    assert.deepEqual(
      snapshot(bob.store, { contacts: ['cursor', 'junk'], identities: ['request_cursor'] }),
      before,
      'nothing but cursors and junk counters changed',
    );
    // Bounds far above the measured figures (printed above): a quadratic or leaking sync fails them.
    assert.ok(heapGrowth < 64 * 2 ** 20, `heap grew by ${heapGrowth} bytes`);
    assert.ok(slowestPageMs < 30_000, `a page of 128 entries took ${slowestPageMs} ms`);

    // A second sync finds nothing new.
    const again = await bob.engine.sync();
    assert.equal(again.entriesRead + again.junkSkipped + again.newMessages, 0);

    // The conversation goes on both ways.
    await alice.engine.send('bob', 'after the junk');
    await alice.engine.flushOutbox();
    await bob.engine.sync();
    await bob.engine.send('alice', 'still here');
    await bob.engine.flushOutbox();
    await alice.engine.sync();
    assert.deepEqual(transcript(bob, 'alice').slice(-2), ['< after the junk', '> still here']);
    assert.deepEqual(transcript(alice, 'bob').slice(-1), ['< still here']);
  });
});
