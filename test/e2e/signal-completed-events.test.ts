import crypto from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signalTrackerWorkflowId } from '../../workflows/ids';
import { UNLIMITED_PLAN, createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import type { ReceivedRequest, Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// The operator's ops webhook, and the tenant's receivers: one that takes everything, one that fails.
const OPS_SECRET = 'ops-secret-fedcba9876543210';
let ops: Receiver;
let healthy: Receiver;
let failing: Receiver;
let stack: Stack;
beforeAll(async () => {
  [ops, healthy, failing] = await Promise.all([
    startReceiver(),
    startReceiver(),
    startReceiver(() => ({ status: 500 })),
  ]);
  stack = await startStack({
    SIGNAL_PUSH_OPS_WEBHOOK_URL: ops.url,
    SIGNAL_PUSH_OPS_WEBHOOK_SECRET: OPS_SECRET,
  });
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([ops, healthy, failing].map((receiver) => receiver?.close()));
});

const oneRetry = { max_retries: 1, interval_seconds: 30, backoff: 'fixed' };

/** The ops webhook's `signal.completed` event for this signal, once it has come. */
async function completedEvent(signalId: string): Promise<{ request: ReceivedRequest; event: any }> {
  return eventually(async () => {
    for (const request of ops.requests) {
      const event = JSON.parse(request.rawBody.toString());
      if (event.type === 'signal.completed' && event.signal_id === signalId) return { request, event };
    }
    return undefined;
  }, 30_000);
}

test('a tenant that asked is told, once, when every delivery of a signal has ended, and how each ended', async () => {
  const created = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name: 'Told', plan: UNLIMITED_PLAN, signal_completed_events: true },
  });
  expect(created.status).toBe(201);
  expect(created.body.signal_completed_events).toBe(true);
  const tenant = { id: created.body.id, key: created.body.api_key };
  const ok = await createEndpoint(stack, tenant, { url: healthy.url });
  const dead = await createEndpoint(stack, tenant, {
    url: failing.url,
    retry_policy: oneRetry,
    dead_letter_queue: true,
  });
  // Takes only leads: the buying signal makes no delivery to it, so nothing waits for it.
  await createEndpoint(stack, tenant, { url: healthy.url, event_types: ['lead.created'] });

  const { signal_id: signalId, deliveries } = await sendSignal(stack, tenant);
  const { request, event } = await completedEvent(signalId);
  const deliveryOf = (endpointId: string) =>
    deliveries.find((d) => d.endpoint_id === endpointId)!.delivery_id;
  expect(event).toMatchObject({
    type: 'signal.completed',
    tenant_id: tenant.id,
    signal_id: signalId,
    reached_all: false,
    delivered: 1,
  });
  expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
  expect(event.deliveries).toEqual(
    expect.arrayContaining([
      { endpoint_id: ok.id, delivery_id: deliveryOf(ok.id), status: 'delivered' },
      { endpoint_id: dead.id, delivery_id: deliveryOf(dead.id), status: 'dead_lettered' },
    ]),
  );
  expect(event.deliveries).toHaveLength(2);
  expect(request.headers['x-signal-push-event-id']).toBe(event.id);
  expect(request.headers['x-signal-push-signature']).toBe(
    crypto.createHmac('sha256', OPS_SECRET).update(request.rawBody).digest('hex'),
  );

  // The same signal again starts nothing new: no second tracker, no second event.
  expect(
    (await sendSignal(stack, tenant, { signal_id: signalId })).deliveries.every((d) => d.duplicate),
  ).toBe(true);
  const tracker = stack.service.client.workflow.getHandle(signalTrackerWorkflowId(tenant.id, signalId));
  expect(await tracker.result()).toEqual(event);
  expect(ops.requests.filter((r) => JSON.parse(r.rawBody.toString()).signal_id === signalId)).toHaveLength(1);
}, 60_000);

test('a signal whose every delivery arrives reaches all; the events follow the setting as it is changed', async () => {
  const tenant = await createTenant(stack, 'Switched');
  await createEndpoint(stack, tenant, { url: healthy.url });
  await createEndpoint(stack, tenant, { url: healthy.url });
  const tenantView = await stack.api.request('GET', `/v1/tenants/${tenant.id}`, { key: stack.operatorKey });
  expect(tenantView.body.signal_completed_events).toBe(false);

  // Off (the default): no tracker is started at all.
  const quiet = await sendSignal(stack, tenant);
  const untracked = stack.service.client.workflow.getHandle(
    signalTrackerWorkflowId(tenant.id, quiet.signal_id),
  );
  await expect(untracked.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  const on = await stack.api.request('PATCH', `/v1/tenants/${tenant.id}`, {
    key: stack.operatorKey,
    body: { signal_completed_events: true },
  });
  expect(on.status).toBe(200);
  expect(on.body.signal_completed_events).toBe(true);
  const told = await sendSignal(stack, tenant);
  const { event } = await completedEvent(told.signal_id);
  expect(event).toMatchObject({ reached_all: true, delivered: 2 });
  expect(event.deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
}, 60_000);

test('the setting refuses what is not a boolean, naming the field', async () => {
  const tenant = await createTenant(stack, 'Strict');
  const res = await stack.api.request('PATCH', `/v1/tenants/${tenant.id}`, {
    key: stack.operatorKey,
    body: { signal_completed_events: 'yes' },
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([expect.objectContaining({ field: 'signal_completed_events' })]);
});
