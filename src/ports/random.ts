/**
 * The randomness port: `random(n)` returns n fresh uniformly random bytes.
 * The protocol core receives one of these and never reaches for the OS RNG
 * itself; the system adapter wraps node:crypto's randomBytes, tests pass a
 * seeded generator to make runs reproducible.
 */
export type Random = (length: number) => Uint8Array;
