import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// Real time, unscaled: this is the one test that proves the seed's schedule to the second.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_RETRY_DELAY_SCALE: '1' });
});
afterAll(() => stack?.stop());

test("a failing endpoint is retried after exactly 1 s, 5 s and 30 s (PQ Intel's default), then fails", async () => {
  const target = await startReceiver(() => ({ status: 503 }));
  try {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: target.url });
    const { deliveries } = await sendSignal(stack, tenant);
    await target.waitFor(4, 45_000);
    const delivery = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
    expect(delivery.status).toBe('failed');
    const gaps = target.requests.slice(1).map((request, i) => request.at - target.requests[i]!.at);
    // Never early; late only by scheduling noise (this suite runs a 2,000-delivery crash test beside
    // it on two cores), far less than any neighbouring step of the schedule.
    [1000, 5000, 30_000].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay);
      expect(gaps[i]).toBeLessThan(delay + 1500);
    });
    expect(target.requests).toHaveLength(4);
  } finally {
    await target.close();
  }
}, 60_000);
