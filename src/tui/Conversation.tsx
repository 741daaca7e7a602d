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
  /** Messages hidden below the view (scrolled back with Page Up). */
  readonly scrollBack?: number;
}

export function Conversation({ contact, messages, rows, now, scrollBack = 0 }: ConversationProps) {
  if (!contact)
    return (
      <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
        <Text dimColor>No conversation. Add a contact with Ctrl-N, or accept a request (Tab).</Text>
      </Box>
    );
  // The newest messages that fit (long ones wrap: the pane clips at its top).
  const end = Math.max(0, messages.length - scrollBack);
  const shown = messages.slice(Math.max(0, end - Math.max(1, rows - 1)), end);
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1} height={rows} overflow="hidden">
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
        {scrollBack > 0 ? <Text color="yellow"> ({scrollBack} newer below: Page Down)</Text> : null}
      </Text>
      <Box flexDirection="column" flexGrow={1} justifyContent="flex-end" overflow="hidden">
        {shown.map((m) => (
          <Box key={m.id} flexShrink={0}>
            <Text wrap="wrap">
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
          </Box>
        ))}
      </Box>
    </Box>
  );
}
