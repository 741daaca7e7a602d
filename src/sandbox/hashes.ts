/**
 * Hashes as Tezos computes them (TEZOS_RPC_NOTES §4):
 *
 * - operation hash: b58check(0x0574 "o", blake2b-256(signed bytes));
 * - originated address: b58check(0x025a79 "KT1",
 *   blake2b-160(operation hash (32 bytes) ‖ int32_be(origination index)));
 * - block hash: b58check("B", blake2b-256(header bytes)); the sandbox's header
 *   bytes are its own (canonical JSON of the shell header), not the node's.
 */

import { blake2b } from '@noble/hashes/blake2.js';
import { b58DecodeAndCheckPrefix, b58Encode, PrefixV2 } from '@taquito/utils';

export function operationHash(signed: Uint8Array): string {
  return b58Encode(blake2b(signed, { dkLen: 32 }), PrefixV2.OperationHash);
}

export function operationHashBytes(hash: string): Uint8Array {
  return b58DecodeAndCheckPrefix(hash, [PrefixV2.OperationHash], true);
}

/** KT1 address of the `index`-th origination (from 0) of operation `opHash`. */
export function originatedAddress(opHash: Uint8Array, index: number): string {
  if (opHash.length !== 32) throw new RangeError('opHash must be 32 bytes');
  const nonce = new Uint8Array(36);
  nonce.set(opHash, 0);
  new DataView(nonce.buffer).setInt32(32, index, false);
  return b58Encode(blake2b(nonce, { dkLen: 20 }), PrefixV2.ContractHash);
}

export function blockHash(headerBytes: Uint8Array): string {
  return b58Encode(blake2b(headerBytes, { dkLen: 32 }), PrefixV2.BlockHash);
}

export function hashOfBytes(bytes: Uint8Array, prefix: PrefixV2): string {
  return b58Encode(blake2b(bytes, { dkLen: 32 }), prefix);
}
