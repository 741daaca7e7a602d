/**
 * The backup file format (pure encoding and decoding; docs/store.md has the
 * byte table). A backup is a fixed 70-byte header followed by one
 * XChaCha20-Poly1305 ciphertext; the whole header is the associated data, so
 * changing any byte of the file makes decryption fail.
 *
 *   header:  magic "MIZUBKUP" | version u8 = 1 | KDF algorithm u8 = 2
 *            (Argon2id 1.3) | opslimit u32 BE | memlimit u64 BE | salt 16 |
 *            nonce 24 | ciphertext length u64 BE
 *   payload: kind u8 = 1 (SQLCipher 4 database under a raw key) |
 *            database key 32 | database length u64 BE | database bytes
 *
 * Security notes: every length is checked against the bytes actually there
 * before use; KDF costs are bounded (a crafted header cannot ask for absurd
 * work); failures are StoreError 'bad-backup' with no detail about secrets.
 */

import { constants as bufferConstants } from 'node:buffer';
import { StoreError } from './errors.js';
import { type KdfParams, KEY_BYTES, SALT_BYTES, validKdfParams } from './kdf.js';

export const BACKUP_MAGIC = Buffer.from('MIZUBKUP', 'ascii');
export const BACKUP_VERSION = 1;
export const BACKUP_KDF_ARGON2ID13 = 2;
export const BACKUP_NONCE_BYTES = 24;
export const BACKUP_TAG_BYTES = 16;
export const BACKUP_HEADER_BYTES = 8 + 1 + 1 + 4 + 8 + SALT_BYTES + BACKUP_NONCE_BYTES + 8;
export const PAYLOAD_KIND_SQLCIPHER4 = 1;
export const PAYLOAD_PREFIX_BYTES = 1 + KEY_BYTES + 8;
/** SQLCipher 4's page size: a database file is a whole number of these. */
export const DATABASE_PAGE_BYTES = 4096;

export interface BackupHeader {
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertextLength: number;
}

export interface BackupPayload {
  readonly databaseKey: Uint8Array;
  readonly database: Uint8Array;
}

export function encodeBackupHeader(h: BackupHeader): Buffer {
  if (h.salt.length !== SALT_BYTES || h.nonce.length !== BACKUP_NONCE_BYTES) {
    throw new RangeError('bad salt or nonce length');
  }
  const out = Buffer.alloc(BACKUP_HEADER_BYTES);
  let o = BACKUP_MAGIC.copy(out, 0);
  o = out.writeUInt8(BACKUP_VERSION, o);
  o = out.writeUInt8(BACKUP_KDF_ARGON2ID13, o);
  o = out.writeUInt32BE(h.kdf.opslimit, o);
  o = out.writeBigUInt64BE(BigInt(h.kdf.memlimit), o);
  out.set(h.salt, o);
  o += SALT_BYTES;
  out.set(h.nonce, o);
  o += BACKUP_NONCE_BYTES;
  out.writeBigUInt64BE(BigInt(h.ciphertextLength), o);
  return out;
}

/** Parses the header of a whole backup file and checks the ciphertext length against the file. */
export function decodeBackupHeader(file: Uint8Array): BackupHeader {
  if (file.length < BACKUP_HEADER_BYTES) bad('it is too short to be a Mizu backup');
  const b = Buffer.from(file.buffer, file.byteOffset, file.length);
  if (!b.subarray(0, 8).equals(BACKUP_MAGIC)) bad('it is not a Mizu backup');
  const version = b.readUInt8(8);
  if (version !== BACKUP_VERSION) bad(`unknown backup version ${version}`);
  if (b.readUInt8(9) !== BACKUP_KDF_ARGON2ID13) bad('unknown key derivation');
  const opslimit = b.readUInt32BE(10);
  const memlimit = b.readBigUInt64BE(14);
  if (memlimit > BigInt(Number.MAX_SAFE_INTEGER)) bad('key derivation cost out of range');
  const kdf = { opslimit, memlimit: Number(memlimit) };
  if (!validKdfParams(kdf)) bad('key derivation cost out of range');
  const salt = b.subarray(22, 22 + SALT_BYTES);
  const nonce = b.subarray(38, 38 + BACKUP_NONCE_BYTES);
  const length = b.readBigUInt64BE(62);
  const present = BigInt(b.length - BACKUP_HEADER_BYTES);
  if (length !== present) {
    bad(length > present ? 'it is truncated' : 'it has extra bytes at the end');
  }
  if (Number(length) < BACKUP_TAG_BYTES + PAYLOAD_PREFIX_BYTES) bad('its content is too short');
  return { kdf, salt, nonce, ciphertextLength: Number(length) };
}

/** The payload bytes (they contain the database key: wipe them after use). */
export function encodePayload(p: BackupPayload): Buffer {
  if (p.databaseKey.length !== KEY_BYTES) throw new RangeError('bad database key length');
  const out = Buffer.alloc(PAYLOAD_PREFIX_BYTES + p.database.length);
  out.writeUInt8(PAYLOAD_KIND_SQLCIPHER4, 0);
  out.set(p.databaseKey, 1);
  out.writeBigUInt64BE(BigInt(p.database.length), 1 + KEY_BYTES);
  out.set(p.database, PAYLOAD_PREFIX_BYTES);
  return out;
}

/** Parses decrypted payload bytes (views into `bytes`, no copies). */
export function decodePayload(bytes: Uint8Array): BackupPayload {
  if (bytes.length < PAYLOAD_PREFIX_BYTES) bad('its content is too short');
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.readUInt8(0) !== PAYLOAD_KIND_SQLCIPHER4) bad('unknown content kind');
  const length = b.readBigUInt64BE(1 + KEY_BYTES);
  if (length !== BigInt(b.length - PAYLOAD_PREFIX_BYTES)) bad('inconsistent database length');
  const n = Number(length);
  if (n === 0 || n % DATABASE_PAGE_BYTES !== 0) bad('the database is not a whole number of pages');
  return {
    databaseKey: b.subarray(1, 1 + KEY_BYTES),
    database: b.subarray(PAYLOAD_PREFIX_BYTES),
  };
}

/** The largest backup file this process can hold in one buffer. */
export const MAX_BACKUP_BYTES = bufferConstants.MAX_LENGTH;

function bad(why: string): never {
  throw new StoreError('bad-backup', `Cannot import this backup: ${why}`);
}
