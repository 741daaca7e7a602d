/**
 * The conversation pane: the last messages that fit, each with its time and,
 * for ours, its delivery state (queued → included → final).
 */
import { Box, Text } from 'ink';
import { clockTime } from '../cli/format.js';
import type { ChatContact, ChatMessage } from './chatModel.js';
import { deliveryLabel } from './delivery.js';

export interface ConversationProps {
  readonly contact: ChatContact | null;
  readonly messages: readonly ChatMessage[];
  readonly rows: number;
  readonly now: number;
}

export function Conversation({ contact, messages, rows, now }: ConversationProps) {
  if (!contact)
    return (
      <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
        <Text dimColor>No conversation. Add a contact with Ctrl-N, or accept a request (Tab).</Text>
      </Box>
    );
  const shown = messages.slice(-Math.max(1, rows - 1));
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
      <Text bold>
        {contact.name}
        {contact.verified ? (
          <Text color="green"> ✓ verified</Text>
        ) : (
          <Text dimColor> not verified (^K)</Text>
        )}
        {contact.bundleChanged ? (
          <Text color="red"> keys changed: check the safety number</Text>
        ) : null}
      </Text>
      {shown.map((m) => (
        <Text key={m.id} wrap="wrap">
          <Text dimColor>{clockTime(m.time, now)} </Text>
          {m.direction === 'out' ? (
            <Text color="cyan">me</Text>
          ) : (
            <Text color="green">{contact.name}</Text>
          )}
          : {m.text}
          {m.direction === 'out' ? (
            <Text color={m.state === 'failed' ? 'red' : 'gray'}> {deliveryLabel(m)}</Text>
          ) : null}
        </Text>
      ))}
    </Box>
  );
}
