import type { EndpointRecord } from '../../workflows/records';
import { jsonBytes } from '../../workflows/json-bytes';

/**
 * Bytes each part of an endpoint may take as stored: its JSON encoding in UTF-8, where a quote or a
 * backslash takes two bytes and a control character six, so text that grows when encoded cannot
 * slip past a limit on characters. Together they keep a record far below Temporal's 2 MB payload
 * limit, which the record's config workflow must stay under to keep running.
 */
export const ENDPOINT_FIELD_LIMITS = {
  url: 4 * 1024,
  label: 512,
  description: 2 * 1024,
  /**
   * All custom headers together; each value on its own takes at most `headerValue`. With the URL and
   * signal-push's own headers a request stays under 16 KB of header, which Node servers (and most
   * others) accept by default.
   */
  headers: 8 * 1024,
  headerValue: 4 * 1024,
  event_types: 4 * 1024,
  filters: 16 * 1024,
  payload_format: 16 * 1024,
} as const;

/** The whole record after JSON encoding and the payload codec (encryption adds its own bytes). */
export const MAX_ENDPOINT_ENCODED_BYTES = 64 * 1024;

export interface LimitProblem {
  field: string;
  problem: string;
  limit: number;
}

const over = (field: string, bytes: number, limit: number): LimitProblem => ({
  field,
  problem: `takes ${bytes} bytes as stored (JSON-encoded); the limit is ${limit}`,
  limit,
});

/** Each part of the record against its limit in ENDPOINT_FIELD_LIMITS. */
export function endpointLimitProblems(endpoint: EndpointRecord): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const check = (field: string, value: unknown, limit: number) => {
    const bytes = jsonBytes(value);
    if (bytes > limit) problems.push(over(field, bytes, limit));
  };
  check('url', endpoint.url, ENDPOINT_FIELD_LIMITS.url);
  check('label', endpoint.label, ENDPOINT_FIELD_LIMITS.label);
  check('description', endpoint.description, ENDPOINT_FIELD_LIMITS.description);
  for (const [name, value] of Object.entries(endpoint.headers)) {
    check(`headers.${name}`, value, ENDPOINT_FIELD_LIMITS.headerValue);
  }
  check('headers', endpoint.headers, ENDPOINT_FIELD_LIMITS.headers);
  check('event_types', endpoint.event_types, ENDPOINT_FIELD_LIMITS.event_types);
  check('filters', endpoint.filters, ENDPOINT_FIELD_LIMITS.filters);
  check('payload_format', endpoint.payload_format, ENDPOINT_FIELD_LIMITS.payload_format);
  return problems;
}

/** The whole record, measured as it is stored (`encodedBytes` runs the service's data converter). */
export function recordLimitProblem(encodedBytes: number): LimitProblem | undefined {
  return encodedBytes > MAX_ENDPOINT_ENCODED_BYTES
    ? over('(endpoint)', encodedBytes, MAX_ENDPOINT_ENCODED_BYTES)
    : undefined;
}
