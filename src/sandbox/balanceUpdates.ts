/**
 * Balance updates in the node's JSON shapes (`Receipt_repr` encoding):
 * every movement is a pair of updates summing to zero, all with
 * `"origin": "block"`.
 */

export type BalanceUpdate = Record<string, string>;

export const contractUpdate = (contract: string, change: bigint): BalanceUpdate => ({
  kind: 'contract',
  contract,
  change: String(change),
  origin: 'block',
});

/** Fee paid by `source` into the block's fee accumulator. */
export const feeUpdates = (source: string, fee: bigint): BalanceUpdate[] => [
  contractUpdate(source, -fee),
  { kind: 'accumulator', category: 'block fees', change: String(fee), origin: 'block' },
];

/** Storage burnt by `payer`. */
export const burnUpdates = (payer: string, amount: bigint): BalanceUpdate[] => [
  contractUpdate(payer, -amount),
  { kind: 'burned', category: 'storage fees', change: String(amount), origin: 'block' },
];

export const transferUpdates = (from: string, to: string, amount: bigint): BalanceUpdate[] => [
  contractUpdate(from, -amount),
  contractUpdate(to, amount),
];
