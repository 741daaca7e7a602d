/**
 * `mizu chat` as a person uses it, in real pseudo-terminals (tmux), against
 * a sandbox node in this process (0.2 s blocks). Alice's first run creates
 * her profile on screen (passphrase twice, name; funded and published); she
 * adds Bob and writes to him. Bob, already set up with `mizu init`, sees
 * her request in his chat, accepts it, reads her message, and answers; the
 * answer appears on Alice's screen, her message's delivery state moves on.
 * Alice's next run asks for her passphrase, refuses a wrong one, shows Bob's
 * newest message as unread beside his name, opens the conversation where it
 * was, and blocks a request from Cy, a stranger (sent from the command line).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { json, MIZU_BIN, mizu } from '../cli/mizuProcess.js';
import { TmuxTerminal } from './tmuxTerminal.js';

// The pseudo-terminals are tmux's (.ci/run installs it); without it the suite says so and skips.
const tmux = spawnSync('tmux', ['-V']).status === 0;

describe('mizu chat in a terminal', {
  timeout: 180_000,
  skip: tmux ? false : 'tmux is not installed (apt-get install tmux)',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mizu-chat-'));
  let sandbox: Sandbox;
  const terminals: TmuxTerminal[] = [];
  const chat = async (home: string, env: Record<string, string>) => {
    const t = await TmuxTerminal.start(
      [process.execPath, MIZU_BIN, '--home', home, '--network', sandbox.url, 'chat'],
      // CI=true as in CI runs: the chat must render in a terminal all the same.
      { env: { MIZU_INSECURE_TEST_KDF: '1', CI: 'true', ...env }, cols: 110, rows: 30 },
    );
    terminals.push(t);
    return t;
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, blockTime: 0.2 });
  });
  after(async () => {
    for (const t of terminals) await t.kill();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('first run, add a contact, a request accepted, messages both ways', async () => {
    const bobHome = join(dir, 'bob');
    const init = (home: string, name: string) =>
      mizu(['--home', home, '--network', sandbox.url, '--json', 'init', '--name', name], {
        MIZU_PASSPHRASE: `${name} passphrase`,
      });
    const address = async (r: ReturnType<typeof init>) =>
      json<{ identity: { address: string } }>(await r).identity.address;
    const bobInit = init(bobHome, 'bob');
    const annInit = init(join(dir, 'ann'), 'ann');
    const cyHome = join(dir, 'cy');
    const cyInit = init(cyHome, 'cy');

    // Alice: the first-run flow, typed.
    const alice = await chat(join(dir, 'alice'), {});
    await alice.waitFor('Choose a passphrase', 30_000);
    await alice.type('short');
    await alice.press('Enter');
    await alice.waitFor('At least 8 characters');
    await alice.type('alice passphrase');
    await alice.press('Enter');
    await alice.waitFor('Passphrase again:');
    await alice.type('alice passphrase');
    await alice.press('Enter');
    await alice.waitFor('Name:');
    await alice.type('Alice');
    await alice.press('Enter');
    const first = await alice.waitFor(/Mizu · Alice \(tz1.*\) · .* tez/, 30_000);
    assert.match(first, /none yet \(\^N\)/);
    assert.doesNotMatch(first, /alice passphrase/);

    const [bobAddress, annAddress] = [await address(bobInit), await address(annInit)];

    // Alice adds Ann and Bob (contacts are listed by name), and writes to Bob.
    for (const [who, at] of [
      ['Ann', annAddress],
      ['Bob', bobAddress],
    ]) {
      await alice.pressUntil('C-n', 'Address:');
      await alice.type(at!);
      await alice.press('Enter');
      await alice.type(who!);
      await alice.press('Enter');
      await alice.waitFor(`› ${who}`);
    }
    await alice.waitFor('› Bob');
    await alice.type('Hello Bob, this is Alice');
    // The compose line shows the message's size and its estimated cost.
    await alice.waitFor(/24 B · ≈0\.\d+ tez/);
    await alice.press('Enter');
    await alice.waitFor(/me: Hello Bob, this is Alice (… queued|→ posted|✓)/);
    await alice.waitFor(/me: Hello Bob, this is Alice ✓(✓ final| included) #\d+/, 30_000);

    // Bob: his chat shows the request; he accepts it and reads the message.
    const bob = await chat(bobHome, { MIZU_PASSPHRASE: 'bob passphrase' });
    await bob.waitFor('Requests (1)', 40_000);
    await bob.press('Tab');
    await bob.waitFor(/Requests — .*\n.*› tz1\w+/);
    await bob.press('a');
    await bob.waitFor('Accept the request');
    await bob.type('Alice');
    await bob.press('Enter');
    await bob.waitFor('Alice: Hello Bob, this is Alice', 30_000);

    // Bob answers; it appears on Alice's screen.
    await bob.type('Hi Alice, nice to meet you');
    await bob.press('Enter');
    await alice.waitFor('Bob: Hi Alice, nice to meet you', 40_000);
    await bob.waitFor(/me: Hi Alice, nice to meet you ✓/, 30_000);

    // Both see the same safety number.
    const digits = (s: string) => s.match(/(\d{5} ){3}\d{5}/g)?.join(' ');
    const a = await alice.pressUntil('C-k', 'Safety number with Bob');
    const b = await bob.pressUntil('C-k', 'Safety number with Alice');
    assert.ok(digits(a));
    assert.equal(digits(a), digits(b));

    await alice.press('C-c');
    await alice.waitFor('[exited 0]', 15_000);

    // The next run asks for the passphrase: a wrong one is refused, the right one opens
    // the same conversation, and Bob's new message shows as unread beside his name.
    await bob.pressUntil('Escape', 'Alice not verified (^K)');
    await bob.type('Are you still there?');
    await bob.press('Enter');
    // Meanwhile Cy, a stranger, writes to Alice: a request.
    const cy = { MIZU_PASSPHRASE: 'cy passphrase' };
    const aliceAddress = json<{ address: string }>(
      await mizu(['--home', join(dir, 'alice'), 'whoami', '--json'], {
        MIZU_PASSPHRASE: 'alice passphrase',
      }),
    ).address;
    const cyAddress = await address(cyInit);
    assert.equal((await mizu(['--home', cyHome, 'contact', 'add', aliceAddress], cy)).code, 0);
    assert.equal((await mizu(['--home', cyHome, 'send', aliceAddress, 'Hi, Cy here'], cy)).code, 0);
    await bob.waitFor(/me: Are you still there\? ✓/, 30_000);
    const again = await chat(join(dir, 'alice'), {});
    await again.waitFor('Passphrase:', 30_000);
    await again.type('wrong passphrase');
    await again.press('Enter');
    await again.waitFor('Wrong passphrase', 20_000);
    await again.type('alice passphrase');
    await again.press('Enter');
    // Ann, first by name, is shown; Bob's new message waits as unread beside his name.
    const unread = await again.waitFor(/ {2}Bob \(1\)/, 30_000);
    assert.match(unread, /› Ann/);
    await again.press('Down');
    await again.waitFor('Bob: Are you still there?');
    assert.match(await again.screen(), /me: Hello Bob, this is Alice ✓✓ final/);
    // Read now: the count goes.
    await again.waitFor(/› Bob(?! \()/);
    // Cy's request: Alice blocks it from the requests panel.
    await again.waitFor('Requests (1)', 30_000);
    await again.press('Tab');
    await again.waitFor(new RegExp(`› ${cyAddress}`));
    await again.press('b');
    await again.waitFor(`Blocked ${cyAddress}`);
    assert.doesNotMatch(await again.screen(), /Requests \(1\)/);
  });
});
