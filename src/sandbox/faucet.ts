/**
 * The faucet: real signed transfers from a dedicated bootstrap account (the
 * last one), injected into the mempool like any client's operation. Calls
 * are serialised so that each takes the next counter.
 */

import { LocalForger } from '@taquito/local-forging';
import { InMemorySigner } from '@taquito/signer';
import type { BootstrapAccount } from './accounts.js';
import { BadRequestError } from './errors.js';
import type { SandboxNode } from './node.js';

const forger = new LocalForger();
/** The most the faucet gives at once: 100 000 tez. */
export const FAUCET_MAX = 100_000_000_000n;

export class Faucet {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly node: SandboxNode,
    private readonly account: BootstrapAccount,
  ) {}

  /** Send `amount` mutez to `address`; resolves to the operation hash. */
  fund(address: string, amount: bigint): Promise<string> {
    if (amount <= 0n || amount > FAUCET_MAX)
      return Promise.reject(
        new BadRequestError(`Cannot fund: amount must be 1…${FAUCET_MAX} mutez`),
      );
    const run = this.queue.then(() => this.send(address, amount));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(address: string, amount: bigint): Promise<string> {
    const source = this.account.address;
    const counter = this.node.pendingCounter(source) + 1n;
    const bytes = await forger.forge({
      branch: this.node.head().hash,
      contents: [
        {
          kind: 'transaction',
          source,
          fee: '1000',
          counter: String(counter),
          gas_limit: '1000',
          storage_limit: '300',
          amount: String(amount),
          destination: address,
        } as never,
      ],
    });
    const signer = await InMemorySigner.fromSecretKey(this.account.secretKey);
    const signed = await signer.sign(bytes, new Uint8Array([3]));
    return this.node.inject(signed.sbytes);
  }
}
