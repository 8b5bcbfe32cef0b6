import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sampleSignal, settledDelivery } from '../helpers/fixtures';
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

test('a delivery that ends failed is one warning line naming it, why, and the request that sent it, without a stack trace', async () => {
  const worker = await startWorkerChild(stack.taskQueue, { SIGNAL_PUSH_LOG_LEVEL: 'WARN' });
  const target = await startReceiver(() => ({ status: 500 }));
  try {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: target.url, retry_policy: { delays_seconds: [] } });
    const requestId = 'b7e2c1f0-intake-42';
    const intake = await stack.api.request('POST', '/v1/signals', {
      key: stack.operatorKey,
      headers: { 'X-Request-Id': requestId },
      body: { tenant_id: tenant.id, ...sampleSignal() },
    });
    expect(intake.status).toBe(202);
    expect(intake.headers.get('x-request-id')).toBe(requestId);
    const deliveryId = intake.body.deliveries[0]!.delivery_id;
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');

    await worker.terminate();
    // The log is JSON lines on stderr: every line a record, so a tool can read all of it.
    const lines = worker
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    const failed = records.filter((record) => String(record.msg).includes(`Delivery ${deliveryId} failed`));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toEqual({
      level: 'warn',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      pid: expect.any(Number),
      hostname: expect.any(String),
      deliveryId,
      reason: 'delivery failed after 1 attempts (last: non_2xx 500)',
      request_id: requestId,
      msg: `Delivery ${deliveryId} failed: delivery failed after 1 attempts (last: non_2xx 500)`,
    });
    expect(records.filter((record) => record.msg === 'Workflow failed')).toEqual([]);
    // No stack frames in any line about the delivery, raw or escaped inside a JSON string. Lines
    // about other work may carry one: on a loaded machine an activity retried after a timeout (the
    // health mirror's tenant update, say) is logged with its error's stack, as it should be.
    const aboutDelivery = lines.filter((line) => line.includes(deliveryId));
    expect(aboutDelivery.length).toBeGreaterThan(0);
    for (const line of aboutDelivery) expect(line).not.toMatch(/(\n|\\n)\s+at /);
  } finally {
    await worker.kill();
    await target.close();
  }
});

test.each([
  ['none', undefined],
  ['two at once', 'abc, def'],
  ['control characters', 'abc\tdef'],
  ['one too long', 'a'.repeat(129)],
])(
  'a request whose X-Request-Id is %s gets a new one, and never sees its own echoed',
  async (_case, given) => {
    const res = await stack.api.request(
      'GET',
      '/healthz',
      given === undefined ? {} : { headers: { 'X-Request-Id': given } },
    );
    const echoed = res.headers.get('x-request-id');
    expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(echoed).not.toBe(given);
  },
);
