/**
 * Taquito's HTTP layer, replaced: a HttpBackend whose requests go through
 * the node pool (random node, retry elsewhere, SOCKS5 with the isolation
 * group's credentials) instead of `fetch` to one fixed URL.
 *
 * Taquito builds URLs from the base it was given; we give it POOL_BASE and
 * the backend keeps only the path. Refusals come back to Taquito as the
 * HttpResponseError it expects from a node (it reads rejected operations
 * out of their body); pool failures stay ChainErrors.
 */

import { HttpBackend, type HttpRequestOptions, HttpResponseError } from '@taquito/http-utils';
import { RpcClient } from '@taquito/rpc';
import type { IsolationGroup } from '../../ports/chain.js';
import { type NodePool, NodeRefusal } from './nodePool.js';

/** The base URL Taquito is given; never contacted. */
export const POOL_BASE = 'http://mizu-node-pool.invalid';

export class PoolHttpBackend extends HttpBackend {
  constructor(
    private readonly pool: NodePool,
    private readonly group: IsolationGroup,
  ) {
    super();
  }

  override async createRequest<T>(options: HttpRequestOptions, data?: object | string): Promise<T> {
    if (!options.url.startsWith(POOL_BASE))
      throw new Error(`Refusing a request outside the node pool: ${new URL(options.url).origin}`);
    const path = options.url.slice(POOL_BASE.length) + this.serialize(options.query);
    try {
      return await this.pool.request(this.group, {
        method: options.method ?? 'GET',
        path,
        ...(data !== undefined ? { body: data } : {}),
        ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
        parse: (json) => json as T,
      });
    } catch (e) {
      if (e instanceof NodeRefusal)
        throw new HttpResponseError(
          `Http error response: (${e.status}) ${e.text.slice(0, 2000)}`,
          e.status as never,
          String(e.status),
          e.text,
          e.url,
        );
      throw e;
    }
  }
}

/** A Taquito RpcClient whose every request goes through the pool as `group`. */
export function pooledRpcClient(pool: NodePool, group: IsolationGroup): RpcClient {
  return new RpcClient(POOL_BASE, 'main', new PoolHttpBackend(pool, group));
}
