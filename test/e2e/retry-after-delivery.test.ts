import { afterAll, beforeAll, expect, test } from 'vitest';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { deliverOnce } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// Retry delays run at 1/100 of the schedule: the default 1 s, 5 s, 30 s become 10, 50 and 300 ms.
// A receiver's Retry-After is not scaled, so honouring it shows as a wait of whole seconds.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

const gapMs = (target: Receiver, n: number): number => target.requests[n]!.at - target.requests[n - 1]!.at;

test.each([429, 503])(
  'a %i with Retry-After: 2 delays the next attempt by 2 s although the schedule says 10 ms',
  async (status) => {
    const target = await receiver((request) =>
      request.n === 1 ? { status, headers: { 'retry-after': '2' }, body: 'slow down' } : { status: 200 },
    );
    const { delivery } = await deliverOnce(stack, { url: target.url });

    expect(delivery.status).toBe('delivered');
    expect(target.requests).toHaveLength(2);
    expect(gapMs(target, 1)).toBeGreaterThanOrEqual(2000);
    expect(delivery.attempts.map((a: any) => [a.http_status, a.retry_after_ms])).toEqual([
      [status, 2000],
      [200, null],
    ]);
  },
);

test('a 500 with Retry-After is not honoured: the retry comes at the schedule’s pace', async () => {
  const target = await receiver((request) =>
    request.n === 1 ? { status: 500, headers: { 'retry-after': '20' } } : { status: 200 },
  );
  const { delivery } = await deliverOnce(stack, { url: target.url });

  expect(delivery.status).toBe('delivered');
  expect(delivery.attempts.map((a: any) => [a.http_status, a.retry_after_ms])).toEqual([
    [500, null],
    [200, null],
  ]);
  // Temporal fires a 10 ms timer within about a second; 20 s would mean the header was obeyed.
  expect(gapMs(target, 1)).toBeLessThan(5000);
});

test('a Retry-After on the last attempt adds no attempt and no wait: the delivery fails at once', async () => {
  const target = await receiver((request) => ({
    status: 429,
    headers: { 'retry-after': request.n === 1 ? '1' : '60' },
  }));
  const started = Date.now();
  const { delivery } = await deliverOnce(stack, { url: target.url, retry_policy: { delays_seconds: [1] } });

  expect(delivery.status).toBe('failed');
  expect(delivery.attempts.map((a: any) => [a.http_status, a.retry_after_ms])).toEqual([
    [429, 1000],
    [429, 60_000],
  ]);
  expect(gapMs(target, 1)).toBeGreaterThanOrEqual(1000);
  expect(Date.now() - started).toBeLessThan(20_000);
  // The delivery's workflow has ended failed, so nothing more can arrive: its two attempts are all.
  expect(target.requests).toHaveLength(2);
});
