import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deliveryStateQuery } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { endpointHealthWorkflow } from '../../workflows/endpoint-health';
import {
  ASK_AGAIN_AFTER_MS,
  endpointHealthQuery,
  MAX_HELD_DELIVERIES,
  resumeUpdate,
} from '../../workflows/endpoint-health-contract';
import { endpointHealthWorkflowId } from '../../workflows/ids';
import { deliveryInput } from '../helpers/delivery-input';
import { historyOf } from '../helpers/history';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

let stack: TimeSkippingStack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startTimeSkipping();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

test('a paused endpoint keeps at most its limit of held deliveries; one more asks again later, and is delivered once resumed', async () => {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  const tenantId = 'ten_0123456789abcdef';
  // Paused, with as many deliveries held as it keeps (they are made up: nothing answers for them).
  const full = Array.from({ length: MAX_HELD_DELIVERIES }, (_, i) => `dlv_${endpointId}_sig_held_${i}`);
  const health = await stack.client.workflow.start(endpointHealthWorkflow, {
    workflowId: endpointHealthWorkflowId(endpointId),
    taskQueue: stack.taskQueue,
    args: [
      {
        tenantId,
        endpointId,
        threshold: 20,
        paused: { reason: 'manual', at: new Date().toISOString() },
        heldDeliveryIds: full,
      },
    ],
  });
  const delivery = deliveryInput(
    {
      endpoint: {
        id: endpointId,
        url: receiver.url,
        method: 'POST',
        headers: {},
        signature: { scheme: 'hex', header: 'X-Signature', body_field: null },
        secrets: [],
        timeoutMs: 5_000,
      },
      retryDelaysMs: [],
      deadLetterQueue: false,
      deadLetterRetentionMs: 0,
      rateLimitPerMinute: null,
    },
    { tenantId, endpointTroubled: true },
  );

  const state = await stack.withWorker(async () => {
    const handle = await stack.client.workflow.start(deliveryWorkflow, {
      workflowId: delivery.deliveryId,
      taskQueue: stack.taskQueue,
      args: [delivery],
    });
    // Refused a place on the full list, it waits as held, and the list does not grow.
    await stack.env.sleep(ASK_AGAIN_AFTER_MS / 2);
    expect((await handle.query(deliveryStateQuery)).status).toBe('held');
    expect((await health.query(endpointHealthQuery)).heldDeliveryIds).toHaveLength(MAX_HELD_DELIVERIES);
    // Resumed, the endpoint calls back the held ones (test/unit/endpoint-pause-rules.test.ts), all
    // in one workflow task. This one is not among them, and hears of the resume when it asks again.
    await health.executeUpdate(resumeUpdate, { args: [] });
    return handle.result();
  });
  const released = (await historyOf(stack.client, health.workflowId))
    .map((event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes)
    .filter((signal) => signal && full.includes(signal.workflowExecution?.workflowId ?? ''));
  expect(released).toHaveLength(MAX_HELD_DELIVERIES);
  expect(new Set(released.map((signal) => String(signal!.workflowTaskCompletedEventId))).size).toBe(1);
  expect(state.status).toBe('delivered');
  expect(receiver.requests).toHaveLength(1);
  const history = await stack.client.workflow.getHandle(delivery.deliveryId).fetchHistory();
  const timers = (history.events ?? [])
    .filter((event) => event.timerStartedEventAttributes)
    .map((event) => Number(event.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000);
  expect(timers).toEqual([ASK_AGAIN_AFTER_MS]);
}, 60_000);
