/**
 * The few libsodium functions Mizu calls, through sodium-native, with their
 * types declared here (the published typings lag the library: they lack the
 * IETF ChaCha20-Poly1305 functions). Each writes its result into the first
 * argument; each throws on failure (a low-order point, a failed tag).
 */

import sodiumNative from 'sodium-native';

interface Sodium {
  crypto_scalarmult_base(publicKey: Uint8Array, secretKey: Uint8Array): void;
  crypto_scalarmult(shared: Uint8Array, secretKey: Uint8Array, publicKey: Uint8Array): void;
  crypto_aead_chacha20poly1305_ietf_encrypt(
    ciphertext: Uint8Array,
    message: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
  crypto_aead_chacha20poly1305_ietf_decrypt(
    message: Uint8Array,
    nsec: null,
    ciphertext: Uint8Array,
    ad: Uint8Array | null,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
}

export const sodium = sodiumNative as unknown as Sodium;
