import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeliveryInput, DeliveryPlan, DeliveryState } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { deliveryInput } from '../helpers/delivery-input';
import type { Receiver, Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

const DAY_MS = 24 * 60 * 60 * 1000;
type Signing = Pick<DeliveryPlan['endpoint'], 'signature' | 'secrets'>;
const HEX_SIGNED: Signing = {
  signature: { scheme: 'hex', header: 'X-PQ-Signature', body_field: null },
  secrets: [{ secret: 'pq_unit_test_secret', expiresAt: null }],
};
let stack: TimeSkippingStack;
let receiver: Receiver;
/** How the receiver answers the n-th request (1-based); 200 by default. */
let answer: (n: number) => Reply = () => ({ status: 200 });

// Deliveries here are run as the workflow does in production, with their real schedules; a replay's
// fresh plan is not read here, so the directory answers nothing.

beforeAll(async () => {
  stack = await startTimeSkipping();
  receiver = await startReceiver((request) => answer(request.n));
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

function input(plan: Partial<DeliveryPlan>, signature = HEX_SIGNED): DeliveryInput {
  return deliveryInput({
    endpoint: {
      id: 'ep_0123456789abcdef',
      url: receiver.url,
      method: 'POST',
      headers: {},
      ...signature,
      timeoutMs: 5_000,
    },
    retryDelaysMs: [],
    deadLetterQueue: false,
    deadLetterRetentionMs: 7 * DAY_MS,
    rateLimitPerMinute: null,
    ...plan,
  });
}

async function timersOf(workflowId: string): Promise<number[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.timerStartedEventAttributes)
    .map((event) => Number(event.timerStartedEventAttributes!.startToFireTimeout!.seconds));
}

/** Runs the delivery to its end: its state, delivered or failed. */
async function run(delivery: DeliveryInput): Promise<DeliveryState> {
  return stack
    .withWorker(() =>
      stack.client.workflow.execute(deliveryWorkflow, {
        workflowId: delivery.deliveryId,
        taskQueue: stack.taskQueue,
        args: [delivery],
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof WorkflowFailedError)) throw error;
      return (error.cause as { details?: unknown[] }).details![0] as DeliveryState;
    });
}

test("QuintaGo's schedule runs on real timers: a receiver back after the 5th retry gets the delivery", async () => {
  const before = receiver.requests.length;
  answer = (n) => ({ status: n - before <= 5 ? 500 : 200 });
  const delivery = input({ retryDelaysMs: [5, 25, 120, 600, 1800].map((s) => s * 1000) });
  const state = await run(delivery);
  expect(state.status).toBe('delivered');
  expect(state.attempts.map((a) => a.http_status)).toEqual([500, 500, 500, 500, 500, 200]);
  expect(await timersOf(delivery.deliveryId)).toEqual([5, 25, 120, 600, 1800]);
});

test('a secret that cannot sign is not retried: dead-lettered at once, expired after its 7 days', async () => {
  const before = receiver.requests.length;
  const delivery = input(
    { retryDelaysMs: [5_000, 25_000], deadLetterQueue: true },
    {
      signature: { scheme: 'standard_webhooks', header: '', body_field: null },
      secrets: [{ secret: 'not-a-standard-secret', expiresAt: null }],
    },
  );
  const state = await run(delivery);
  expect(state.status).toBe('expired');
  expect(state.attempts).toEqual([expect.objectContaining({ attempt: 1, error_kind: 'misconfigured' })]);
  expect(receiver.requests.length).toBe(before);
  // The only timer is the dead letter's retention: no retry waited.
  expect(await timersOf(delivery.deliveryId)).toEqual([7 * 24 * 60 * 60]);
});

// On the default schedule of 1 s, 5 s and 30 s; a 429 or 503 may ask for more time, never less.
describe("a receiver's Retry-After", () => {
  test.each([429, 503])(
    'after a %i asking for 120 s, the next attempt waits 120 s, not 1 s',
    async (status) => {
      const before = receiver.requests.length;
      answer = (n) => (n === before + 1 ? { status, headers: { 'retry-after': '120' } } : { status: 200 });
      const delivery = input({ retryDelaysMs: [1_000, 5_000, 30_000] });
      const state = await run(delivery);
      expect(state.status).toBe('delivered');
      expect(state.attempts.map((a) => [a.http_status, a.retry_after_ms])).toEqual([
        [status, 120_000],
        [200, null],
      ]);
      expect(await timersOf(delivery.deliveryId)).toEqual([120]);
    },
  );

  test('after a 500 it is not honoured: the retry comes at the schedule’s pace', async () => {
    const before = receiver.requests.length;
    answer = (n) => (n === before + 1 ? { status: 500, headers: { 'retry-after': '20' } } : { status: 200 });
    const delivery = input({ retryDelaysMs: [1_000, 5_000, 30_000] });
    const state = await run(delivery);
    expect(state.attempts.map((a) => [a.http_status, a.retry_after_ms])).toEqual([
      [500, null],
      [200, null],
    ]);
    expect(await timersOf(delivery.deliveryId)).toEqual([1]);
  });

  test('on the last attempt it adds no attempt and no wait: the delivery fails at once', async () => {
    const before = receiver.requests.length;
    answer = (n) => ({ status: 429, headers: { 'retry-after': n === before + 1 ? '1' : '60' } });
    const delivery = input({ retryDelaysMs: [1_000] });
    const state = await run(delivery);
    expect(state.status).toBe('failed');
    expect(state.attempts.map((a) => [a.http_status, a.retry_after_ms])).toEqual([
      [429, 1000],
      [429, 60_000],
    ]);
    expect(await timersOf(delivery.deliveryId)).toEqual([1]);
    expect(receiver.requests.length - before).toBe(2);
  });
});
