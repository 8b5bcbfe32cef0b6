import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DeliveryPlan } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { signalTrackerWorkflowId } from '../../workflows/ids';
import { signalTrackerWorkflow } from '../../workflows/signal-tracker';
import { deliveryEndedSignal } from '../../workflows/signal-tracker-contract';
import type { SignalTrackerInput } from '../../workflows/signal-tracker-contract';
import { deliveryInput } from '../helpers/delivery-input';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

const TENANT = 'ten_0123456789abcdef';
const OPS_SECRET = 'ops_webhook_tracker_secret';
let stack: TimeSkippingStack;
let ok: Receiver;
let failing: Receiver;
let ops: Receiver;

beforeAll(async () => {
  [ok, failing, ops] = await Promise.all([
    startReceiver(),
    startReceiver(() => ({ status: 500 })),
    startReceiver(),
  ]);
  stack = await startTimeSkipping(
    {},
    { notifications: { smtp: undefined, opsWebhook: { url: ops.url, secret: OPS_SECRET } } },
  );
});
afterAll(async () => {
  await Promise.all([ok, failing, ops].map((receiver) => receiver?.close()));
  await stack?.stop();
});

const plan = (endpointId: string, url: string, deadLetterQueue = false): DeliveryPlan => ({
  endpoint: {
    id: endpointId,
    url,
    method: 'POST',
    headers: {},
    signature: { scheme: 'hex', header: 'X-Signature', body_field: null },
    secrets: [{ secret: 'tracker_unit_secret', expiresAt: null }],
    timeoutMs: 5_000,
  },
  retryDelaysMs: [],
  deadLetterQueue,
  deadLetterRetentionMs: 24 * 60 * 60 * 1000,
  rateLimitPerMinute: null,
});

const startTracker = (input: SignalTrackerInput) =>
  stack.client.workflow.start(signalTrackerWorkflow, {
    workflowId: signalTrackerWorkflowId(input.tenantId, input.signalId),
    taskQueue: stack.taskQueue,
    args: [input],
  });

test('each delivery tells the tracker how it first ended; the tracker then sends one signed event', async () => {
  const signalId = `sig_${crypto.randomBytes(6).toString('hex')}`;
  const tracker = signalTrackerWorkflowId(TENANT, signalId);
  const deliveries = [
    deliveryInput(plan('ep_000000000000000a', ok.url), { signalId, tracker }),
    deliveryInput(plan('ep_000000000000000b', failing.url), { signalId, tracker }),
    deliveryInput(plan('ep_000000000000000c', failing.url, true), { signalId, tracker }),
    deliveryInput(plan('ep_000000000000000d', ok.url), { signalId, tracker, rejection: 'payload too large' }),
  ].map((input) => ({ ...input, deliveryId: `dlv_${input.plan.endpoint.id}_${signalId}` }));

  const event = await stack.withWorker(async () => {
    const handle = await startTracker({
      tenantId: TENANT,
      signalId,
      deliveries: deliveries.map((d) => ({ deliveryId: d.deliveryId, endpointId: d.plan.endpoint.id })),
    });
    // A delivery of another signal, and a second report of one, change nothing.
    await handle.signal(deliveryEndedSignal, {
      deliveryId: 'dlv_ep_00000000000000ff_other',
      status: 'failed',
    });
    for (const input of deliveries) {
      await stack.client.workflow.start(deliveryWorkflow, {
        workflowId: input.deliveryId,
        taskQueue: stack.taskQueue,
        args: [input],
      });
    }
    return handle.result();
  });

  expect(event).toMatchObject({
    type: 'signal.completed',
    tenant_id: TENANT,
    signal_id: signalId,
    reached_all: false,
    delivered: 1,
  });
  expect(event!.deliveries.map((d) => d.status)).toEqual([
    'delivered',
    'failed',
    'dead_lettered',
    'rejected',
  ]);
  const posted = ops.requests.filter(
    (request) => JSON.parse(request.rawBody.toString()).signal_id === signalId,
  );
  expect(posted).toHaveLength(1);
  expect(JSON.parse(posted[0]!.rawBody.toString())).toEqual(event);
  expect(posted[0]!.headers['x-signal-push-signature']).toBe(
    crypto.createHmac('sha256', OPS_SECRET).update(posted[0]!.rawBody).digest('hex'),
  );
});

test('a tracker whose deliveries do not all end gives up after 30 days, sending nothing', async () => {
  const signalId = `sig_${crypto.randomBytes(6).toString('hex')}`;
  const result = await stack.withWorker(async () => {
    const handle = await startTracker({
      tenantId: TENANT,
      signalId,
      deliveries: [
        { deliveryId: `dlv_ep_000000000000000a_${signalId}`, endpointId: 'ep_000000000000000a' },
        { deliveryId: `dlv_ep_000000000000000b_${signalId}`, endpointId: 'ep_000000000000000b' },
      ],
    });
    await handle.signal(deliveryEndedSignal, {
      deliveryId: `dlv_ep_000000000000000a_${signalId}`,
      status: 'delivered',
    });
    await handle.signal(deliveryEndedSignal, {
      deliveryId: `dlv_ep_000000000000000a_${signalId}`,
      status: 'delivered',
    });
    const started = await stack.env.currentTimeMs();
    const result = await handle.result();
    expect((await stack.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(30 * 24 * 60 * 60 * 1000);
    return result;
  });
  expect(result).toBeNull();
  expect(ops.requests.some((request) => JSON.parse(request.rawBody.toString()).signal_id === signalId)).toBe(
    false,
  );
});
