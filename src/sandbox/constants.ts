/**
 * Protocol facts the sandbox reports and applies: protocol 025 Ushuaia's
 * hash, mainnet's chain id, and the mainnet economics of
 * `default_parameters.ml` (`constants_mainnet`), except the block delay, which
 * is the sandbox's configured block time (TEZOS_RPC_NOTES §2).
 */

export const PROTOCOL = 'PsUshuai9QapM5TGj1JpuVGkdxz5GykdnEvS6Rh8SUVrARvZLCY';
/** The error-id prefix of this protocol (`proto.025-PsUshuai.contract.counter_in_the_past`). */
export const ERROR_PREFIX = 'proto.025-PsUshuai.';
export const CHAIN_ID = 'NetXdQprcVkpaWU';

export const COST_PER_BYTE = 250n;
/** Bytes burnt for a new contract or a newly allocated implicit account. */
export const ORIGINATION_SIZE = 257;
export const HARD_GAS_LIMIT_PER_OPERATION = 1_040_000n;
export const HARD_GAS_LIMIT_PER_BLOCK = 1_040_000n;
export const HARD_STORAGE_LIMIT_PER_OPERATION = 60_000n;
/** Blocks whose hash an operation may use as its branch (mainnet: 600 at 6 s). */
export const MAX_OPERATIONS_TTL = 600;
export const MAX_OPERATION_DATA_LENGTH = 32_768;
/** Milligas of a reveal (the manager-operation base cost). */
export const REVEAL_MILLIGAS = 100_000;
/** Milligas of a transfer to an implicit account. */
export const TRANSFER_MILLIGAS = 100_000;

/** The `…/context/constants` answer (the fields clients read, with mainnet values). */
export function constantsJson(blockTimeSeconds: number): Record<string, unknown> {
  return {
    proof_of_work_nonce_size: 8,
    nonce_length: 32,
    max_anon_ops_per_block: 132,
    max_operation_data_length: MAX_OPERATION_DATA_LENGTH,
    max_proposals_per_delegate: 20,
    max_micheline_node_count: 50_000,
    max_micheline_bytes_limit: 50_000,
    max_allowed_global_constants_depth: 10_000,
    cache_layout_size: 3,
    michelson_maximum_type_size: 2001,
    blocks_per_cycle: 14_400,
    blocks_per_commitment: 240,
    nonce_revelation_threshold: 960,
    cycles_per_voting_period: 14,
    hard_gas_limit_per_operation: String(HARD_GAS_LIMIT_PER_OPERATION),
    hard_gas_limit_per_block: String(HARD_GAS_LIMIT_PER_BLOCK),
    proof_of_work_threshold: '-1',
    minimal_stake: '6000000000',
    minimal_frozen_stake: '600000000',
    origination_size: ORIGINATION_SIZE,
    cost_per_byte: String(COST_PER_BYTE),
    hard_storage_limit_per_operation: String(HARD_STORAGE_LIMIT_PER_OPERATION),
    quorum_min: 2000,
    quorum_max: 7000,
    min_proposal_quorum: 500,
    liquidity_baking_subsidy: '5000000',
    max_operations_time_to_live: MAX_OPERATIONS_TTL,
    // The RPC reports whole seconds; fractions (tests) round up to 1.
    minimal_block_delay: String(Math.max(1, Math.ceil(blockTimeSeconds))),
    delay_increment_per_round: '3',
    consensus_committee_size: 7000,
    consensus_threshold_size: 4667,
    smart_rollup_origination_size: 6314,
    zk_rollup_origination_size: 4000,
  };
}
