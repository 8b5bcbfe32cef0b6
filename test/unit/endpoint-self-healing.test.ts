import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RecoveryDeps } from '../../activities';
import { hmacHex } from '../../activities/signature-schemes';
import type { DeliveryPlan } from '../../workflows/delivery-contract';
import { endpointHealthWorkflow } from '../../workflows/endpoint-health';
import {
  configureHealthSignal,
  deliveryOutcomeSignal,
  endpointHealthQuery,
  holdCheckSignal,
  pauseUpdate,
} from '../../workflows/endpoint-health-contract';
import type { RecoveryPlan } from '../../workflows/endpoint-recovery-contract';
import { deadLetterReplayWorkflowId, nextProbeDelayMs } from '../../workflows/endpoint-recovery-contract';
import { endpointHealthWorkflowId } from '../../workflows/ids';
import { PRESET_NAMES, baseDefaults, presetDefaults } from '../../src/endpoints/presets';
import { eventually } from '../helpers/eventually';
import { historyOf } from '../helpers/history';
import type { ReceivedRequest, Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PLAN: RecoveryPlan = {
  probeDelaysMs: [MIN, 5 * MIN, 30 * MIN, HOUR],
  maxProbes: 6,
  replaysPerMinute: 30,
};
const SECRET = 'self_healing_unit_secret';
const TENANT = 'ten_0123456789abcdef';

let stack: TimeSkippingStack;
let receiver: Receiver;
let ops: Receiver;
/** How each endpoint's n-th probe is answered (by the request path's endpoint id). */
const answers = new Map<string, (n: number) => number>();
const autoResume = new Map<string, boolean>();
const deadLetterCalls: Array<{ endpointId: string; since: string }> = [];
const probesOf = (endpointId: string): ReceivedRequest[] =>
  receiver.requests.filter((request) => request.path.endsWith(endpointId));

function snapshot(endpointId: string): DeliveryPlan {
  return {
    endpoint: {
      id: endpointId,
      url: `${receiver.url}/${endpointId}`,
      method: 'POST',
      headers: {},
      signature: { scheme: 'hex', header: 'X-PQ-Signature', body_field: null },
      secrets: [{ secret: SECRET, expiresAt: null }],
      timeoutMs: 5_000,
    },
    retryDelaysMs: [],
    deadLetterQueue: true,
    deadLetterRetentionMs: 7 * 24 * HOUR,
    rateLimitPerMinute: null,
  };
}

const recovery: RecoveryDeps = {
  plan: PLAN,
  probeTarget: async (_tenantId, endpointId) => ({
    plan: snapshot(endpointId),
    autoResume: autoResume.get(endpointId) ?? true,
  }),
  deadLetterIds: async (_tenantId, endpointId, since) => {
    deadLetterCalls.push({ endpointId, since });
    return [`dlv_${endpointId}_old`, `dlv_${endpointId}_newer`];
  },
};

beforeAll(async () => {
  [receiver, ops] = await Promise.all([
    startReceiver((request) => {
      const endpointId = request.path.split('/').pop()!;
      const n = probesOf(endpointId).length;
      return { status: answers.get(endpointId)?.(n) ?? 500 };
    }),
    startReceiver(),
  ]);
  stack = await startTimeSkipping(
    {},
    {
      recovery,
      notifications: { smtp: undefined, opsWebhook: { url: ops.url, secret: 'ops_webhook_unit_secret' } },
    },
  );
});
afterAll(async () => {
  await Promise.all([receiver?.close(), ops?.close()]);
  await stack?.stop();
});

/** A health workflow for a fresh endpoint, paused by a streak of two failures. */
async function pausedByStreak(answer: (n: number) => number, resumes = true) {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  answers.set(endpointId, answer);
  autoResume.set(endpointId, resumes);
  const handle = await stack.client.workflow.start(endpointHealthWorkflow, {
    workflowId: endpointHealthWorkflowId(endpointId),
    taskQueue: stack.taskQueue,
    args: [{ tenantId: TENANT, endpointId, threshold: 2 }],
  });
  for (const n of [1, 2]) {
    await handle.signal(deliveryOutcomeSignal, { deliveryId: `dlv_${endpointId}_${n}`, delivered: false });
  }
  return { endpointId, handle };
}

/** The waits (ms) of the workflow's timers, in the order they were started. */
async function timers(workflowId: string): Promise<number[]> {
  return (await historyOf(stack.client, workflowId))
    .map((event) => event.timerStartedEventAttributes?.startToFireTimeout)
    .filter((timeout) => timeout != null)
    .map((timeout) => Number(timeout!.seconds ?? 0) * 1000 + Math.round((timeout!.nanos ?? 0) / 1e6));
}

test('the schedule is its steps in turn, then its last step again, up to the limit', () => {
  expect([0, 1, 2, 3, 4, 5, 6].map((made) => nextProbeDelayMs(PLAN, made))).toEqual([
    MIN,
    5 * MIN,
    30 * MIN,
    HOUR,
    HOUR,
    HOUR,
    null,
  ]);
  expect(nextProbeDelayMs({ ...PLAN, probeDelaysMs: [] }, 0)).toBeNull();
});

test("self-healing is on without a preset and in the standard one, off in every seed's preset (each page has a person bring the endpoint back)", () => {
  expect(baseDefaults('X-PQ-Signature').auto_resume).toBe(true);
  expect(
    Object.fromEntries(PRESET_NAMES.map((name) => [name, presetDefaults(name, 'X').auto_resume])),
  ).toEqual({
    pq: false,
    prospektr: false,
    quintago: false,
    siggnal: false,
    leadsave: false,
    standard: true,
  });
});

test('a streak-paused endpoint is probed after 1, 5 and 30 min, then hourly; the first 2xx resumes it, held deliveries first, then its dead letters oldest first at the set rate', async () => {
  await stack.withWorker(async () => {
    const { endpointId, handle } = await pausedByStreak((n) => (n <= 4 ? 503 : 200));
    await handle.signal(holdCheckSignal, {
      deliveryId: `dlv_${endpointId}_held`,
      gone: false,
      rateLimitPerMinute: null,
    });
    const paused = await handle.query(endpointHealthQuery);
    expect(paused.paused?.reason).toBe('failure_streak');
    expect(paused.heldDeliveryIds).toEqual([`dlv_${endpointId}_held`]);

    // 1 + 5 + 30 + 60 + 60 min: the fifth probe is answered 200.
    for (let hour = 0; hour < 3 && (await handle.query(endpointHealthQuery)).paused; hour++) {
      await stack.env.sleep('1h');
    }
    const resumed = await handle.query(endpointHealthQuery);
    expect(resumed).toMatchObject({ paused: null, probe: null, consecutiveFailures: 0, heldDeliveryIds: [] });
    expect(await timers(handle.workflowId)).toEqual([MIN, 5 * MIN, 30 * MIN, HOUR, HOUR]);

    // Each probe: the marked event type and header, signed like a delivery to this endpoint.
    const probes = probesOf(endpointId);
    expect(probes).toHaveLength(5);
    for (const [index, probe] of probes.entries()) {
      expect(probe.headers['x-signal-push-probe']).toBe('1');
      expect(probe.headers['x-signal-push-attempt']).toBe(String(index + 1));
      expect(probe.headers['x-pq-signature']).toBe(hmacHex(SECRET, probe.rawBody));
      expect(JSON.parse(probe.rawBody.toString())).toMatchObject({
        type: 'signal_push.probe',
        endpoint_id: endpointId,
        probe: index + 1,
      });
    }

    // The held delivery was answered before the replay of the outage's dead letters was started.
    const events = await historyOf(stack.client, handle.workflowId);
    const released = events.findIndex(
      (event) =>
        event.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId ===
        `dlv_${endpointId}_held`,
    );
    const replayStarted = events.findIndex(
      (event) => event.startChildWorkflowExecutionInitiatedEventAttributes,
    );
    expect(released).toBeGreaterThan(-1);
    expect(replayStarted).toBeGreaterThan(released);

    const replay = stack.client.workflow.getHandle(deadLetterReplayWorkflowId(endpointId, paused.paused!.at));
    expect(await replay.result()).toEqual({ replayed: 2 });
    const replayEvents = await historyOf(stack.client, replay.workflowId);
    const replayed = replayEvents
      .map(
        (event) =>
          event.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId,
      )
      .filter(Boolean);
    expect(replayed).toEqual([`dlv_${endpointId}_old`, `dlv_${endpointId}_newer`]);
    expect(await timers(replay.workflowId)).toEqual([2_000]); // 30 a minute
    // Dead letters from the start of the streak (less a minute's margin for the report's order).
    const call = deadLetterCalls.find((c) => c.endpointId === endpointId)!;
    expect(Date.parse(paused.streakStartedAt!) - Date.parse(call.since)).toBe(MIN);

    // The owner's channel heard of the pause and of the recovery.
    const notices = ops.requests.map((request) => JSON.parse(request.rawBody.toString()));
    expect(notices.filter((notice) => notice.endpoint_id === endpointId)).toEqual([
      expect.objectContaining({ type: 'endpoint.paused', reason: 'failure_streak' }),
      expect.objectContaining({ type: 'endpoint.resumed', reason: 'recovered' }),
    ]);
  });
});

test("probes stop at the limit, and a person's pause or auto_resume off is never probed", async () => {
  await stack.withWorker(async () => {
    const hopeless = await pausedByStreak(() => 500);
    const switchedOff = await pausedByStreak(() => 200, false);
    const byPerson = await pausedByStreak(() => 200);
    // A person pauses it too, before its first probe: it waits for a person now. The pause waits
    // for the probe timer: cancelling an activity as it completes wedges the time-skipping server
    // (ACTIVITY_UNKNOWN, temporalio/sdk-java#2391), which Temporal's real server does not.
    await eventually(async () => (await byPerson.handle.query(endpointHealthQuery)).probe?.nextAt);
    await byPerson.handle.executeUpdate(pauseUpdate, { args: [{ reason: 'manual' }] });

    for (let hour = 0; hour < 6; hour++) await stack.env.sleep('1h');
    const [stopped, off, manual] = await Promise.all([
      hopeless.handle.query(endpointHealthQuery),
      switchedOff.handle.query(endpointHealthQuery),
      byPerson.handle.query(endpointHealthQuery),
    ]);
    expect(probesOf(hopeless.endpointId)).toHaveLength(PLAN.maxProbes);
    expect(stopped.paused?.reason).toBe('failure_streak');
    expect(stopped.probe).toMatchObject({ made: PLAN.maxProbes, nextAt: null });
    expect(await timers(hopeless.handle.workflowId)).toEqual([MIN, 5 * MIN, 30 * MIN, HOUR, HOUR, HOUR]);

    expect(off.paused?.reason).toBe('failure_streak');
    expect(probesOf(switchedOff.endpointId)).toHaveLength(0);
    expect(await timers(switchedOff.handle.workflowId)).toEqual([]);
    // Turned on while paused (the API signals its settings to the health workflow): probing starts.
    autoResume.set(switchedOff.endpointId, true);
    await switchedOff.handle.signal(configureHealthSignal, { threshold: 2 });
    await stack.env.sleep('1h');
    expect(probesOf(switchedOff.endpointId)).toHaveLength(1);
    expect((await switchedOff.handle.query(endpointHealthQuery)).paused).toBeNull();
    expect(manual.paused?.reason).toBe('manual');
    expect(probesOf(byPerson.endpointId)).toHaveLength(0);
    // Its probing had begun with the streak's pause; the person's pause ended it: six hours on, no
    // probe timer has fired.
    expect(manual.probe ?? null).toBeNull();
    const personEvents = await historyOf(stack.client, byPerson.handle.workflowId);
    expect(personEvents.some((event) => event.timerFiredEventAttributes)).toBe(false);

    // The owner's channel heard when self-healing gave up, and only then.
    const notices = (endpointId: string) =>
      ops.requests
        .map((request) => JSON.parse(request.rawBody.toString()))
        .filter((notice) => notice.endpoint_id === endpointId)
        .map(({ type, reason, probes }) => ({ type, reason, probes }));
    await eventually(async () => notices(hopeless.endpointId).length === 2);
    expect(notices(hopeless.endpointId)).toEqual([
      { type: 'endpoint.paused', reason: 'failure_streak', probes: undefined },
      { type: 'endpoint.probes_exhausted', reason: 'failure_streak', probes: PLAN.maxProbes },
    ]);
    expect(notices(switchedOff.endpointId).map(({ type }) => type)).toEqual([
      'endpoint.paused',
      'endpoint.resumed',
    ]);
    expect(notices(byPerson.endpointId).map(({ type }) => type)).toEqual(['endpoint.paused']);
  });
});
