/** The safety number of one contact, to compare in person or on another channel. */
import { Box, Text } from 'ink';
import { digitGroups } from '../cli/format.js';
import type { ChatContact } from './chatModel.js';

export function SafetyNumberView(props: {
  readonly contact: ChatContact;
  readonly digits: string;
}) {
  const { contact, digits } = props;
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
      <Text bold>Safety number with {contact.name}</Text>
      <Text dimColor>{contact.address}</Text>
      <Text> </Text>
      {digitGroups(digits).map((line) => (
        <Text key={line}> {line}</Text>
      ))}
      <Text> </Text>
      <Text>
        Compare it with {contact.name}'s screen.{' '}
        {contact.verified && !contact.bundleChanged ? (
          <Text color="green">Verified ✓</Text>
        ) : (
          <Text>If it matches, press v to mark {contact.name} verified.</Text>
        )}
      </Text>
      <Text dimColor>Esc: back</Text>
    </Box>
  );
}
