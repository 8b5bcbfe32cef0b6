import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deliveryStateQuery } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { endpointHealthWorkflow } from '../../workflows/endpoint-health';
import {
  deliveryOutcomeSignal,
  endpointHealthQuery,
  pauseUpdate,
  resumeUpdate,
} from '../../workflows/endpoint-health-contract';
import { endpointHealthWorkflowId } from '../../workflows/ids';
import { deliveryInput } from '../helpers/delivery-input';
import { historyOf, signalsHandled } from '../helpers/history';
import type { Receiver, Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

// An endpoint's health workflow and the deliveries that report to it, on the time-skipping server:
// the consecutive-failure streak that pauses an endpoint, and what a pause does to its deliveries.

const TENANT = 'ten_0123456789abcdef';

/** How each endpoint's receiver answers its n-th request, 1-based (by the endpoint id in the path). */
const answers = new Map<string, (n: number) => Reply>();
let stack: TimeSkippingStack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startTimeSkipping();
  receiver = await startReceiver((request) => {
    const endpointId = request.path.split('/').pop()!;
    return answers.get(endpointId)?.(requestsTo(endpointId).length) ?? { status: 200 };
  });
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const requestsTo = (endpointId: string) => receiver.requests.filter((r) => r.path.endsWith(`/${endpointId}`));

async function healthOf(threshold: number | null, answer: (n: number) => Reply = () => ({ status: 200 })) {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  answers.set(endpointId, answer);
  const handle = await stack.client.workflow.start(endpointHealthWorkflow, {
    workflowId: endpointHealthWorkflowId(endpointId),
    taskQueue: stack.taskQueue,
    args: [{ tenantId: TENANT, endpointId, threshold }],
  });
  return { endpointId, handle };
}

/** What the streak and the pause look like once every outcome sent so far has been counted. */
async function healthNow(handle: WorkflowHandle<typeof endpointHealthWorkflow>) {
  await signalsHandled(stack.client, handle.workflowId);
  const { consecutiveFailures, paused } = await handle.query(endpointHealthQuery);
  return { consecutiveFailures, paused: paused?.reason ?? null };
}

const report = (handle: WorkflowHandle<typeof endpointHealthWorkflow>, delivered: boolean) =>
  handle.signal(deliveryOutcomeSignal, { deliveryId: `dlv_${randomBytes(6).toString('hex')}`, delivered });

/** A delivery to the endpoint, started as the intake starts it. */
async function startDelivery(
  endpointId: string,
  options: { troubled: boolean; retryDelaysMs?: number[] },
): Promise<WorkflowHandle<typeof deliveryWorkflow>> {
  const input = deliveryInput(
    {
      endpoint: {
        id: endpointId,
        url: `${receiver.url}/${endpointId}`,
        method: 'POST',
        headers: {},
        signature: { scheme: 'none', header: 'X-Signature', body_field: null },
        secrets: [],
        timeoutMs: 5_000,
      },
      retryDelaysMs: options.retryDelaysMs ?? [],
      deadLetterQueue: false,
      deadLetterRetentionMs: 0,
      rateLimitPerMinute: null,
    },
    { tenantId: TENANT, endpointTroubled: options.troubled },
  );
  return stack.client.workflow.start(deliveryWorkflow, {
    workflowId: input.deliveryId,
    taskQueue: stack.taskQueue,
    args: [input],
  });
}

async function statusWhen(handle: WorkflowHandle<typeof deliveryWorkflow>, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await handle.query(deliveryStateQuery)).status !== status) {
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} never became ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ended = (handle: WorkflowHandle<typeof deliveryWorkflow>) =>
  handle.result().then(
    (state) => state.status,
    () => 'failed',
  );

/** Reports `count` failed deliveries at once: each counts, whatever the order they arrive in. */
const failures = (handle: WorkflowHandle<typeof endpointHealthWorkflow>, count: number) =>
  Promise.all(Array.from({ length: count }, () => report(handle, false)));

test.each([
  [3, "an owner's threshold"],
  [20, 'PQ Intel: "After 20 consecutive failures … PQ Intel pauses the webhook"'],
  [100, 'QuintaGo: "An endpoint is automatically disabled after 100 consecutive failures"'],
])('pauses at exactly the last of %i consecutive failed deliveries (%s)', async (threshold) => {
  await stack.withWorker(async () => {
    const { handle } = await healthOf(threshold);
    await failures(handle, threshold - 1);
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: threshold - 1, paused: null });
    await report(handle, false);
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: threshold, paused: 'failure_streak' });
  });
});

test('an endpoint without a threshold (Prospektr) is never paused by its failures', async () => {
  await stack.withWorker(async () => {
    const { handle } = await healthOf(null);
    await failures(handle, 25);
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 25, paused: null });
  });
});

test('a success resets the streak, so failures must be consecutive to pause', async () => {
  await stack.withWorker(async () => {
    const { handle } = await healthOf(3);
    for (const delivered of [false, false, true, false, false]) await report(handle, delivered);
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 2, paused: null });
  });
});

test('a delivery counts once, when its round has failed, however many attempts it made', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await healthOf(3, () => ({ status: 500 }));
    for (const n of [1, 2]) {
      expect(await ended(await startDelivery(endpointId, { troubled: n > 1, retryDelaysMs: [1_000] }))).toBe(
        'failed',
      );
    }
    expect(requestsTo(endpointId)).toHaveLength(4);
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 2, paused: null });
    await ended(await startDelivery(endpointId, { troubled: true, retryDelaysMs: [1_000] }));
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 3, paused: 'failure_streak' });
  });
});

test('a delivery that found its endpoint failing reports its success, which ends the streak', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await healthOf(3);
    await report(handle, false);
    await report(handle, false);
    expect(await ended(await startDelivery(endpointId, { troubled: true }))).toBe('delivered');
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 0, paused: null });
  });
});

test('while paused, new and retrying deliveries are held; on resume each is delivered once and the streak restarts', async () => {
  await stack.withWorker(async () => {
    // The first request fails: its delivery waits a minute to retry when the endpoint is paused.
    const { endpointId, handle } = await healthOf(20, (n) => ({ status: n === 1 ? 500 : 200 }));
    const retrying = await startDelivery(endpointId, { troubled: false, retryDelaysMs: [60_000] });
    await statusWhen(retrying, 'retrying');
    await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'manual' }] });
    const fresh = [];
    for (let i = 0; i < 3; i++) fresh.push(await startDelivery(endpointId, { troubled: true }));
    await stack.env.sleep(60_000);
    for (const delivery of [retrying, ...fresh]) await statusWhen(delivery, 'held');
    expect(requestsTo(endpointId)).toHaveLength(1);
    expect((await handle.query(endpointHealthQuery)).heldDeliveryIds).toHaveLength(4);

    expect(await handle.executeUpdate(resumeUpdate, { args: [] })).toMatchObject({
      paused: null,
      consecutiveFailures: 0,
      heldDeliveryIds: [],
    });
    for (const delivery of [retrying, ...fresh]) expect(await ended(delivery)).toBe('delivered');
    const deliveredIds = requestsTo(endpointId)
      .slice(1)
      .map((r) => r.headers['x-signal-push-delivery-id']);
    expect(deliveredIds.sort()).toEqual([retrying, ...fresh].map((d) => d.workflowId).sort());
  });
});

test('a 410 Gone pauses the endpoint at once and holds the delivery; resumed, it goes on without waiting', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await healthOf(20, (n) => ({ status: n === 1 ? 410 : 200 }));
    const delivery = await startDelivery(endpointId, { troubled: false, retryDelaysMs: [5_000, 25_000] });
    await statusWhen(delivery, 'held');
    expect(await healthNow(handle)).toEqual({ consecutiveFailures: 0, paused: 'gone' });
    expect(requestsTo(endpointId)).toHaveLength(1);

    await handle.executeUpdate(resumeUpdate, { args: [] });
    const state = await delivery.result();
    expect(state.attempts.map((a) => a.http_status)).toEqual([410, 200]);
    // It picks its schedule up where it stood: no retry timer was waited.
    const timers = (await historyOf(stack.client, delivery.workflowId)).filter(
      (event) => event.timerStartedEventAttributes,
    );
    expect(timers).toEqual([]);
  });
});
