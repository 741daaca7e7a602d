/**
 * The node pool: every RPC request goes to a node chosen at random among
 * those not marked down; a node that fails (no answer in time, a 5xx that is
 * not a Tezos error list, an answer that is not JSON, or JSON the caller's
 * parser refuses) is marked down for a while and the request is retried on
 * another node.
 *
 * Answers that are the node's considered reply (4xx, and 5xx carrying the
 * node's error list, as when it refuses an operation) are returned to the
 * caller as NodeRefusal: trying elsewhere would get the same answer.
 *
 * Privacy: choosing the node at random per request spreads one user's
 * requests over the nodes, so no single operator sees all of them; with a
 * SOCKS5 proxy each request also carries its isolation group's credentials.
 */

import type { IsolationGroup } from '../../ports/chain.js';
import type { Random } from '../../ports/random.js';
import { ChainError } from './errors.js';
import {
  DirectAgents,
  exchange,
  type HttpAnswer,
  type HttpExchange,
  TransportError,
} from './httpTransport.js';
import { IsolationCredentials, type Socks5Proxy } from './socks.js';

export interface NodePoolOptions {
  readonly urls: readonly string[];
  readonly random: Random;
  readonly socks5?: Socks5Proxy;
  /** Per-request timeout (default 15 s). */
  readonly timeoutMs?: number;
  /** How long a failed node is avoided (default 60 s). */
  readonly markDownMs?: number;
  /** Attempts per request (default: the number of nodes, at least 2, at most 4). */
  readonly attempts?: number;
  /** Where each exchange goes (tests may observe it); default: httpTransport's `exchange`. */
  readonly exchange?: (x: HttpExchange) => Promise<HttpAnswer>;
}

/** The node's considered answer with a status ≥ 400 (not a node fault). */
export class NodeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly url: string,
    /** The node's error list, when the body is one. */
    readonly errors: readonly TezosRpcError[],
  ) {
    super(`The node ${new URL(url).origin} answered ${status}`);
    this.name = 'NodeRefusal';
  }
}

export interface TezosRpcError {
  readonly kind?: string;
  readonly id: string;
  readonly [field: string]: unknown;
}

/** Thrown by a caller's parser: the answer is not what the RPC returns, try another node. */
export class MalformedAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswer';
  }
}

export interface RpcRequest<T> {
  readonly method: 'GET' | 'POST';
  /** Path from the node's root, with the query string: `/chains/main/blocks/head/header`. */
  readonly path: string;
  readonly body?: unknown;
  /** Validates and converts the JSON answer; throws MalformedAnswer to try another node. */
  readonly parse: (json: unknown) => T;
  /** Overrides the pool's timeout. */
  readonly timeoutMs?: number;
  /** A 404 means this node lags (a block by level or hash), not that the thing is absent. */
  readonly notFoundIsFault?: boolean;
}

/** Parses a Tezos RPC error list, or returns null. */
export function tezosErrors(text: string): TezosRpcError[] | null {
  try {
    const v = JSON.parse(text) as unknown;
    if (
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((e) => typeof e === 'object' && e !== null && typeof e.id === 'string')
    )
      return v as TezosRpcError[];
  } catch {
    // not JSON
  }
  return null;
}

export class NodePool {
  readonly urls: readonly string[];
  private readonly random: Random;
  private readonly socks5: Socks5Proxy | undefined;
  private readonly credentials: IsolationCredentials;
  private readonly timeoutMs: number;
  private readonly markDownMs: number;
  private readonly attempts: number;
  private readonly send: (x: HttpExchange) => Promise<HttpAnswer>;
  private readonly downUntil = new Map<string, number>();
  private readonly agents = new DirectAgents();

  constructor(o: NodePoolOptions) {
    if (o.urls.length === 0) throw new RangeError('The node pool needs at least one RPC URL');
    this.urls = o.urls.map((u) => {
      const url = new URL(u);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new RangeError(`Cannot use the RPC URL ${url.origin}: not http(s)`);
      return u.replace(/\/+$/, '');
    });
    this.random = o.random;
    this.socks5 = o.socks5;
    this.credentials = new IsolationCredentials(o.random);
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.markDownMs = o.markDownMs ?? 60_000;
    this.attempts = o.attempts ?? Math.min(4, Math.max(2, this.urls.length));
    this.send = o.exchange ?? exchange;
  }

  /** Uniform index in [0, n) from the Random port (rejection sampling, no modulo bias). */
  private uniform(n: number): number {
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const b = this.random(4);
      const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      if (v < limit) return v % n;
    }
  }

  /** A node at random: untried and up if any, else untried, else any. */
  pick(tried: ReadonlySet<string>): string {
    const now = Date.now();
    const up = this.urls.filter((u) => !tried.has(u) && (this.downUntil.get(u) ?? 0) <= now);
    const untried = this.urls.filter((u) => !tried.has(u));
    const from = up.length > 0 ? up : untried.length > 0 ? untried : this.urls;
    return from[this.uniform(from.length)]!;
  }

  markDown(url: string): void {
    this.downUntil.set(url, Date.now() + this.markDownMs);
  }

  isDown(url: string): boolean {
    return (this.downUntil.get(url) ?? 0) > Date.now();
  }

  /** Closes the kept-alive direct connections. */
  close(): void {
    this.agents.destroy();
  }

  /** One request, on a random node, retried elsewhere on node faults. */
  async request<T>(group: IsolationGroup, r: RpcRequest<T>): Promise<T> {
    const tried = new Set<string>();
    const faults: string[] = [];
    for (let i = 0; i < this.attempts; i++) {
      const url = this.pick(tried);
      tried.add(url);
      const result = await this.once(url, group, r);
      if (result.ok) return result.value;
      faults.push(result.fault);
      this.markDown(url);
    }
    throw new ChainError(
      'unreachable',
      `Cannot ${r.method} ${r.path.split('?')[0]}: no node answered usably (${faults.join('; ')})`,
    );
  }

  /** Sends `r` to `url`; the node's refusals throw, its faults come back as values. */
  async once<T>(
    url: string,
    group: IsolationGroup,
    r: RpcRequest<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; fault: string }> {
    const origin = new URL(url).origin;
    let answer: HttpAnswer;
    try {
      answer = await this.send({
        url: url + r.path,
        method: r.method,
        ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
        timeoutMs: r.timeoutMs ?? this.timeoutMs,
        agents: this.agents,
        ...(this.socks5
          ? { socks: { proxy: this.socks5, credentials: this.credentials.of(group) } }
          : {}),
      });
    } catch (e) {
      if (e instanceof TransportError) return { ok: false, fault: e.message };
      throw e;
    }
    if (answer.status >= 500) {
      const errors = tezosErrors(answer.text);
      if (!errors) return { ok: false, fault: `${origin} answered ${answer.status}` };
      throw new NodeRefusal(answer.status, answer.text, url + r.path, errors);
    }
    // Rate limits, and a block a lagging node does not have yet: ask another node.
    if (
      answer.status === 429 ||
      answer.status === 408 ||
      (answer.status === 404 && r.notFoundIsFault)
    )
      return { ok: false, fault: `${origin} answered ${answer.status}` };
    if (answer.status >= 400)
      throw new NodeRefusal(
        answer.status,
        answer.text,
        url + r.path,
        tezosErrors(answer.text) ?? [],
      );
    if (answer.status < 200 || answer.status >= 300)
      return { ok: false, fault: `${origin} answered ${answer.status}` };
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      return { ok: false, fault: `${origin} answered malformed JSON` };
    }
    try {
      return { ok: true, value: r.parse(json) };
    } catch (e) {
      if (e instanceof MalformedAnswer) return { ok: false, fault: `${origin}: ${e.message}` };
      throw e;
    }
  }
}
