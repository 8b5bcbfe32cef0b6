import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { retryScheduleSeconds } from '../../src/deliveries/retry-schedule';
import type { PresetName } from '../../src/endpoints/presets';
import { presetDefaults } from '../../src/endpoints/presets';
import type { EndpointDirectory } from '../../activities';
import type { DeliveryInput, DeliveryPlan, DeliveryState } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import type { Receiver } from '../helpers/receiver';
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
let answer: (n: number) => number = () => 200;

// Deliveries here are run as the workflow does in production, with their real schedules; a replay's
// fresh plan is not read here, so the directory answers nothing.
const noDirectory: EndpointDirectory = {
  deliveryPlan: async () => null,
  endpointLabel: async () => undefined,
  ownerEmail: async () => undefined,
  setEndpointHealth: async () => undefined,
};

beforeAll(async () => {
  stack = await startTimeSkipping(noDirectory);
  receiver = await startReceiver((request) => ({ status: answer(request.n) }));
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

function input(plan: Partial<DeliveryPlan>, signature = HEX_SIGNED): DeliveryInput {
  const signalId = `sig_${randomBytes(6).toString('hex')}`;
  return {
    deliveryId: `dlv_ep_0123456789abcdef_${signalId}`,
    tenantId: 'ten_0123456789abcdef',
    signalId,
    kind: 'event',
    payload: { signal_id: signalId },
    rejection: null,
    endpointTroubled: false,
    plan: {
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
    },
  };
}

async function timersOf(workflowId: string): Promise<number[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.timerStartedEventAttributes)
    .map((event) => Number(event.timerStartedEventAttributes!.startToFireTimeout!.seconds));
}

/** Each seed page's retry schedule, in seconds, as the page states it. */
const PAGE_SCHEDULES: Array<[PresetName, string, number[]]> = [
  ['pq', 'PQ Intel: "up to 3 times with exponential backoff (1s, 5s, 30s)"', [1, 5, 30]],
  ['siggnal', 'Siggnal: "retries up to 3 times using exponential backoff" (1 s, 5 s, 30 s)', [1, 5, 30]],
  [
    'leadsave',
    'the lead-save API: "retried up to 3 times with exponential backoff" (1 s, 5 s, 30 s)',
    [1, 5, 30],
  ],
  [
    'quintago',
    'QuintaGo: "up to 5 times with exponential backoff (5s, 25s, 2m, 10m, 30m)"',
    [5, 25, 120, 600, 1800],
  ],
  ['prospektr', 'Prospektr: one attempt, no retry', []],
];

test.each(PAGE_SCHEDULES)(
  "preset %s (%s): a failing endpoint is retried on timers of exactly the page's steps, then fails",
  async (preset, _page, steps) => {
    const before = receiver.requests.length;
    answer = () => 503;
    const policy = presetDefaults(preset, 'X-Signature').retry_policy;
    const delivery = input({ retryDelaysMs: retryScheduleSeconds(policy).map((s) => s * 1000) });
    const failure = await stack
      .withWorker(() =>
        stack.client.workflow.execute(deliveryWorkflow, {
          workflowId: delivery.deliveryId,
          taskQueue: stack.taskQueue,
          args: [delivery],
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(receiver.requests.length - before).toBe(1 + steps.length);
    expect(await timersOf(delivery.deliveryId)).toEqual(steps);
    const described = await stack.client.workflow.getHandle(delivery.deliveryId).describe();
    expect(described.status.name).toBe('FAILED');
  },
);

test("QuintaGo's schedule runs on real timers: a receiver back after the 5th retry gets the delivery", async () => {
  const before = receiver.requests.length;
  answer = (n) => (n - before <= 5 ? 500 : 200);
  const delivery = input({ retryDelaysMs: [5, 25, 120, 600, 1800].map((s) => s * 1000) });
  const state = await stack.withWorker(() =>
    stack.client.workflow.execute(deliveryWorkflow, {
      workflowId: delivery.deliveryId,
      taskQueue: stack.taskQueue,
      args: [delivery],
    }),
  );
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
  const state: DeliveryState = await stack.withWorker(() =>
    stack.client.workflow.execute(deliveryWorkflow, {
      workflowId: delivery.deliveryId,
      taskQueue: stack.taskQueue,
      args: [delivery],
    }),
  );
  expect(state.status).toBe('expired');
  expect(state.attempts).toEqual([expect.objectContaining({ attempt: 1, error_kind: 'misconfigured' })]);
  expect(receiver.requests.length).toBe(before);
  // The only timer is the dead letter's retention: no retry waited.
  expect(await timersOf(delivery.deliveryId)).toEqual([7 * 24 * 60 * 60]);
});
