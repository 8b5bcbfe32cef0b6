import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

/**
 * The query parameters every listing takes: a page size, the `next_cursor` of the page before, and
 * a time range (`since` inclusive, `until` exclusive) over what the listing orders by.
 */
export const pageQueryFields = (maxLimit: number) => ({
  limit: z.coerce.number().int().min(1).max(maxLimit).default(100),
  cursor: z.string().min(1).max(4096).optional(),
  since: instant.optional(),
  until: instant.optional(),
});

/** An empty range is a mistake worth naming, not an empty page. */
export const rangeInOrder = (query: { since?: string | undefined; until?: string | undefined }): boolean =>
  query.since === undefined || query.until === undefined || Date.parse(query.since) < Date.parse(query.until);

export const RANGE_PROBLEM = { message: 'must be later than since', path: ['until'] };
