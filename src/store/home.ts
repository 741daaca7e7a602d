/**
 * Where a profile lives: the profile directory (`--home` > MIZU_HOME >
 * $XDG_DATA_HOME/mizu > ~/.local/share/mizu) and the names of the files in it.
 */

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const PROFILE_FILE = 'profile.json';
export const DATABASE_FILE = 'mizu.db';

/** The profile directory: `home` (from --home) > MIZU_HOME > $XDG_DATA_HOME/mizu > ~/.local/share/mizu. */
export function resolveHome(opts: { home?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  if (opts.home) return resolve(opts.home);
  if (env.MIZU_HOME) return resolve(env.MIZU_HOME);
  // The XDG specification says a relative XDG_DATA_HOME is invalid and ignored.
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'mizu');
  return join(env.HOME || homedir(), '.local', 'share', 'mizu');
}

export function profilePath(home: string): string {
  return join(home, PROFILE_FILE);
}

export function databasePath(home: string): string {
  return join(home, DATABASE_FILE);
}

/** True when `home` holds a profile (its profile.json or its database). */
export function profileExists(home: string): boolean {
  return existsSync(profilePath(home)) || existsSync(databasePath(home));
}
