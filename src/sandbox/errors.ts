/**
 * Errors of the sandbox node. A NodeError carries the JSON error list a
 * Tezos node answers with (`[{"kind":"temporary","id":"proto.025-…","…"}]`),
 * which the RPC layer returns as the body of an HTTP 500, as a node does.
 */

import { ERROR_PREFIX } from './constants.js';

/** One error of a node's error list. */
export interface RpcError {
  readonly kind: 'temporary' | 'branch' | 'permanent';
  readonly id: string;
  readonly [field: string]: unknown;
}

/** A protocol error: `id` without the `proto.025-PsUshuai.` prefix. */
export function protoError(
  kind: RpcError['kind'],
  id: string,
  fields: Record<string, unknown> = {},
): RpcError {
  return { kind, id: ERROR_PREFIX + id, ...fields };
}

/** An operation refused before application (validation), or a bad request. */
export class NodeError extends Error {
  constructor(
    readonly errors: readonly RpcError[],
    readonly httpStatus = 500,
  ) {
    super(errors.map((e) => e.id).join(', '));
    this.name = 'NodeError';
  }
}

/** A request the node cannot parse (HTTP 400). */
export class BadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** Something absent (HTTP 404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
