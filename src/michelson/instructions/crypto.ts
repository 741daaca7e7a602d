/**
 * Cryptography: BLAKE2B (256-bit), SHA256, SHA512, SHA3 (256), KECCAK (256),
 * HASH_KEY, CHECK_SIGNATURE (keys.ts).
 */

import { blake2b } from '@noble/hashes/blake2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { keccak_256, sha3_256 } from '@noble/hashes/sha3.js';
import { COST } from '../gas.js';
import { hashKey, verifySignature } from '../keys.js';
import { arity, fail, type Handler, peek, replaceTop } from '../typecheck.js';
import { T } from '../types.js';
import type { KeyValue, SignatureValue } from '../values.js';

function hash(name: string, f: (b: Uint8Array) => Uint8Array, base: number): Handler {
  return (node, stack) => {
    arity(node, 0);
    const [t] = peek(node, stack, 1);
    if (t!.prim !== 'bytes') fail(node, stack, `${name} needs bytes`);
    return {
      out: stack,
      run: (s, rt) => {
        const b = s.pop() as Uint8Array;
        rt.gas.consume(base + COST.BYTE * 4 * b.length);
        s.push(f(b));
      },
    };
  };
}

const HASH_KEY: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'key') fail(node, stack, 'HASH_KEY needs a key');
  return {
    out: replaceTop(stack, 1, T.keyHash),
    run: (s, rt) => {
      rt.gas.consume(COST.HASH_KEY);
      s.push({ kind: 'key_hash', bytes: hashKey((s.pop() as KeyValue).bytes) });
    },
  };
};

const CHECK_SIGNATURE: Handler = (node, stack) => {
  arity(node, 0);
  const [k, sig, msg] = peek(node, stack, 3);
  if (k!.prim !== 'key' || sig!.prim !== 'signature' || msg!.prim !== 'bytes')
    fail(node, stack, 'CHECK_SIGNATURE needs key : signature : bytes');
  return {
    out: replaceTop(stack, 3, T.bool),
    run: (s, rt) => {
      const key = s.pop() as KeyValue;
      const signature = s.pop() as SignatureValue;
      const m = s.pop() as Uint8Array;
      rt.gas.consume((COST.CHECK_SIG[key.bytes[0] as number] ?? 0) + COST.BYTE * m.length);
      s.push(verifySignature(key.bytes, signature.bytes, m));
    },
  };
};

export const crypto: Record<string, Handler> = {
  BLAKE2B: hash('BLAKE2B', (b) => blake2b(b, { dkLen: 32 }), COST.HASH),
  SHA256: hash('SHA256', sha256, COST.HASH),
  SHA512: hash('SHA512', sha512, COST.HASH),
  SHA3: hash('SHA3', sha3_256, COST.HASH_SLOW),
  KECCAK: hash('KECCAK', keccak_256, COST.HASH_SLOW),
  HASH_KEY,
  CHECK_SIGNATURE,
};
