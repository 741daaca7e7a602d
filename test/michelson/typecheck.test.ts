/**
 * Typechecking: unsupported instructions and types are refused when a script
 * is typechecked (never half-executed), with a typed error naming them; and
 * ill-typed scripts are refused with TypeCheckError.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typecheckContract } from '../../src/michelson/contract.js';
import { ParseError, TypeCheckError, UnsupportedError } from '../../src/michelson/errors.js';

const script = (storage: string, code: string, parameter = 'unit') =>
  `parameter ${parameter}; storage ${storage}; code ${code}`;

function refusedAs(src: string, cls: new (...a: never[]) => Error): Error {
  try {
    typecheckContract(src);
  } catch (e) {
    assert.ok(
      e instanceof cls,
      `expected ${cls.name}, got ${(e as Error).name}: ${(e as Error).message}`,
    );
    return e as Error;
  }
  return assert.fail('the script was accepted');
}

describe('refusal of unsupported features', () => {
  it('names an unsupported instruction, even in a branch that would never run', () => {
    const e = refusedAs(
      script(
        'unit',
        '{ CDR ; PUSH bool False ; IF { PUSH nat 8 ; SAPLING_EMPTY_STATE 8 ; DROP } {} ; NIL operation ; PAIR }',
      ),
      UnsupportedError,
    ) as UnsupportedError;
    assert.equal(e.feature, 'SAPLING_EMPTY_STATE');
    assert.equal(e.code, 'unsupported');
    assert.match(e.message, /SAPLING_EMPTY_STATE/);
  });

  it('names unsupported types wherever they appear', () => {
    for (const [src, feature] of [
      [script('(option bls12_381_g1)', '{ CDR ; NIL operation ; PAIR }'), 'bls12_381_g1'],
      [script('unit', '{ CDR ; NIL operation ; PAIR }', '(lambda chest unit)'), 'chest'],
      [
        script(
          'unit',
          '{ CDR ; LAMBDA (option (sapling_state 8)) unit { DROP ; UNIT } ; DROP ; NIL operation ; PAIR }',
        ),
        'sapling_state',
      ],
    ] as const) {
      const e = refusedAs(src, UnsupportedError) as UnsupportedError;
      assert.equal(e.feature, feature);
    }
  });

  it('refuses tickets in storage or parameter (ticket balances are not tracked)', () => {
    const e = refusedAs(
      script('(option (ticket nat))', '{ CDR ; NIL operation ; PAIR }'),
      UnsupportedError,
    ) as UnsupportedError;
    assert.equal(e.feature, 'ticket');
  });

  it('refuses unsupported instructions inside lambdas and views too', () => {
    const chest = refusedAs(
      script(
        'unit',
        '{ CDR ; LAMBDA unit unit { DROP ; PUSH nat 1 ; PUSH bytes 0x ; OPEN_CHEST ; DROP ; UNIT } ; DROP ; NIL operation ; PAIR }',
      ),
      UnsupportedError,
    ) as UnsupportedError;
    assert.equal(chest.feature, 'OPEN_CHEST');
    const e = refusedAs(
      `${script('unit', '{ CDR ; NIL operation ; PAIR }')}; view "v" unit unit { DROP ; PUSH nat 1 ; PUSH nat 1 ; PUSH nat 1 ; PAIRING_CHECK ; DROP ; UNIT }`,
      UnsupportedError,
    ) as UnsupportedError;
    assert.equal(e.feature, 'PAIRING_CHECK');
  });
});

describe('static errors', () => {
  it('refuses ill-typed code with TypeCheckError', () => {
    for (const code of [
      '{ CDR ; PUSH int 1 ; ADD ; NIL operation ; PAIR }', // int + unit
      '{ CDR ; PUSH string "x" ; FAILWITH ; DROP }', // instruction after FAILWITH
      '{ CDR ; PUSH bool True ; IF { PUSH nat 1 } { PUSH int 1 } ; DROP ; NIL operation ; PAIR }', // branches differ
      '{ CDR ; LAMBDA unit unit { SELF ; DROP ; UNIT } ; DROP ; NIL operation ; PAIR }', // SELF in a lambda
      '{ CDR ; NIL (list int) ; DUP ; COMPARE ; DROP ; NIL operation ; PAIR }', // lists are not comparable
      '{ CDR ; NIL operation ; PAIR ; DUP }', // stack not [pair (list operation) storage]
      '{ CDR ; PUSH (big_map nat nat) {} ; DROP ; NIL operation ; PAIR }', // big maps are not pushable
    ])
      refusedAs(script('unit', code), TypeCheckError);
  });

  it('refuses malformed scripts with ParseError', () => {
    refusedAs('parameter unit; storage unit;', ParseError);
    refusedAs('parameter unit; parameter unit; storage unit; code {}', ParseError);
  });

  it('accepts sections in any order, with views first as Taquito sends them', () => {
    const s = typecheckContract(
      'view "get" unit nat { CDR } ; code { CDR ; NIL operation ; PAIR } ; storage nat ; parameter (or (nat %a) (unit %b))',
    );
    assert.deepEqual(s.entrypoints, { a: { prim: 'nat' }, b: { prim: 'unit' } });
    assert.deepEqual(s.views, { get: { input: { prim: 'unit' }, output: { prim: 'nat' } } });
  });
});
