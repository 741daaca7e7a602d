/** Discovery requests from strangers: choose one, then accept, ignore or block it. */
import { Box, Text } from 'ink';
import { clockTime } from '../cli/format.js';
import type { ChatRequest } from './chatModel.js';

export interface RequestsPanelProps {
  readonly requests: readonly ChatRequest[];
  readonly selected: number;
  readonly now: number;
}

export function RequestsPanel({ requests, selected, now }: RequestsPanelProps) {
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
      <Text bold>Requests — someone who is not in your contacts wants to talk</Text>
      {requests.length === 0 ? <Text dimColor>No requests. Esc: back</Text> : null}
      {requests.map((r, i) => (
        <Text key={r.address} inverse={i === selected}>
          {i === selected ? '› ' : '  '}
          {r.address} <Text dimColor>{clockTime(r.time, now)}</Text>
        </Text>
      ))}
      {requests.length > 0 ? (
        <Text dimColor>{'\n'}a: accept (adds the contact) · i: ignore · b: block · Esc: back</Text>
      ) : null}
    </Box>
  );
}
