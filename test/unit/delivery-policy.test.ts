import { describe, expect, test } from 'vitest';
import { retryScheduleSeconds } from '../../src/deliveries/retry-schedule';
import { asksEndpointFirst, decideNext, startOfRound } from '../../workflows/delivery-policy';
import type {
  AttemptOutcome,
  DeliveryPolicy,
  NextStep,
  RoundPosition,
} from '../../workflows/delivery-policy';
import type { RetryPolicySetting } from '../../workflows/records';

const DAY_MS = 24 * 60 * 60 * 1000;

function policy(retry: RetryPolicySetting | null, overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return {
    retryDelaysMs: retryScheduleSeconds(retry).map((seconds) => seconds * 1000),
    deadLetterRetentionMs: null,
    tracked: true,
    rateLimitPerMinute: null,
    ...overrides,
  };
}

const fail = (httpStatus: number | null = 500, retryAfterMs: number | null = null): AttemptOutcome => ({
  kind: 'failed',
  httpStatus,
  retryAfterMs,
});

/** A step in words, as a help page would put it. */
function described(step: NextStep): string {
  switch (step.kind) {
    case 'delivered':
      return 'delivered';
    case 'retry':
      return `retry in ${step.delayMs / 1000} s`;
    case 'attempt':
      return 'attempt again now';
    case 'hold_gone':
      return 'pause and hold';
    case 'dead_letter':
      return `dead letter for ${step.retentionMs / DAY_MS} days`;
    case 'fail':
      return 'fail';
  }
}

/** Feeds the outcomes one after another, as the workflow would, and says what followed each. */
function play(outcomes: AttemptOutcome[], settings: DeliveryPolicy, askFirst = false): string[] {
  let position: RoundPosition = startOfRound(askFirst);
  return outcomes.map((outcome) => {
    const step = decideNext(position, outcome, settings);
    if ('position' in step) position = step.position;
    return described(step);
  });
}

describe('retry schedules of the seed products', () => {
  test.each([
    {
      page: 'PQ Intel default: 3 retries at 1 s, 5 s and 30 s, then the dead-letter queue for 7 days',
      settings: policy(null, { deadLetterRetentionMs: 7 * DAY_MS }),
      expected: ['retry in 1 s', 'retry in 5 s', 'retry in 30 s', 'dead letter for 7 days'],
    },
    {
      page: 'PQ Intel panel: 3 retries from 30 s, exponential backoff',
      settings: policy({ max_retries: 3, interval_seconds: 30, backoff: 'exponential' }),
      expected: ['retry in 30 s', 'retry in 60 s', 'retry in 120 s', 'fail'],
    },
    {
      page: 'PQ Intel panel: 2 retries every 600 s, fixed',
      settings: policy({ max_retries: 2, interval_seconds: 600, backoff: 'fixed' }),
      expected: ['retry in 600 s', 'retry in 600 s', 'fail'],
    },
    {
      page: 'Prospektr: exactly one attempt and no retry',
      settings: policy({ delays_seconds: [] }),
      expected: ['fail'],
    },
    {
      page: 'QuintaGo: 5 retries at 5 s, 25 s, 2 m, 10 m and 30 m',
      settings: policy({ delays_seconds: [5, 25, 120, 600, 1800] }),
      expected: [
        'retry in 5 s',
        'retry in 25 s',
        'retry in 120 s',
        'retry in 600 s',
        'retry in 1800 s',
        'fail',
      ],
    },
  ])('$page', ({ settings, expected }) => {
    expect(
      play(
        expected.map(() => fail()),
        settings,
      ),
    ).toEqual(expected);
  });

  test('a success at any attempt ends the delivery', () => {
    expect(play([fail(), fail(503), { kind: 'delivered' }], policy(null))).toEqual([
      'retry in 1 s',
      'retry in 5 s',
      'delivered',
    ]);
  });

  test.each([
    { httpStatus: null, what: 'a network failure (no HTTP status)' },
    { httpStatus: 302, what: 'a redirect, which is never followed' },
    { httpStatus: 404, what: 'a 4xx' },
  ])('$what is retried like a 5xx', ({ httpStatus }) => {
    expect(play([fail(httpStatus), fail(httpStatus)], policy({ delays_seconds: [5] }))).toEqual([
      'retry in 5 s',
      'fail',
    ]);
  });
});

describe('what receivers and endpoints can change', () => {
  test.each([
    { retryAfterS: 120, expected: 'retry in 120 s', why: 'a longer Retry-After is waited for' },
    { retryAfterS: 2, expected: 'retry in 5 s', why: 'a shorter Retry-After never shortens the schedule' },
  ])('$why', ({ retryAfterS, expected }) => {
    expect(play([fail(503, retryAfterS * 1000)], policy({ delays_seconds: [5] }))).toEqual([expected]);
  });

  test('a 410 Gone pauses the endpoint and holds the delivery at the same point of its schedule', () => {
    const settings = policy({ delays_seconds: [5, 25] });
    expect(play([fail(), fail(410), fail(), fail()], settings)).toEqual([
      'retry in 5 s',
      'pause and hold',
      'retry in 25 s',
      'fail',
    ]);
  });

  test('a send-test or callback (untracked) treats 410 as any other failure', () => {
    expect(play([fail(410), fail(410)], policy({ delays_seconds: [5] }, { tracked: false }))).toEqual([
      'retry in 5 s',
      'fail',
    ]);
  });

  test('a missed rate-limit slot sent nothing: the same attempt asks again, with one more miss counted', () => {
    const settings = policy({ delays_seconds: [5] }, { rateLimitPerMinute: 60 });
    const first = decideNext(startOfRound(false), { kind: 'slot_missed' }, settings);
    expect(first).toEqual({ kind: 'attempt', position: { retries: 0, missedSlots: 1, askFirst: false } });
    const second = decideNext(
      { retries: 0, missedSlots: 1, askFirst: false },
      { kind: 'slot_missed' },
      settings,
    );
    expect(second).toMatchObject({ position: { retries: 0, missedSlots: 2 } });
    // A real attempt after the misses counts as the round's first and clears them.
    expect(decideNext({ retries: 0, missedSlots: 2, askFirst: false }, fail(), settings)).toEqual({
      kind: 'retry',
      delayMs: 5000,
      position: { retries: 1, missedSlots: 0, askFirst: false },
    });
  });

  test.each([
    { outcome: { kind: 'misconfigured' } as const, why: 'settings that cannot sign are not retried' },
    { outcome: { kind: 'endpoint_deleted' } as const, why: 'a deleted endpoint ends the round' },
  ])('$why: dead letter at once with the queue on, fail without it', ({ outcome }) => {
    const retries = { delays_seconds: [5, 25] };
    expect(play([outcome], policy(retries, { deadLetterRetentionMs: 7 * DAY_MS }))).toEqual([
      'dead letter for 7 days',
    ]);
    expect(play([outcome], policy(retries))).toEqual(['fail']);
  });
});

describe('when the endpoint health workflow is asked before an attempt', () => {
  test.each([
    {
      position: startOfRound(false),
      overrides: {},
      asks: false,
      why: 'a healthy endpoint: first attempt goes out',
    },
    {
      position: startOfRound(true),
      overrides: {},
      asks: true,
      why: 'a paused or failing endpoint: asked first',
    },
    { position: { ...startOfRound(false), retries: 1 }, overrides: {}, asks: true, why: 'every retry asks' },
    {
      position: startOfRound(false),
      overrides: { rateLimitPerMinute: 60 },
      asks: true,
      why: 'a rate-limited endpoint: asked for a slot',
    },
    {
      position: { ...startOfRound(true), retries: 2 },
      overrides: { tracked: false, rateLimitPerMinute: 60 },
      asks: false,
      why: 'a send-test or callback: never',
    },
  ])('$why', ({ position, overrides, asks }) => {
    expect(asksEndpointFirst(position, policy(null, overrides))).toBe(asks);
  });
});
