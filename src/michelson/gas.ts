/**
 * Gas: a documented approximation of the protocol's cost model, in milligas
 * (1 gas = 1000 milligas).
 *
 * Sources of the orders of magnitude: the protocol's
 * `michelson_v1_gas_costs_generated.ml` (per-instruction costs, most simple
 * instructions 10–20 milligas, hashing ~400 + bytes, signature checks
 * 50–1000 gas), `storage_costs.ml` (a context read costs 200 gas + 5 gas per
 * path element + 2 milligas per byte read; a write 200 gas + 4 milligas per
 * byte), and the serialization costs of `script_repr.ml` (proportional to
 * bytes). What is charged here:
 *
 * - interpretation: one charge per executed instruction (`INSTR`, or a
 *   size-dependent function below for instructions whose cost grows with
 *   their inputs), plus `LOOP_STEP` per loop / iteration step. The protocol
 *   has no separate per-step overhead: its continuation costs (KReturn,
 *   KLoop_in, KIter… 10–20 milligas) are what `LOOP_STEP` and the doubled
 *   cost of EXEC stand for;
 * - big maps: `BIG_MAP_READ` per store read (GET, MEM, GET_AND_UPDATE that
 *   miss the in-memory overlay), `BIG_MAP_WRITE` per entry of the lazy storage
 *   diff written at the end;
 * - (de)serialization: `SCRIPT_NODE` per Micheline node of code typechecked,
 *   `DATA_NODE` per node of data parsed or unparsed, `BYTE` per byte packed,
 *   unpacked or hashed.
 *
 * Not charged here: the 100 gas of a manager operation and the 1000 gas of
 * an origination's base cost (the caller adds them; see `BASE_COSTS`).
 */

import { GasExhaustedError } from './errors.js';

export const COST = {
  /** Stack shuffles, constants, pair/option/or constructors, context reads. */
  INSTR: 10,
  /** Each iteration of LOOP, LOOP_LEFT, ITER, MAP. */
  LOOP_STEP: 10,
  /** Arithmetic on numbers: base, plus per byte of the operands. */
  ARITH: 35,
  /** COMPARE and friends: base, plus per byte of the smaller operand. */
  COMPARE: 35,
  /** Set/map lookups and updates: base, plus key bytes × log2(size). */
  MAP_ACCESS: 50,
  /** Building an empty set or map. */
  EMPTY_COLLECTION: 300,
  /** Hash functions: base (keccak/sha3 are ~1350, blake2b/sha2 ~450–700). */
  HASH: 500,
  HASH_SLOW: 1350,
  /** HASH_KEY. */
  HASH_KEY: 605,
  /** CHECK_SIGNATURE per scheme. */
  CHECK_SIG: [65_800, 51_600, 990_000, 1_570_000] as readonly number[],
  /** VIEW (on top of the view's own instructions). */
  VIEW: 1_460,
  /** CONTRACT, and the account lookups it implies. */
  CONTRACT: 30_000,
  /** TRANSFER_TOKENS, SET_DELEGATE, CREATE_CONTRACT, EMIT. */
  OPERATION: 60,
  /** Context read of a big-map value (storage_costs.ml `read_access`). */
  BIG_MAP_READ: 210_000,
  /** Context write of a big-map entry (storage_costs.ml `write_access`). */
  BIG_MAP_WRITE: 200_000,
  /** Per Micheline node of code typechecked. */
  SCRIPT_NODE: 60,
  /** Per Micheline node of data parsed, unparsed, packed or unpacked. */
  DATA_NODE: 50,
  /** Per byte serialized, deserialized, or hashed. */
  BYTE: 2,
} as const;

/** Costs outside the script that the caller adds (apply.ml, michelson_v1_gas.ml). */
export const BASE_COSTS = {
  /** Any manager operation. */
  MANAGER_OPERATION: 100_000,
  /** Origination, on top of the manager operation. */
  ORIGINATION: 1_000_000,
} as const;

/** Hard gas limit per operation of protocol Ushuaia, in milligas. */
export const HARD_GAS_LIMIT_PER_OPERATION = 1_040_000_000;

/** Milligas meter. `limit` undefined means unlimited (still counts). */
export class GasMeter {
  private readonly limit: number;
  private used = 0;
  constructor(limit?: number) {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0))
      throw new RangeError(`gasLimit must be a non-negative integer (milligas), got ${limit}`);
    this.limit = limit ?? Number.POSITIVE_INFINITY;
  }
  /** Milligas consumed so far (never more than the limit). */
  get consumed(): number {
    return Math.min(this.used, this.limit);
  }
  consume(milligas: number): void {
    this.used += milligas;
    if (this.used > this.limit) throw new GasExhaustedError();
  }
}

/** Size in bytes of a number, for size-dependent costs. */
export function intBytes(n: bigint): number {
  // Hexadecimal conversion is linear in the size (a shift loop would be quadratic).
  const hex = (n < 0n ? -n : n).toString(16);
  return (hex.length + 1) >> 1;
}

export const log2 = (n: number): number => (n <= 1 ? 1 : Math.ceil(Math.log2(n)));
