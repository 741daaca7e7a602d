/**
 * Durable, private file writes for the profile directory: files are created
 * 0600 (never world-readable, not even for an instant), flushed with fsync,
 * and their directory entry flushed too; a whole-file replacement goes
 * through a temporary name and a rename so a crash leaves the old or the new
 * file, never half of one.
 */

import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sodium } from './sodium.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and parents) and makes it 0700. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` (which must not exist: EEXIST otherwise), 0600, with `data`, synced. */
export function writeNewFile(file: string, data: Uint8Array | string): void {
  const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(dirname(file));
}

/** Replaces (or creates) `file` with `data` atomically: temporary file, fsync, rename, directory fsync. */
export function replaceFile(file: string, data: Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomSuffix()}.tmp`);
  try {
    writeNewFile(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(file));
}

/** Creates an empty 0600 file (so that SQLite, which keeps an existing file's mode, writes into it). */
export function createEmptyPrivateFile(file: string): void {
  closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function randomSuffix(): string {
  const b = Buffer.alloc(8);
  sodium.randombytes_buf(b);
  return b.toString('hex');
}

function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}
