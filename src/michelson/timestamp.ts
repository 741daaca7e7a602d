/**
 * Timestamps: seconds since the Unix epoch as bigint, with the RFC 3339
 * readable form (Tezos `Script_timestamp`, built on Ptime).
 *
 * Readable input: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, years 0000–9999,
 * a leap second :60 rolling into the next minute, fractions truncated; or a
 * decimal integer written as a string. Readable output is RFC 3339 in UTC
 * when the year is in 0000–9999, the integer otherwise.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Days from 1970-01-01 to the civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parse a readable timestamp; undefined when it is not one. */
export function parseTimestamp(s: string): bigint | undefined {
  if (/^[+-]?\d+$/.test(s)) return BigInt(s);
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const dim = mo === 2 && isLeap(y) ? 29 : (MONTH_DAYS[mo - 1] as number);
  if (d > dim || h > 23 || mi > 59 || sec > 60) return undefined;
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * 60 * (m[9] === '-' ? -1 : 1);
  }
  const days = daysFromCivil(y, mo, d);
  return BigInt(days) * 86400n + BigInt(h * 3600 + mi * 60 + sec - offset);
}

const MIN_READABLE = BigInt(daysFromCivil(0, 1, 1)) * 86400n;
const MAX_READABLE = BigInt(daysFromCivil(10000, 1, 1)) * 86400n - 1n;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 in UTC, or undefined outside years 0000–9999. */
export function formatTimestamp(t: bigint): string | undefined {
  if (t < MIN_READABLE || t > MAX_READABLE) return undefined;
  const secs = Number(t);
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const h = Math.floor(rem / 3600);
  const mi = Math.floor((rem % 3600) / 60);
  const s = rem % 60;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}Z`;
}
