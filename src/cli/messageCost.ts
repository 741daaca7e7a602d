/**
 * What the message being typed will cost, for the chat's compose line. Pure.
 *
 * Its postal-box entry is the text padded (Padmé, as the engine pads it)
 * plus the steady entry overhead; the cost of a post grows with the entry's
 * bytes (storage burn per byte, plus about one mutez of fee per byte of
 * operation). The engine measures one typical entry (a 100-byte text:
 * TYPICAL_TEXT_BYTES) by simulation; this scales that figure to the text.
 * An estimate: a first message (session start, discovery request) costs more.
 */
import type { OperationCost } from '../ports/chain.js';
import { DEFAULT_PADDING, paddedLength, STEADY_OVERHEAD } from '../protocol/index.js';

/** The text length behind the engine's typical message cost. */
export const TYPICAL_TEXT_BYTES = 100;

export function entryBytes(textBytes: number): number {
  return STEADY_OVERHEAD + paddedLength(textBytes, DEFAULT_PADDING);
}

export function messageCostMutez(textBytes: number, typical: OperationCost): bigint {
  const extra = BigInt(entryBytes(textBytes) - entryBytes(TYPICAL_TEXT_BYTES));
  const burnPerByte =
    typical.storageBytes > 0 ? typical.burnMutez / BigInt(typical.storageBytes) : 0n;
  const cost = typical.totalMutez + extra * (burnPerByte + 1n);
  return cost > 0n ? cost : 0n;
}
