/** The top line of the chat: who we are, on which network, balance and head level. */
import { Box, Text } from 'ink';
import { shortAddress, tez } from '../cli/format.js';
import type { ChatSnapshot } from './chatModel.js';

export function Header({ snap }: { readonly snap: ChatSnapshot }) {
  const id = snap.identity;
  return (
    <Box>
      <Text bold color="cyan">
        Mizu
      </Text>
      <Text>
        {' · '}
        <Text bold>{id.name}</Text> ({shortAddress(id.address)}) · {id.network}
        {id.balanceMutez !== null ? ` · ${tez(id.balanceMutez)} tez` : ''}
        {snap.headLevel !== null ? ` · level ${snap.headLevel}` : ''}
        {id.bundlePublished ? '' : ' · bundle not published'}
      </Text>
    </Box>
  );
}
