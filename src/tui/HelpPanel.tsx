/** Keyboard help. */
import { Box, Text } from 'ink';
import { KEYS } from './keys.js';

export function HelpPanel() {
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
      <Text bold>Keyboard</Text>
      {KEYS.map(([key, what]) => (
        <Text key={key}>
          <Text color="cyan">{key.padEnd(14)}</Text>
          {what}
        </Text>
      ))}
      <Text dimColor>{'\n'}Esc: back</Text>
    </Box>
  );
}
