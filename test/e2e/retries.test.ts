import { afterAll, beforeAll, expect, test } from 'vitest';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { deliverOnce } from '../helpers/fixtures';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// A retry through the whole service, at 1/100 of the endpoint's schedule. What each kind of failed
// attempt records is test/unit/attempt-outcomes.test.ts; how many attempts a policy makes and on
// what exact timers, test/unit/seed-delivery-profiles.test.ts and test/unit/delivery-workflow.test.ts.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

test('a 500 followed by a 200 is retried and delivered exactly once', async () => {
  const target = await receiver((request) =>
    request.n === 1 ? { status: 500, body: 'boom' } : { status: 200 },
  );
  const { delivery } = await deliverOnce(stack, { url: target.url });
  expect(delivery.status).toBe('delivered');
  expect(delivery.attempts.map((a: any) => [a.http_status, a.error_kind])).toEqual([
    [500, 'non_2xx'],
    [200, null],
  ]);
  expect(delivery.attempts[0].response_body).toBe('boom');
  expect(target.requests.map((r) => r.headers['x-signal-push-attempt'])).toEqual(['1', '2']);
  // Both attempts carry the same delivery id, so a receiver can drop a duplicate.
  expect(new Set(target.requests.map((r) => r.headers['x-signal-push-delivery-id'])).size).toBe(1);
});

test("an attempt longer than Temporal's default 10 s task timeout runs in one workflow task, and is made once", async () => {
  // Past 8 s (80 % of the default timeout) the SDK would have to keep the task alive with a
  // heartbeat; on a starved machine a late one let the task time out and the attempt run twice.
  const target = await receiver(() => ({ status: 200, delayMs: 8_500 }));
  const { delivery } = await deliverOnce(stack, { url: target.url, timeout_seconds: 20 });
  expect(delivery.status).toBe('delivered');
  expect(target.requests).toHaveLength(1);

  const handle = stack.service.client.workflow.getHandle(delivery.id);
  const timeout = (await handle.describe()).raw.executionConfig!.defaultWorkflowTaskTimeout!;
  // The endpoint's 20 s, 5 s to connect and read, 1.5 s of precise slot wait, 3 s for the task.
  expect(Number(timeout.seconds) + (timeout.nanos ?? 0) / 1e9).toBe(29.5);
  const events = (await handle.fetchHistory()).events ?? [];
  const attemptRecorded = events.findIndex((event) => event.markerRecordedEventAttributes);
  const tasksUntilThen = events
    .slice(0, attemptRecorded)
    .filter((event) => event.workflowTaskCompletedEventAttributes).length;
  expect(tasksUntilThen).toBe(1);
}, 60_000);
