import type { EndpointRecord } from '../../workflows/records';

/** A page of a tenant's endpoints, oldest first, and the cursor of the next page (null: none). */
export interface EndpointPage {
  endpoints: EndpointRecord[];
  next_cursor: string | null;
}

/** The cursor names the last endpoint of a page by (created_at, id): it holds even if that one is deleted. */
export const encodeEndpointCursor = (endpoint: EndpointRecord): string =>
  Buffer.from(JSON.stringify([endpoint.created_at, endpoint.id])).toString('base64url');

/** `undefined` when the text is not a cursor this service made. */
export function decodeEndpointCursor(cursor: string): [string, string] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return [value[0] as string, value[1] as string];
    }
  } catch {
    // Not JSON: not ours.
  }
  return undefined;
}

const order = (a: EndpointRecord, b: EndpointRecord): number =>
  a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);

/** The endpoints after the cursor, at most `limit` of them. */
export function endpointPage(
  endpoints: readonly EndpointRecord[],
  limit: number,
  after?: [string, string],
): EndpointPage {
  const sorted = [...endpoints].sort(order);
  const start = after
    ? sorted.findIndex((e) => e.created_at > after[0] || (e.created_at === after[0] && e.id > after[1]))
    : 0;
  const rest = start < 0 ? [] : sorted.slice(start);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return { endpoints: page, next_cursor: rest.length > limit && last ? encodeEndpointCursor(last) : null };
}
