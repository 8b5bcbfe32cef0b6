import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver, ReceivedRequest } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';
import type { WorkerChild } from '../helpers/worker-child';
import { startWorkerChild } from '../helpers/worker-child';

// Two worker processes poll the task queue behind an API-only stack (a process that runs both starts
// its deliveries on its own worker, eagerly); one's requests carry a user agent of its own, so the
// receiver can tell which worker sent what.
const CHILD_USER_AGENT = 'signal-push-test/child-worker';
let stack: Stack;
const children: WorkerChild[] = [];
const receivers: Receiver[] = [];
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_ROLE: 'api' });
  children.push(
    ...(await Promise.all([
      startWorkerChild(stack.taskQueue),
      startWorkerChild(stack.taskQueue, { SIGNAL_PUSH_USER_AGENT: CHILD_USER_AGENT }),
    ])),
  );
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});
afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await stack?.stop();
});

async function receiver(reply: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(reply);
  receivers.push(started);
  return started;
}

/** Timers and activity dispatch may land a few ms late; a request must never go early. */
const JITTER_MS = 50;

const gaps = (requests: ReceivedRequest[]): number[] =>
  requests.slice(1).map((request, i) => request.at - requests[i]!.at);

test('240 a minute: 8 signals sent at once reach the receiver one by one, 250 ms apart, whichever of two workers sends them', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: target.url, rate_limit_per_minute: 240 });

  const intakes = await Promise.all(Array.from({ length: 8 }, () => sendSignal(stack, tenant)));
  const deliveryIds = intakes.map(({ deliveries }) => deliveries[0]!.delivery_id);
  const settled = [];
  for (const id of deliveryIds) settled.push(await settledDelivery(stack, tenant, id));
  for (const delivery of settled) expect(delivery.status).toBe('delivered');

  // All 8 arrived, each exactly once, at the first attempt.
  expect(target.requests).toHaveLength(8);
  const received = target.requests.map((r) => r.headers['x-signal-push-delivery-id']);
  expect(new Set(received)).toEqual(new Set(deliveryIds));
  expect(target.requests.every((r) => r.headers['x-signal-push-attempt'] === '1')).toBe(true);
  // Both workers took part: the limit is kept across them, not per worker.
  expect(new Set(target.requests.map((r) => r.headers['user-agent'] === CHILD_USER_AGENT))).toEqual(
    new Set([true, false]),
  );

  // When each request left, as the attempt recorded it (the clock the slots are kept by): never
  // closer than the limit's 250 ms. Arrival times add the network's noise, so the receiver's view
  // is checked over the whole run, where that noise is small beside 1.75 s.
  const sentAt = settled.map((delivery) => Date.parse(delivery.attempts[0].started_at)).sort((a, b) => a - b);
  for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(250);
  expect(target.requests.at(-1)!.at - target.requests[0]!.at).toBeGreaterThanOrEqual(7 * 250 - JITTER_MS);
});

test('a retry under a rate limit waits for its slot, not just for the retry schedule', async () => {
  // 30 a minute: one request every 2 s, while the scaled schedule would retry after 10 ms.
  const target = await receiver((request) => (request.n === 1 ? { status: 500 } : { status: 200 }));
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: target.url, rate_limit_per_minute: 30 });

  const { deliveries } = await sendSignal(stack, tenant);
  const delivery = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);

  expect(delivery.status).toBe('delivered');
  expect(delivery.attempts.map((a: any) => a.http_status)).toEqual([500, 200]);
  expect(target.requests.map((r) => r.headers['x-signal-push-attempt'])).toEqual(['1', '2']);
  expect(gaps(target.requests)[0]).toBeGreaterThanOrEqual(2000 - JITTER_MS);
});

test('without a rate limit, 8 signals sent at once all arrive within 2 s', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: target.url, rate_limit_per_minute: null });

  const started = Date.now();
  const intakes = await Promise.all(Array.from({ length: 8 }, () => sendSignal(stack, tenant)));
  await target.waitFor(8);

  expect(target.requests.at(-1)!.at - started).toBeLessThan(2000);
  const received = new Set(target.requests.map((r) => r.headers['x-signal-push-delivery-id']));
  expect(received).toEqual(new Set(intakes.map(({ deliveries }) => deliveries[0]!.delivery_id)));
});
