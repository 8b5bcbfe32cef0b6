import { afterAll, beforeAll, expect, test } from 'vitest';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { deliverOnce } from '../helpers/fixtures';
import { freePort } from '../helpers/free-port';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// Delays run at 1/100 of the endpoint's schedule (Temporal's timers then fire after about 1 s).
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

test('a 302 is not followed and counts as a failed attempt', async () => {
  const elsewhere = await receiver(() => ({ status: 200 }));
  const target = await receiver(() => ({ status: 302, headers: { location: elsewhere.url } }));
  const { delivery } = await deliverOnce(stack, { url: target.url });
  expect(delivery.status).toBe('failed');
  expect(delivery.attempts).toHaveLength(4);
  expect(delivery.attempts.every((a: any) => a.error_kind === 'redirect' && a.http_status === 302)).toBe(
    true,
  );
  expect(elsewhere.requests).toHaveLength(0);
});

test("an endpoint's max_retries sets how many attempts are made before the delivery fails", async () => {
  const target = await receiver(() => ({ status: 500 }));
  const { delivery } = await deliverOnce(stack, {
    url: target.url,
    retry_policy: { max_retries: 2, interval_seconds: 30, backoff: 'exponential' },
  });
  expect(delivery.status).toBe('failed');
  expect(delivery.attempts).toHaveLength(3);
  expect(target.requests).toHaveLength(3);
});

test('a receiver that hangs past the timeout is a timeout, not a success', async () => {
  const target = await receiver(() => ({ hang: true }));
  const started = Date.now();
  const { delivery } = await deliverOnce(stack, {
    url: target.url,
    timeout_seconds: 1,
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  expect(delivery.status).toBe('failed');
  expect(delivery.attempts.map((a: any) => a.error_kind)).toEqual(['timeout', 'timeout']);
  expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(950);
  expect(delivery.attempts[0].latency_ms).toBeLessThan(3000);
  expect(Date.now() - started).toBeLessThan(15_000);
});

test('a refused connection is recorded as connection_refused', async () => {
  const { delivery } = await deliverOnce(stack, { url: `http://127.0.0.1:${await freePort()}/hook` });
  expect(delivery.status).toBe('failed');
  expect(delivery.attempts.map((a: any) => a.error_kind)).toEqual(Array(4).fill('connection_refused'));
  expect(delivery.attempts[0].http_status).toBeNull();
});

test('an unresolvable host is recorded as a DNS failure', async () => {
  const { delivery } = await deliverOnce(stack, {
    url: 'http://no-such-host.invalid/hook',
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  expect(delivery.attempts.map((a: any) => a.error_kind)).toEqual(['dns', 'dns']);
});

test('a TLS handshake that fails (https to a plain-HTTP port) is recorded as a TLS failure', async () => {
  const plain = await receiver(() => ({ status: 200 }));
  const { delivery } = await deliverOnce(stack, {
    url: plain.url.replace('http://', 'https://'),
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  expect(delivery.attempts.map((a: any) => a.error_kind)).toEqual(['tls', 'tls']);
});

test('only the first 1 KB of a response body is kept in the log', async () => {
  const target = await receiver(() => ({ status: 400, body: 'x'.repeat(100_000) }));
  const { delivery } = await deliverOnce(stack, {
    url: target.url,
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  expect(delivery.attempts[0].response_body).toBe('x'.repeat(1024));
  expect(delivery.attempts[0].error_kind).toBe('non_2xx');
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
