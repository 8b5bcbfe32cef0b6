import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { EndpointDirectory } from '../../activities';
import type { DeliveryPlan, DeliveryState } from '../../workflows/delivery-contract';
import { deliveryStateQuery, replaySignal } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { deliveryInput } from '../helpers/delivery-input';
import { historyOf } from '../helpers/history';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

// The dead-letter queue on the time-skipping server: a round that fails waits as a dead letter for
// its retention; a replay runs a fresh round under the endpoint's settings as they are then.

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_MS = 7 * DAY_MS;
const RETRY_MS = 30_000;

/** The endpoint's current plan, as the tenant store would answer a replay's read of it. */
const currentPlans = new Map<string, DeliveryPlan>();
const directory: Partial<EndpointDirectory> = {
  deliveryPlan: async (_tenantId, endpointId) => currentPlans.get(endpointId) ?? null,
};

let stack: TimeSkippingStack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startTimeSkipping(directory);
  receiver = await startReceiver((request) => ({ status: request.path.endsWith('/down') ? 500 : 200 }));
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

function plan(endpointId: string, path: string): DeliveryPlan {
  return {
    endpoint: {
      id: endpointId,
      url: `${receiver.url}/${endpointId}${path}`,
      method: 'POST',
      headers: {},
      signature: { scheme: 'none', header: 'X-Signature', body_field: null },
      secrets: [],
      timeoutMs: 5_000,
    },
    // One retry, and the queue on.
    retryDelaysMs: [RETRY_MS],
    deadLetterQueue: true,
    deadLetterRetentionMs: RETENTION_MS,
    rateLimitPerMinute: null,
  };
}

/** A delivery to an endpoint that is down, run until it is a dead letter. */
async function deadLetter() {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  const input = deliveryInput(plan(endpointId, '/down'));
  currentPlans.set(endpointId, input.plan);
  const handle = await stack.client.workflow.start(deliveryWorkflow, {
    workflowId: input.deliveryId,
    taskQueue: stack.taskQueue,
    args: [input],
  });
  // Past the retry's timer: the second attempt fails too, and the round is over.
  await skipRetry(handle, 1);
  const state = await stateWhen(handle, ({ status }) => status === 'dead_lettered');
  return { endpointId, handle, state };
}

/** Polls the delivery's state until `done` holds: what follows a signal or a timer takes a moment. */
async function stateWhen(
  handle: WorkflowHandle<typeof deliveryWorkflow>,
  done: (state: DeliveryState) => boolean,
): Promise<DeliveryState> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = await handle.query(deliveryStateQuery);
    if (done(state)) return state;
    if (Date.now() > deadline) throw new Error(`delivery still ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the retry timer after attempt number `attempts`, and skips past it. */
async function skipRetry(handle: WorkflowHandle<typeof deliveryWorkflow>, attempts: number): Promise<void> {
  await stateWhen(handle, (state) => state.nextAttemptAt !== null && state.attempts.length === attempts);
  await stack.env.sleep(RETRY_MS);
}

const requestsTo = (endpointId: string, path: string) =>
  receiver.requests.filter((request) => request.path === `/hook/${endpointId}${path}`);

test('a round that exhausts its retries waits as a dead letter until its retention runs out, then expires', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle, state } = await deadLetter();
    expect(state.attempts.map((a) => a.http_status)).toEqual([500, 500]);
    expect(Date.parse(state.expiresAt!) - Date.parse(state.deadLetteredAt!)).toBe(RETENTION_MS);
    const expired = await handle.result();
    expect(expired).toMatchObject({ status: 'expired', replays: 0, expiresAt: null });
    expect(requestsTo(endpointId, '/down')).toHaveLength(2);
    const timers = (await historyOf(stack.client, handle.workflowId))
      .map((event) => event.timerStartedEventAttributes?.startToFireTimeout?.seconds)
      .filter((seconds) => seconds != null)
      .map(Number);
    // The retry's wait, then the dead letter's for a replay, which ran out.
    expect(timers).toEqual([RETRY_MS / 1000, RETENTION_MS / 1000]);
  });
});

test("a replay runs a fresh round under the endpoint's current URL and ends delivered", async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await deadLetter();
    currentPlans.set(endpointId, plan(endpointId, '/moved'));
    await handle.signal(replaySignal);
    const done = await handle.result();
    expect(done).toMatchObject({ status: 'delivered', replays: 1, deadLetteredAt: null, expiresAt: null });
    expect(done.attempts.map((a) => [a.attempt, a.http_status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    const [moved] = requestsTo(endpointId, '/moved');
    expect(moved!.headers['x-signal-push-delivery-id']).toBe(handle.workflowId);
    expect(requestsTo(endpointId, '/down')).toHaveLength(2);
  });
});

test('a replay that fails again runs its whole round, and dead-letters the delivery again', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await deadLetter();
    await handle.signal(replaySignal);
    await skipRetry(handle, 3);
    const again = await stateWhen(handle, ({ status }) => status === 'dead_lettered');
    expect(again.replays).toBe(1);
    expect(again.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(requestsTo(endpointId, '/down')).toHaveLength(4);
    await handle.terminate();
  });
});

test('a replay of an endpoint deleted meanwhile ends the delivery as failed, with nothing sent', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await deadLetter();
    currentPlans.delete(endpointId);
    await handle.signal(replaySignal);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('FAILED');
    expect(requestsTo(endpointId, '/down')).toHaveLength(2);
  });
});
