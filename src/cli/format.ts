/**
 * Formatting for people: amounts in tez, times, short addresses, delivery
 * states. Pure; shared by the command line and the chat.
 */

/** Mutez as a decimal tez amount without trailing zeros: 1234500n → "1.2345". */
export function tez(mutez: bigint): string {
  const neg = mutez < 0n;
  const abs = neg ? -mutez : mutez;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** A decimal tez amount ("1.5", "20") as mutez; null when malformed. */
export function parseTez(text: string): bigint | null {
  const m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

/** tz1abc…wxyz */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 7)}…${address.slice(-4)}` : address;
}

/** Local time of day (HH:MM), or the date too when it is not today. */
export function clockTime(ms: number, now: number): string {
  const d = new Date(ms);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return hm;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hm}`;
}

/** Seconds with one decimal: 1234 ms → "1.2 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Safety numbers and fingerprints in groups of five digits, `perLine` groups a line. */
export function digitGroups(digits: string, perLine = 4): string[] {
  const groups = digits.replace(/\s+/g, '').match(/.{1,5}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += perLine)
    lines.push(groups.slice(i, i + perLine).join(' '));
  return lines;
}
