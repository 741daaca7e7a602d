/**
 * Writing results: one JSON document on stdout for --json, plain lines
 * otherwise. Bigints (mutez) are written as decimal strings in JSON.
 */

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${toJson(value)}\n`);
}

export function printLines(
  lines: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
): void {
  if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
}
