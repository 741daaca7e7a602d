/**
 * The chat once the profile is open: header, contacts, the conversation (or
 * the requests panel, add-contact dialog, safety number, help), a compose
 * line with the cost of the message, and a key hint. All state lives in the
 * ChatSession; this screen holds only what is on screen (selection, mode,
 * the line being typed) and re-renders when the session reports a change.
 */
import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { tez } from '../cli/format.js';
import { AddContactDialog } from './AddContactDialog.js';
import { ContactList } from './ContactList.js';
import { Conversation } from './Conversation.js';
import type { ChatSession } from './chatModel.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import { STATUS_HINT } from './keys.js';
import { LineInput } from './LineInput.js';
import { RequestsPanel } from './RequestsPanel.js';
import { SafetyNumberView } from './SafetyNumberView.js';

type Mode =
  | { kind: 'chat' }
  | { kind: 'requests' }
  | { kind: 'add' }
  | { kind: 'accept'; address: string }
  | { kind: 'safety' }
  | { kind: 'help' }
  | { kind: 'confirm-changed'; contact: string; text: string };

const errorLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!;
const errorCode = (e: unknown) => (e as { code?: unknown } | null)?.code;

export function ChatScreen({ session }: { readonly session: ChatSession }) {
  const { stdout } = useStdout();
  const [version, setVersion] = useState(0);
  useEffect(() => session.subscribe(() => setVersion((v) => v + 1)), [session]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks a session change
  const snap = useMemo(() => session.snapshot(), [session, version]);

  const [selected, setSelected] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'chat' });
  const [draft, setDraft] = useState('');
  // A notice fades after a few seconds; an error stays until the next key.
  const [notice, setNoticeState] = useState<{ text: string; error: boolean } | null>(null);
  const setNotice = (text: string | null, error = false) =>
    setNoticeState(text === null ? null : { text, error });
  const [requestIndex, setRequestIndex] = useState(0);
  const [scrollBack, setScrollBack] = useState(0);
  useEffect(() => {
    if (notice === null || notice.error) return;
    const t = setTimeout(() => setNoticeState(null), 8000);
    return () => clearTimeout(t);
  }, [notice]);

  const contact = snap.contacts.find((c) => c.address === selected) ?? snap.contacts[0] ?? null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks a session change
  const messages = useMemo(
    () => (contact ? session.messages(contact.address) : []),
    [session, contact?.address, version],
  );

  // Reading a conversation marks it read.
  useEffect(() => {
    if (contact && contact.unread > 0 && mode.kind === 'chat') session.markRead(contact.address);
  }, [session, contact, mode.kind]);

  const rows = stdout.rows || 24;
  const columns = stdout.columns || 80;
  // Header, compose line and status line take a row each.
  const bodyRows = Math.max(5, rows - 3);
  const request = snap.requests[Math.min(requestIndex, snap.requests.length - 1)];

  const move = (delta: number) => {
    if (snap.contacts.length === 0) return;
    const i = contact ? snap.contacts.findIndex((c) => c.address === contact.address) : 0;
    const next = (i + delta + snap.contacts.length) % snap.contacts.length;
    setSelected(snap.contacts[next]!.address);
    setScrollBack(0);
  };

  const send = (text: string, confirmChanged = false) => {
    if (!contact || !text.trim()) return;
    const to = contact.address;
    setDraft('');
    // The engine checks the contact's bundle on chain first: say so meanwhile.
    setNotice(`Encrypting for ${contact.name}…`);
    session.send(to, text, { confirmChanged }).then(
      () => setNotice(null),
      (e) => {
        if (errorCode(e) === 'bundle-changed')
          setMode({ kind: 'confirm-changed', contact: to, text });
        else setNotice(errorLine(e), true);
      },
    );
  };

  const act = (what: string, f: () => Promise<unknown> | unknown) => {
    Promise.resolve()
      .then(f)
      .then(
        () => setNotice(what),
        (e) => setNotice(errorLine(e), true),
      );
  };

  useInput((input, key) => {
    if (notice?.error) setNoticeState(null);
    if (key.ctrl && input === 'g') return setMode({ kind: 'help' });
    if (key.escape) return setMode({ kind: 'chat' });
    if (mode.kind === 'add' || mode.kind === 'accept') return;
    if (key.ctrl && input === 'n') return setMode({ kind: 'add' });
    if (key.ctrl && input === 'k') return contact ? setMode({ kind: 'safety' }) : undefined;
    if ((key.ctrl && input === 'r') || key.tab)
      return setMode(mode.kind === 'requests' ? { kind: 'chat' } : { kind: 'requests' });
    switch (mode.kind) {
      case 'chat': {
        if (key.upArrow) move(-1);
        if (key.downArrow) move(1);
        const page = Math.max(1, bodyRows - 3);
        if (key.pageUp) setScrollBack((n) => Math.min(Math.max(0, messages.length - 1), n + page));
        if (key.pageDown) setScrollBack((n) => Math.max(0, n - page));
        return;
      }
      case 'requests':
        if (key.upArrow) setRequestIndex((i) => Math.max(0, i - 1));
        if (key.downArrow) setRequestIndex((i) => Math.min(snap.requests.length - 1, i + 1));
        if (!request) return;
        if (input === 'a') setMode({ kind: 'accept', address: request.address });
        if (input === 'i')
          act(`Ignored ${request.address}`, () => session.ignoreRequest(request.address));
        if (input === 'b')
          act(`Blocked ${request.address}`, () => session.blockRequest(request.address));
        return;
      case 'safety':
        if (input === 'v' && contact)
          act(`${contact.name} marked verified`, () => session.markVerified(contact.address));
        return;
      case 'confirm-changed':
        if (input === 'y') {
          setMode({ kind: 'chat' });
          send(mode.text, true);
        }
        if (input === 'n') {
          setMode({ kind: 'chat' });
          setNotice('Not sent.');
        }
        return;
      case 'help':
        return;
    }
  });

  let body: React.ReactNode;
  switch (mode.kind) {
    case 'requests':
      body = <RequestsPanel requests={snap.requests} selected={requestIndex} now={Date.now()} />;
      break;
    case 'add':
      body = (
        <AddContactDialog
          onDone={(address, name) => {
            setMode({ kind: 'chat' });
            act(`Added ${name ?? address}`, async () => {
              const c = await session.addContact(address, name);
              setSelected(c.address);
            });
          }}
        />
      );
      break;
    case 'accept':
      body = (
        <AddContactDialog
          title={`Accept the request from ${mode.address}`}
          address={mode.address}
          onDone={(address, name) => {
            setMode({ kind: 'chat' });
            act(`Accepted ${name ?? address}`, async () => {
              const c = await session.acceptRequest(address, name);
              setSelected(c.address);
            });
          }}
        />
      );
      break;
    case 'safety':
      body = contact ? (
        <SafetyNumberView contact={contact} digits={session.safetyNumber(contact.address)} />
      ) : null;
      break;
    case 'help':
      body = <HelpPanel />;
      break;
    case 'confirm-changed':
      body = (
        <Box flexDirection="column" paddingLeft={1}>
          <Text color="red" bold>
            The keys of this contact changed since you last checked them.
          </Text>
          <Text>
            Compare the safety number (Esc, then Ctrl-K) before trusting it. Send anyway? y / n
          </Text>
        </Box>
      );
      break;
    default:
      body = (
        <Conversation
          contact={contact}
          messages={messages}
          rows={bodyRows}
          now={Date.now()}
          scrollBack={scrollBack}
        />
      );
  }

  const cost = draft ? session.messageCost(draft) : snap.messageCostMutez;
  const bytes = Buffer.byteLength(draft, 'utf8');
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Header snap={snap} />
      <Box flexGrow={1} height={bodyRows}>
        <ContactList
          contacts={snap.contacts}
          selected={contact?.address ?? null}
          requests={snap.requests}
          width={Math.min(28, Math.floor(columns / 3))}
        />
        {body}
      </Box>
      <Box>
        <Text color="cyan">{contact ? `to ${contact.name} › ` : '› '}</Text>
        <Box flexGrow={1}>
          <LineInput
            value={draft}
            onChange={setDraft}
            onSubmit={(v) => send(v)}
            active={mode.kind === 'chat'}
            placeholder={contact ? 'type a message' : 'add a contact first (Ctrl-N)'}
          />
        </Box>
        <Text dimColor>
          {bytes > 0 ? ` ${bytes} B` : ''}
          {cost !== null ? ` · ≈${tez(cost)} tez` : ''}
        </Text>
      </Box>
      <Text
        color={notice?.error ? 'red' : snap.problem || notice ? 'yellow' : 'gray'}
        wrap="truncate"
      >
        {notice?.text ?? snap.problem ?? STATUS_HINT}
      </Text>
    </Box>
  );
}
