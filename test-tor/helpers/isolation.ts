/**
 * The isolation invariant the Tor tests assert, computed from what the
 * ControlPort reported: no circuit carries streams of two SOCKS usernames.
 * Two sources are combined, because each alone can miss a case: STREAM
 * events (the circuit each stream was attached to when it succeeded) and
 * `GETINFO circuit-status` (the SOCKS_USERNAME a circuit is bound to).
 * With conflux (tor ≥ 0.4.8) one username may own a linked pair of
 * circuits; that is allowed, sharing across usernames is not.
 */

import type { CircuitInfo, StreamEvent } from './controlPort.js';

/** Circuit id → the usernames whose streams it carried (succeeded streams only). */
export function usernamesByCircuit(
  streams: readonly StreamEvent[],
  circuits: readonly CircuitInfo[] = [],
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (circuit: string, user: string | undefined) => {
    if (circuit === '0' || user === undefined) return;
    const set = out.get(circuit) ?? new Set<string>();
    set.add(user);
    out.set(circuit, set);
  };
  for (const s of streams) if (s.status === 'SUCCEEDED') add(s.circuit, s.username);
  for (const c of circuits) add(c.id, c.username);
  return out;
}

/** Circuits that carried more than one username (empty when isolation holds). */
export function sharedCircuits(byCircuit: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  return [...byCircuit].filter(([, users]) => users.size > 1).map(([id]) => id);
}

/** Username → the circuits its succeeded streams used. */
export function circuitsByUsername(streams: readonly StreamEvent[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of streams) {
    if (s.status !== 'SUCCEEDED' || s.username === undefined) continue;
    const set = out.get(s.username) ?? new Set<string>();
    set.add(s.circuit);
    out.set(s.username, set);
  }
  return out;
}
