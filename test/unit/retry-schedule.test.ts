import { expect, test } from 'vitest';
import { MAX_RETRY_DELAY_SECONDS, retryScheduleSeconds } from '../../src/deliveries/retry-schedule';

test("no policy means PQ Intel's documented default: 1 s, 5 s, 30 s", () => {
  expect(retryScheduleSeconds(null)).toEqual([1, 5, 30]);
});

test('exponential backoff doubles the interval on each retry', () => {
  expect(retryScheduleSeconds({ max_retries: 4, interval_seconds: 30, backoff: 'exponential' })).toEqual([
    30, 60, 120, 240,
  ]);
});

test('fixed backoff repeats the interval', () => {
  expect(retryScheduleSeconds({ max_retries: 3, interval_seconds: 45, backoff: 'fixed' })).toEqual([
    45, 45, 45,
  ]);
});

test('ten exponential retries at 600 s are capped at a day each', () => {
  const schedule = retryScheduleSeconds({ max_retries: 10, interval_seconds: 600, backoff: 'exponential' });
  expect(schedule).toHaveLength(10);
  expect(Math.max(...schedule)).toBe(MAX_RETRY_DELAY_SECONDS);
  expect(schedule.slice(0, 3)).toEqual([600, 1200, 2400]);
});
