/**
 * Run the TZT reference suite against the Michelson interpreter.
 *
 *   npm run tzt [-- [--json] [--verbose] [dir]]
 *
 * The suite is read from `dir`, else $MIZU_TZT_DIR, else ../shared/tzt
 * beside the repository (never copied into it). Every `*.tzt` file is run,
 * recursively; files under `legacy/` are typechecked in legacy mode (they
 * test instructions the protocol has deprecated, such as SUB on mutez).
 *
 * Prints a summary; with --json the last line of stdout is
 * {"total","passed","failed","unsupported","failures":[{file,reason}],
 *  "unsupported_files":[{file,feature}]}. Exit code 1 if anything failed.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTzt, type TztVerdict } from '../src/michelson/tzt.js';

export interface SuiteReport {
  total: number;
  passed: number;
  failed: number;
  unsupported: number;
  failures: { file: string; reason: string }[];
  unsupported_files: { file: string; feature: string }[];
  milliseconds: number;
}

export function defaultTztDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  return process.env.MIZU_TZT_DIR ?? path.resolve(repoRoot, '../shared/tzt');
}

export function listTztFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.tzt')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function runSuite(dir: string, onResult?: (file: string, v: TztVerdict) => void): SuiteReport {
  const started = performance.now();
  const report: SuiteReport = {
    total: 0,
    passed: 0,
    failed: 0,
    unsupported: 0,
    failures: [],
    unsupported_files: [],
    milliseconds: 0,
  };
  for (const file of listTztFiles(dir)) {
    const rel = path.relative(dir, file);
    const legacy = [path.basename(dir), ...path.dirname(rel).split(path.sep)].includes('legacy');
    const v = runTzt(readFileSync(file, 'utf8'), { legacy });
    report.total++;
    if (v.status === 'passed') report.passed++;
    else if (v.status === 'failed') {
      report.failed++;
      report.failures.push({ file: rel, reason: v.reason });
    } else {
      report.unsupported++;
      report.unsupported_files.push({ file: rel, feature: v.feature });
    }
    onResult?.(rel, v);
  }
  report.milliseconds = Math.round(performance.now() - started);
  return report;
}

function main(argv: string[]): number {
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  const dir = argv.find((a) => !a.startsWith('--')) ?? defaultTztDir();
  const report = runSuite(dir, (file, v) => {
    if (verbose) console.log(`${v.status.padEnd(11)} ${file}${v.status === 'passed' ? '' : `  ${'reason' in v ? v.reason : ''}`}`);
  });
  console.log(`TZT suite ${dir}`);
  console.log(
    `  total ${report.total}, passed ${report.passed}, failed ${report.failed}, unsupported ${report.unsupported} (${report.milliseconds} ms)`,
  );
  for (const f of report.failures) console.log(`  FAILED      ${f.file}: ${f.reason}`);
  const byFeature = new Map<string, string[]>();
  for (const u of report.unsupported_files) byFeature.set(u.feature, [...(byFeature.get(u.feature) ?? []), u.file]);
  for (const [feature, files] of byFeature) console.log(`  unsupported ${feature}: ${files.join(', ')}`);
  if (json) {
    const { milliseconds: _ms, ...rest } = report;
    console.log(JSON.stringify(rest));
  }
  return report.failed === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
