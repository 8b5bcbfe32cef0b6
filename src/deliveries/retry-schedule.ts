import type { RetryPolicySetting } from '../../workflows/records';

/** PQ Intel's documented default: 3 retries, after 1 s, 5 s and 30 s. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [1, 5, 30];

/** Exponential backoff is capped so ten retries at 600 s still end within days, not months. */
export const MAX_RETRY_DELAY_SECONDS = 24 * 60 * 60;

/** The delay before each retry, in seconds, for an endpoint's policy (`null`: the default). */
export function retryScheduleSeconds(policy: RetryPolicySetting | null): number[] {
  if (!policy) return [...DEFAULT_RETRY_SCHEDULE_SECONDS];
  if ('delays_seconds' in policy) return [...policy.delays_seconds];
  return Array.from({ length: policy.max_retries }, (_, retry) =>
    Math.min(
      policy.backoff === 'exponential' ? policy.interval_seconds * 2 ** retry : policy.interval_seconds,
      MAX_RETRY_DELAY_SECONDS,
    ),
  );
}
