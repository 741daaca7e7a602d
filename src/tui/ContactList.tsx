/** The left pane: contacts with unread counts (the selected one marked), then requests. */
import { Box, Text } from 'ink';
import type { ChatContact, ChatRequest } from './chatModel.js';

export interface ContactListProps {
  readonly contacts: readonly ChatContact[];
  readonly selected: string | null;
  readonly requests: readonly ChatRequest[];
  readonly width: number;
}

export function ContactList({ contacts, selected, requests, width }: ContactListProps) {
  return (
    <Box
      flexDirection="column"
      width={width}
      flexShrink={0}
      borderStyle="single"
      borderRight={true}
      borderTop={false}
      borderBottom={false}
      borderLeft={false}
    >
      <Text bold underline>
        Contacts
      </Text>
      {contacts.length === 0 ? <Text dimColor>none yet (^N)</Text> : null}
      {contacts.map((c) => {
        const mark = c.address === selected ? '›' : ' ';
        const flag = c.bundleChanged ? ' !' : c.verified ? ' ✓' : '';
        return (
          <Text key={c.address} bold={c.address === selected} wrap="truncate">
            {mark} {c.name}
            {flag}
            {c.unread > 0 ? <Text color="yellow"> ({c.unread})</Text> : null}
          </Text>
        );
      })}
      {requests.length > 0 ? (
        <Text color="magenta">
          {'\n'}Requests ({requests.length}) Tab
        </Text>
      ) : null}
    </Box>
  );
}
