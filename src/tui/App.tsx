/**
 * The chat application: unlock the profile (or, on first run, create it:
 * passphrase, name, identity, funding on the sandbox, bundle), then the
 * chat screen. The boot object (chatModel.ts) does the work; this only asks.
 */
import { Box, Text, useApp } from 'ink';
import { useEffect, useState } from 'react';
import { ChatScreen } from './ChatScreen.js';
import type { ChatBoot, ChatSession } from './chatModel.js';
import { LineInput } from './LineInput.js';

type Phase =
  | { kind: 'unlock' }
  | { kind: 'new-passphrase' }
  | { kind: 'confirm-passphrase'; passphrase: string }
  | { kind: 'name'; passphrase: string }
  | { kind: 'working'; lines: string[] }
  | { kind: 'chat'; session: ChatSession };

const MIN_PASSPHRASE = 8;

const errorLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!;

export function App({
  boot,
  onSession,
}: {
  readonly boot: ChatBoot;
  readonly onSession?: (s: ChatSession) => void;
}) {
  const { exit } = useApp();
  const [phase, setPhase] = useState<Phase>(
    boot.profileExists
      ? { kind: 'unlock' }
      : boot.passphrase !== null
        ? { kind: 'name', passphrase: boot.passphrase }
        : { kind: 'new-passphrase' },
  );
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  const open = (p: Promise<ChatSession>, back: Phase) => {
    p.then(
      (session) => {
        onSession?.(session);
        setPhase({ kind: 'chat', session });
      },
      (e) => {
        setError(errorLine(e));
        if (boot.passphrase !== null && back.kind === 'unlock') exit(e as Error);
        setPhase(back);
      },
    );
  };

  const unlock = (passphrase: string) => {
    setPhase({ kind: 'working', lines: ['Opening the profile…'] });
    open(boot.unlock(passphrase), { kind: 'unlock' });
  };

  // A passphrase given outside the terminal opens the profile without asking.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at start
  useEffect(() => {
    if (boot.profileExists && boot.passphrase !== null) unlock(boot.passphrase);
  }, []);

  const submit = (v: string) => {
    setValue('');
    setError(null);
    switch (phase.kind) {
      case 'unlock':
        if (v) unlock(v);
        return;
      case 'new-passphrase':
        if (v.length < MIN_PASSPHRASE) setError(`At least ${MIN_PASSPHRASE} characters, please.`);
        else setPhase({ kind: 'confirm-passphrase', passphrase: v });
        return;
      case 'confirm-passphrase':
        if (v !== phase.passphrase) {
          setError('The two passphrases differ. Choose one again.');
          setPhase({ kind: 'new-passphrase' });
        } else setPhase({ kind: 'name', passphrase: v });
        return;
      case 'name': {
        const name = v.trim() || 'me';
        const lines: string[] = [];
        setPhase({ kind: 'working', lines });
        const progress = (line: string) => {
          lines.push(line);
          setPhase({ kind: 'working', lines: [...lines] });
        };
        open(boot.create({ passphrase: phase.passphrase, name }, progress), {
          kind: 'name',
          passphrase: phase.passphrase,
        });
        return;
      }
      default:
        return;
    }
  };

  if (phase.kind === 'chat') return <ChatScreen session={phase.session} />;

  const prompt = (label: string, mask: boolean, placeholder?: string) => (
    <Box>
      <Text>{label} </Text>
      <LineInput
        value={value}
        onChange={setValue}
        onSubmit={submit}
        active={true}
        mask={mask}
        placeholder={placeholder}
      />
    </Box>
  );

  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        Mizu
        <Text color="white" bold={false}>
          {' '}
          — end-to-end encrypted messages over Tezos{boot.network ? ` (${boot.network})` : ''}
        </Text>
      </Text>
      {phase.kind === 'unlock' ? prompt('Passphrase:', true) : null}
      {phase.kind === 'new-passphrase' ? (
        <Box flexDirection="column">
          <Text>
            Welcome. This first run creates your profile: an encrypted database on this machine and
            a Tezos account that is your identity.
          </Text>
          <Text>Choose a passphrase. It encrypts the profile; it cannot be recovered.</Text>
          {prompt('Passphrase:', true)}
        </Box>
      ) : null}
      {phase.kind === 'confirm-passphrase' ? prompt('Passphrase again:', true) : null}
      {phase.kind === 'name' ? (
        <Box flexDirection="column">
          <Text>
            Your name is only for you (contacts choose their own name for you).
            {boot.faucet ? ' The sandbox faucet will fund your new account.' : ''}
          </Text>
          {prompt('Name:', false, 'me')}
        </Box>
      ) : null}
      {phase.kind === 'working' ? phase.lines.map((l) => <Text key={l}>{l}</Text>) : null}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>Ctrl-C: quit</Text>
    </Box>
  );
}
