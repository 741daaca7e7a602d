/**
 * The TZT reference suite (../shared/tzt, or $MIZU_TZT_DIR), run in full:
 * it takes about two seconds. No file may fail; every file testing an
 * instruction that contracts/mizu.tz uses must pass (none may be
 * "unsupported"); and the list of those instructions is checked against the
 * contract itself, so that a change to mizu.tz cannot silently escape it.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultTztDir, listTztFiles, runSuite, type SuiteReport } from '../../scripts/tzt.js';
import { type Expr, isPrim, parseToplevel } from '../../src/michelson/micheline.js';
import { runTzt } from '../../src/michelson/tzt.js';

const DIR = defaultTztDir();
const MIZU = readFileSync(path.resolve(import.meta.dirname, '../../contracts/mizu.tz'), 'utf8');

/** Every instruction of mizu.tz, with the TZT files that test it. */
const MIZU_INSTRUCTIONS: Record<string, RegExp> = {
  ABS: /^abs_/,
  ADD: /^add_/,
  ADDRESS: /^address_/,
  AMOUNT: /^amount_/,
  CAR: /^car_/,
  CDR: /^cdr_/,
  COMPARE: /^compare/,
  CONS: /^cons_/,
  DIG: /^dig_/,
  DIP: /^dipn?_/,
  DROP: /^drop/,
  DUG: /^dugn?_/,
  DUP: /^dupn?_/,
  EQ: /^eq_/,
  FAILWITH: /^failwith_/,
  GET: /^get_(?!address_index|and_update)/,
  GT: /^gt_/,
  HASH_KEY: /^hash_key_/,
  IF: /^if_/,
  IF_LEFT: /^ifleft/,
  IF_NONE: /^ifnone/,
  IMPLICIT_ACCOUNT: /^implicitaccount_/,
  ITER: /^iter/,
  LOOP: /^loop_/,
  LT: /^lt_/,
  MAP: /^map_/,
  MEM: /^mem_/,
  NEQ: /^neq_/,
  NIL: /^nil_/,
  NONE: /^none_/,
  NOW: /^now_/,
  PAIR: /^pair/,
  PUSH: /^push/,
  SENDER: /^sender_/,
  SIZE: /^size_/,
  SOME: /^some/,
  SUB: /^sub_(?!mutez)/,
  SWAP: /^swap_/,
  UNPAIR: /^unpair/,
  UPDATE: /^update_/,
};

/** Instruction names appearing in a script's code and views. */
function instructionsOf(e: Expr, out = new Set<string>()): Set<string> {
  if (Array.isArray(e)) for (const x of e) instructionsOf(x, out);
  else if (isPrim(e)) {
    if (/^[A-Z_]+$/.test(e.prim)) out.add(e.prim);
    const args = e.args ?? [];
    // Skip types and data: only code positions hold instructions.
    if (e.prim === 'code') instructionsOf(args[0] as Expr, out);
    else if (e.prim === 'view') instructionsOf(args[3] as Expr, out);
    else for (const a of args) if (Array.isArray(a)) instructionsOf(a, out);
  }
  return out;
}

describe('TZT reference suite', () => {
  let report: SuiteReport;

  it('runs every file with no failure', () => {
    // The suite is read in place (never copied into the repository); CI has it beside the clone.
    assert.ok(
      existsSync(DIR),
      `no TZT suite at ${DIR}: set MIZU_TZT_DIR or place shared/ beside the repository`,
    );
    report = runSuite(DIR);
    assert.ok(report.total >= 743, `only ${report.total} files found in ${DIR}`);
    assert.deepEqual(report.failures, []);
  });

  it('passes every file testing an instruction used by mizu.tz', () => {
    const used = [...instructionsOf(parseToplevel(MIZU))].sort();
    assert.deepEqual(
      used,
      Object.keys(MIZU_INSTRUCTIONS).sort(),
      'mizu.tz instruction list changed',
    );
    const all = listTztFiles(DIR).map((f) => path.basename(f));
    for (const [instr, re] of Object.entries(MIZU_INSTRUCTIONS))
      assert.ok(
        all.some((f) => re.test(f)),
        `no TZT file tests ${instr}`,
      );
    const problems = [
      ...report.failures.map((f) => f.file),
      ...report.unsupported_files.map((u) => u.file),
    ];
    const files = problems.map((f) => path.basename(f));
    for (const [instr, re] of Object.entries(MIZU_INSTRUCTIONS)) {
      assert.deepEqual(
        files.filter((f) => re.test(f)),
        [],
        `TZT files for ${instr} did not all pass`,
      );
    }
  });

  it('reports unsupported files only for families the interpreter refuses', () => {
    // Today the whole suite passes; anything unsupported must be a refused family.
    const allowed = /(bls12_381|pairing|sapling|chest|ticket)/i;
    for (const u of report.unsupported_files)
      assert.match(u.feature, allowed, `${u.file}: ${u.feature}`);
  });
});

describe('runTzt', () => {
  const verdict = (src: string) => runTzt(src).status;

  it('matches readable and optimized forms against each other', () => {
    assert.equal(
      verdict(`input { Stack_elt address 0x0000e7670f32038107a59a2b9cfefae36ea21f5aa63c } ; code {} ;
               output { Stack_elt address "tz1gjaF81ZRRvdzjobyfVNsAeSC6PScjfQwN" }`),
      'passed',
    );
    assert.equal(
      verdict(`input { Stack_elt address "tz1gjaF81ZRRvdzjobyfVNsAeSC6PScjfQwN" } ; code {} ;
               output { Stack_elt _ 0x0000e7670f32038107a59a2b9cfefae36ea21f5aa63c }`),
      'failed',
    );
  });

  it('matches wildcards in values, primitives and types', () => {
    const base = 'input { Stack_elt bool True ; Stack_elt string "foo" } ; code PAIR ;';
    for (const out of [
      '{ Stack_elt (pair bool string) (Pair _ "foo") }',
      '{ Stack_elt _ (_ True "foo") }',
      '{ _ }',
      '_',
    ])
      assert.equal(verdict(`${base} output ${out}`), 'passed', out);
    assert.equal(
      verdict(`${base} output { Stack_elt (pair bool string) (Pair False _) }`),
      'failed',
    );
  });

  it('recognizes each kind of expected error', () => {
    assert.equal(
      verdict('input { Stack_elt nat 4 } ; code FAILWITH ; output (Failed 4)'),
      'passed',
    );
    assert.equal(
      verdict('input { Stack_elt nat 4 } ; code FAILWITH ; output (Failed 5)'),
      'failed',
    );
    assert.equal(verdict('input {} ; code DUP ; output (StaticError _)'), 'passed');
    assert.equal(
      verdict(
        'input { Stack_elt mutez 9223372036854775807 ; Stack_elt mutez 1 } ; code ADD ; output (MutezOverflow _ _)',
      ),
      'passed',
    );
    assert.equal(
      verdict(
        'input { Stack_elt bool True } ; code { LOOP { PUSH bool True } } ; output Gas_exhaustion',
      ),
      'passed',
    );
  });

  it('reports an unsupported instruction as unsupported, not as a static error', () => {
    const v = runTzt(
      'input { Stack_elt nat 8 } ; code { DROP ; SAPLING_EMPTY_STATE 8 } ; output (StaticError _)',
    );
    assert.deepEqual(v.status === 'unsupported' && v.feature, 'SAPLING_EMPTY_STATE');
  });
});
