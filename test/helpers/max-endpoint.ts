import { EVENT_TYPES } from '../../src/events/event-types';
import { ENDPOINT_FIELD_LIMITS } from '../../src/endpoints/endpoint-limits';

/** Text of `chars` characters that takes close to `bytes` bytes JSON-encoded (control characters take six). */
function expanded(chars: number, bytes: number, prefix = ''): string {
  const budget = bytes - 2 - prefix.length;
  const wide = Math.max(
    0,
    Math.min(chars - prefix.length, Math.floor((budget - (chars - prefix.length)) / 5)),
  );
  return prefix + '\u0001'.repeat(wide) + 'a'.repeat(chars - prefix.length - wide);
}

/**
 * An endpoint body with every field as large as the limits let it be, as stored: URL, label,
 * description, twenty custom headers, fifty event type patterns, a hundred profile names and a
 * payload format with custom keys. Only endpoints created with `matching` take the sample signal's
 * ICP profile, so one signal reaches a few of a thousand.
 */
export function maxSizeEndpoint(i: number, receiverUrl: string, matching: boolean): Record<string, unknown> {
  const url = `${receiverUrl}?n=${i}&pad=`;
  // Header values are visible ASCII: quotes are what expands there (two bytes each).
  const headerValue = '"'.repeat(9) + 'h'.repeat(380 - 9);
  const profileCount = 60;
  return {
    url: url + 'p'.repeat(2048 - url.length),
    label: expanded(200, ENDPOINT_FIELD_LIMITS.label, `${i}:`),
    description: expanded(1000, ENDPOINT_FIELD_LIMITS.description),
    headers: Object.fromEntries(
      Array.from({ length: 20 }, (_, h) => [`X-Custom-${String(h).padStart(2, '0')}`, headerValue]),
    ),
    event_types: Array.from({ length: 50 }, (_, t) => EVENT_TYPES[t % EVENT_TYPES.length]),
    filters: {
      icp_profile_names: [
        ...(matching ? ['Enterprise Tech Buyers'] : []),
        ...Array.from({ length: profileCount - (matching ? 1 : 0) }, (_, p) => expanded(200, 265, `${p}`)),
      ],
    },
    payload_format: {
      extra: Object.fromEntries(Array.from({ length: 15 }, (_, k) => [`custom_${k}`, 'x'.repeat(1000)])),
    },
    secret: 's'.repeat(256),
  };
}
