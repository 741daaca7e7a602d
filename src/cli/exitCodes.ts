/**
 * The exit codes of `mizu`, stable across versions (docs/cli.md lists them).
 * Scripts may rely on them: never renumber, only add.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  usage: 1,
  /** Wrong passphrase, or the profile is open in another process. */
  locked: 2,
  /** No Tezos node answered (unreachable, timed out, refused). */
  network: 3,
  /** Refused by verification: a forged or changed bundle, or a confirmation is needed. */
  verification: 4,
  /** The identity's balance cannot pay for the operation. */
  balance: 5,
  /** Not found: no profile, no identity, unknown contact or request, unregistered address. */
  notFound: 6,
  /** The chain refused the operation: it failed in its block, or it was dropped. */
  rejected: 7,
  /** The profile cannot be used: corrupt, written by a newer Mizu, or a bad backup file. */
  profile: 8,
  /** A bug: anything else (run again with --debug and report it). */
  internal: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
