/**
 * Funding a new identity from the sandbox's faucet (`POST /mizu/faucet`),
 * then waiting until the chain shows the funds. Sandbox only: real networks
 * have no faucet in Mizu.
 */
import type { Chain } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';

/** What the first run gives a new identity: enough for thousands of messages. */
export const FAUCET_AMOUNT_MUTEZ = 100_000_000n;

export async function fundFromFaucet(opts: {
  rpc: string;
  chain: Chain;
  clock: Clock;
  address: string;
  mutez?: bigint;
  timeoutMs?: number;
}): Promise<bigint> {
  const amount = opts.mutez ?? FAUCET_AMOUNT_MUTEZ;
  const before = await opts.chain.balance(opts.address, 'directory');
  let r: Response;
  try {
    r = await fetch(`${opts.rpc.replace(/\/$/, '')}/mizu/faucet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: opts.address, amount: amount.toString() }),
    });
  } catch (e) {
    throw Object.assign(new Error(`Cannot reach the sandbox faucet at ${opts.rpc}`), {
      code: 'unreachable',
      cause: e,
    });
  }
  if (!r.ok)
    throw new Error(
      `Cannot fund ${opts.address}: the faucet answered ${r.status} ${await r.text()}`,
    );
  const until = opts.clock.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const now = await opts.chain.balance(opts.address, 'directory');
    if (now >= before + amount) return now;
    if (opts.clock.now() > until)
      throw Object.assign(new Error(`Cannot fund ${opts.address}: not included in time`), {
        code: 'timeout',
      });
    await opts.clock.sleep(200);
  }
}
