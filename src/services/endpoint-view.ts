import type { EndpointRecord } from '../../workflows/records';
import { retryScheduleSeconds } from '../deliveries/retry-schedule';

/**
 * Last four characters: enough to tell two secrets apart, too few to use one. A short value (an API
 * key of a few characters) would show whole, so it shows nothing.
 */
export const hint = (value: string): string => (value.length >= 16 ? `…${value.slice(-4)}` : '…');

/**
 * What a tenant sees of an endpoint, through the API or the portal: secrets and custom header values
 * (an Authorization token) only as hints; the full secret is shown once, when created or rotated.
 */
export function endpointView(endpoint: EndpointRecord) {
  const { secret, previous_secret: previous, headers, ...rest } = endpoint;
  return {
    ...rest,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, hint(value)])),
    secret_hint: secret === null ? null : hint(secret),
    previous_secret_expires_at: previous?.expires_at ?? null,
    retry_schedule_seconds: retryScheduleSeconds(endpoint.retry_policy),
  };
}

export type EndpointView = ReturnType<typeof endpointView>;
