import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

// The worker runs in a process of its own, logging at the service's default level, so that the
// test reads exactly what an operator's log would show.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_ROLE: 'api' });
});
afterAll(() => stack?.stop());

test('a delivery that ends failed is one warning line naming it and why, without a stack trace', async () => {
  const worker = await startWorkerChild(stack.taskQueue, { SIGNAL_PUSH_LOG_LEVEL: 'WARN' });
  const target = await startReceiver(() => ({ status: 500 }));
  try {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: target.url, retry_policy: { delays_seconds: [] } });
    const { deliveries } = await sendSignal(stack, tenant);
    const deliveryId = deliveries[0]!.delivery_id;
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');

    await worker.terminate();
    const lines = worker.stderr().split('\n');
    const failed = lines.filter((line) => line.includes(`Delivery ${deliveryId} failed`));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      /\[WARN\] Delivery \S+ failed: delivery failed after 1 attempts \(last: non_2xx 500\)$/,
    );
    expect(worker.stderr()).not.toContain('Workflow failed');
    expect(worker.stderr()).not.toMatch(/\n\s+at /); // no stack frames
  } finally {
    await worker.kill();
    await target.close();
  }
});
