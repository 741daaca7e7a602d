/**
 * Every bound the protocol core enforces, with the reason for its value.
 * Parsers, the ratchet and the codecs import their limits from here only.
 */

/**
 * Most message keys a single incoming message may make us derive and store
 * (the gap between the next expected number and the received one, summed over
 * the old and new chain). A sender never legitimately runs this far ahead of a
 * reader: the postal box keeps every entry, so gaps only come from reordering.
 */
export const MAX_SKIP = 1000;

/**
 * Most skipped message keys kept per session. When full, the oldest are
 * dropped: their messages are then reported as duplicates while their chain
 * keeps other keys, and as not mine once it keeps none. Bounds memory and
 * the state record's size (~ 2000 × 40 bytes).
 */
export const MAX_SKIPPED_KEYS = 2000;

/**
 * Most distinct receiving chains whose skipped keys are kept. Each one costs a
 * header-key trial per foreign entry, so this also bounds the symmetric work
 * spent on an entry that is not ours.
 */
export const MAX_SKIPPED_CHAINS = 4;

/** Largest message counter a chain may reach (u32 on the wire). */
export const MAX_CHAIN_LENGTH = 0xffff_ffff;

/**
 * Most sessions kept per conversation (one active, the others receive-only
 * after a simultaneous start or a peer re-install). Oldest dropped first.
 */
export const MAX_SESSIONS_PER_CONVERSATION = 4;

/**
 * Most recent initial-message ephemeral keys remembered per conversation to
 * recognise a replayed or re-posted initial message. Older sessions are gone
 * anyway, so their copies fail as "not ours".
 */
export const MAX_REMEMBERED_INITIALS = 16;

/** Largest plaintext accepted by `encrypt` (the contract bounds entries far below this). */
export const MAX_PLAINTEXT_BYTES = 65_536;

/** Largest ciphertext entry a parser will look at. */
export const MAX_ENTRY_BYTES = MAX_PLAINTEXT_BYTES + 4096;

/** Longest optional note carried by a discovery request, in UTF-8 bytes. */
export const MAX_REQUEST_NOTE_BYTES = 280;

/** Longest serialized session state accepted by the state codec. */
export const MAX_STATE_BYTES = 256 * 1024;

/** Number of SHA-512 iterations when computing a safety number (raises the cost of collisions). */
export const SAFETY_NUMBER_ITERATIONS = 5200;

/**
 * How long a retired signed prekey (and its KEM key) is kept after rotation,
 * so that initial messages made from the previous bundle still open. Long
 * enough for a sender who fetched the old bundle to post and for the
 * recipient to sync after some time offline; short enough to bound how long
 * a stolen old prekey can open new sessions.
 */
export const PREKEY_GRACE_MS = 14 * 24 * 60 * 60 * 1000;
