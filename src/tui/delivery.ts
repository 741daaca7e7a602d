/** How a sent message's delivery state reads in the conversation. Pure. */
import type { ChatMessage } from './chatModel.js';

export function deliveryLabel(m: ChatMessage): string {
  switch (m.state) {
    case undefined:
      return '';
    case 'queued':
      return '… queued';
    case 'posted':
      return '→ posted';
    case 'included':
      return `✓ included${m.level !== undefined ? ` #${m.level}` : ''}`;
    case 'final':
      return `✓✓ final${m.level !== undefined ? ` #${m.level}` : ''}`;
    case 'failed':
      return '✗ failed';
  }
}
