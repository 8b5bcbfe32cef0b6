/** Longest wait a receiver's Retry-After may impose on one retry. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

const DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three forms RFC 9110 §5.6.7 makes a recipient accept; the day name is not checked
// against the date, as the RFC allows.
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC_850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/**
 * Parses a Retry-After header (delta-seconds or an HTTP-date, RFC 9110 §10.2.3) into a wait in ms,
 * capped; null when absent or unparseable.
 */
export function retryAfterMs(value: string | string[] | undefined, now: Date): number | null {
  // A repeated header is malformed; like Node's own parser, believe the first one.
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  // Negative seconds are outside the grammar, but their meaning ("no later than now") is plain.
  if (/^-\d+$/.test(raw)) return 0;
  if (/^\d+$/.test(raw)) return Math.min(Number(raw) * 1000, MAX_RETRY_AFTER_MS);
  const at = parseHttpDate(raw, now);
  if (at === null) return null;
  return Math.min(Math.max(at - now.getTime(), 0), MAX_RETRY_AFTER_MS);
}

/** Milliseconds since the epoch of an HTTP-date, or null when it is not one. */
function parseHttpDate(raw: string, now: Date): number | null {
  let m = IMF_FIXDATE.exec(raw);
  if (m) return epoch(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);
  m = ASCTIME.exec(raw);
  if (m) return epoch(Number(m[6]), m[1], Number(m[2]), m[3], m[4], m[5]);
  m = RFC_850.exec(raw);
  if (!m) return null;
  // RFC 9110: a two-digit year more than 50 years ahead means the latest past year with those digits.
  const currentYear = now.getUTCFullYear();
  let year = Math.floor(currentYear / 100) * 100 + Number(m[3]);
  if (year > currentYear + 50) year -= 100;
  return epoch(year, m[2], Number(m[1]), m[4], m[5], m[6]);
}

function epoch(
  year: number,
  monthName: string | undefined,
  day: number,
  ...time: Array<string | undefined>
): number | null {
  const [hours, minutes, seconds] = time.map(Number);
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const midnight = new Date(Date.UTC(year, month, day));
  // Date.UTC rolls 31 February over into March: a day the month does not have is no date.
  if (month < 0 || midnight.getUTCDate() !== day) return null;
  if (hours === undefined || minutes === undefined || seconds === undefined) return null;
  if (hours > 23 || minutes > 59 || seconds > 60) return null; // 60: a leap second
  return midnight.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000;
}
