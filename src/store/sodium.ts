/**
 * The libsodium functions the store calls (through sodium-native), typed here
 * because sodium-native ships no typings: Argon2id (crypto_pwhash),
 * XChaCha20-Poly1305 for backups, random bytes, and memory zeroing.
 */

import sodiumNative from 'sodium-native';

interface StoreSodium {
  crypto_pwhash(
    out: Uint8Array,
    passwd: Uint8Array,
    salt: Uint8Array,
    opslimit: number,
    memlimit: number,
    algorithm: number,
  ): void;
  readonly crypto_pwhash_ALG_ARGON2ID13: number;
  readonly crypto_pwhash_SALTBYTES: number;
  readonly crypto_pwhash_OPSLIMIT_MIN: number;
  readonly crypto_pwhash_OPSLIMIT_MAX: number;
  readonly crypto_pwhash_MEMLIMIT_MIN: number;
  readonly crypto_pwhash_MEMLIMIT_MAX: number;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    ciphertext: Uint8Array,
    message: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    message: Uint8Array,
    nsec: null,
    ciphertext: Uint8Array,
    ad: Uint8Array | null,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
  readonly crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number;
  readonly crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
  readonly crypto_aead_xchacha20poly1305_ietf_ABYTES: number;
  randombytes_buf(buffer: Uint8Array): void;
  sodium_memzero(buffer: Uint8Array): void;
  sodium_malloc(size: number): Buffer;
}

export const sodium = sodiumNative as unknown as StoreSodium;
