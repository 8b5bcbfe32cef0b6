import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { DELIVERY_ID, ENDPOINT_ID, ID_DESCRIPTIONS, SIGNAL_ID, TENANT_ID } from '../../workflows/ids';

/*
 * Option parsers for commander: each one checks a value against a strict pattern or a
 * date before any query is built from it, so no option can widen a visibility query. Commander
 * turns the InvalidArgumentError into a usage error (exit 2) naming the option.
 */

const pattern =
  (regex: RegExp, what: string) =>
  (value: string): string => {
    if (!regex.test(value)) throw new InvalidArgumentError(`must be ${what}`);
    return value;
  };

export const tenantId = pattern(TENANT_ID, ID_DESCRIPTIONS.tenant);
export const endpointId = pattern(ENDPOINT_ID, ID_DESCRIPTIONS.endpoint);
export const signalId = pattern(SIGNAL_ID, ID_DESCRIPTIONS.signal);
export const deliveryId = pattern(DELIVERY_ID, ID_DESCRIPTIONS.delivery);
export const address = pattern(/^[^\s/'"]+:\d{1,5}$/, 'host:port');
export const namespace = pattern(/^[A-Za-z0-9._-]{1,255}$/, 'a Temporal namespace name');

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** An ISO 8601 date or date-time, returned normalized to UTC (what visibility queries compare). */
export function instant(value: string): string {
  const parsed = dateOrDateTime.safeParse(value);
  const time = parsed.success ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new InvalidArgumentError('must be an ISO 8601 date or date-time, e.g. 2026-05-18T14:30:00Z');
  }
  return new Date(time).toISOString();
}

const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    }
    return n;
  };

export const limit = integerIn(1, 10_000);

/** A plan limit: a positive integer, or `none` for no limit (null in the API, once parsed). */
export function planLimit(value: string): number | 'none' {
  if (value === 'none') return value;
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a positive integer, or none');
  return Number(value);
}

/** A `next_cursor` a listing printed; what it holds is checked by the listing (src/cli/cursor.ts). */
export const cursor = pattern(
  /^[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{16}$/,
  'a next_cursor this command printed',
);
export const concurrency = integerIn(1, 100);
export const connectTimeoutSeconds = integerIn(1, 300);

/**
 * A user's visibility query is ANDed inside parentheses; unbalanced parentheses outside string
 * literals could close ours and OR past the dead-letter condition, so they are refused here.
 */
export function visibilityQuery(value: string): string {
  const query = value.trim();
  if (query === '') throw new InvalidArgumentError('must not be empty');
  let depth = 0;
  let quote: string | undefined;
  let escaped = false;
  for (const char of query) {
    if (quote) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') {
      quote = char;
    } else if (char === '(') {
      depth++;
    } else if (char === ')' && --depth < 0) {
      break;
    }
  }
  if (quote || depth !== 0) throw new InvalidArgumentError('has unbalanced quotes or parentheses');
  if (/\border\s+by\b/i.test(query)) throw new InvalidArgumentError('must not contain ORDER BY');
  return query;
}
