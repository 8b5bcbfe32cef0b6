import { describe, expect, test } from 'vitest';
import {
  createEndpoint,
  createTenant,
  sendSignal,
  settledDelivery,
  SETTLE_AFTER_RESTART_MS,
} from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import { timerFired } from '../helpers/history';
import { eventually, startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

// The API runs here; the worker runs in a child process that the tests kill with SIGKILL. Each test
// has an API of its own on a task queue of its own, so no test's worker takes up another's
// deliveries, and the three wait out their timeouts side by side.
const apiOnly = () => startStack({ SIGNAL_PUSH_ROLE: 'api' });

describe.concurrent('a worker that dies', () => {
  test('a worker killed between attempts loses nothing: a new worker resumes at the next attempt', async () => {
    const stack = await apiOnly();
    let worker = await startWorkerChild(stack.taskQueue);
    const target = await startReceiver((request) => (request.n === 1 ? { status: 500 } : { status: 200 }));
    try {
      const tenant = await createTenant(stack);
      // The task in flight on the killed worker is taken up after its timeout, which covers the
      // endpoint's: a short one keeps the wait short.
      await createEndpoint(stack, tenant, { url: target.url, timeout_seconds: 1 });
      const { deliveries } = await sendSignal(stack, tenant);
      // Kill once the first attempt's outcome is recorded, before its retry timer fires.
      await eventually(async () => {
        const res = await stack.api.request('GET', `/v1/deliveries/${deliveries[0]!.delivery_id}`, {
          key: tenant.key,
        });
        return res.body.attempt_count === 1;
      });
      await worker.kill();
      // The retry timer fires with no worker up.
      await eventually(() => timerFired(stack.service.client, deliveries[0]!.delivery_id));
      expect(target.requests).toHaveLength(1);

      worker = await startWorkerChild(stack.taskQueue);
      const delivery = await settledDelivery(
        stack,
        tenant,
        deliveries[0]!.delivery_id,
        SETTLE_AFTER_RESTART_MS,
      );
      expect(delivery.status).toBe('delivered');
      expect(delivery.attempts.map((a: any) => a.attempt)).toEqual([1, 2]);
      expect(target.requests.map((r) => r.headers['x-signal-push-attempt'])).toEqual(['1', '2']);
    } finally {
      await worker.kill();
      await target.close();
      await stack.stop();
    }
  }, 180_000);

  test('a worker killed in the middle of a POST: the attempt is redone under the same delivery id', async () => {
    const stack = await apiOnly();
    let worker = await startWorkerChild(stack.taskQueue);
    const target = await startReceiver((request) => (request.n === 1 ? { hang: true } : { status: 200 }));
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, { url: target.url, timeout_seconds: 1 });
      const { deliveries } = await sendSignal(stack, tenant);
      await target.waitFor(1);
      await worker.kill();
      worker = await startWorkerChild(stack.taskQueue);
      const delivery = await settledDelivery(
        stack,
        tenant,
        deliveries[0]!.delivery_id,
        SETTLE_AFTER_RESTART_MS,
      );
      expect(delivery.status).toBe('delivered');
      expect(target.requests).toHaveLength(2);
      const ids = target.requests.map((r) => r.headers['x-signal-push-delivery-id']);
      expect(ids).toEqual([deliveries[0]!.delivery_id, deliveries[0]!.delivery_id]);
    } finally {
      await worker.kill();
      await target.close();
      await stack.stop();
    }
  }, 180_000);

  test('with no worker running, the API answers 503 with Retry-After within seconds instead of hanging', async () => {
    const stack = await apiOnly();
    try {
      const tenant = await createTenant(stack);
      const started = Date.now();
      const res = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.error.code).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await stack.stop();
    }
  }, 30_000);
});
