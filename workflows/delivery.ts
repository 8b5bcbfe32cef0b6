import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { DELIVERY_FAILED, deliveryStateQuery, holdAnswerSignal, replaySignal } from './delivery-contract';
import { deliveryOutcomeSignal, holdCheckSignal } from './endpoint-health-contract';
import { endpointHealthWorkflowId } from './ids';
import { searchAttributes } from './search-attribute-keys';
import type {
  AttemptRecord,
  DeliveryInput,
  DeliveryPlan,
  DeliveryResult,
  DeliveryState,
  DeliveryStatus,
  HoldAnswer,
} from './delivery-contract';
import { SLOT_MISSED, SLOT_WINDOW_MS } from './rate-slots';

/** Headroom over the endpoint's own timeout, for connecting and reading the bounded body. */
const ACTIVITY_MARGIN_MS = 5_000;
const GONE = 410;
/**
 * Temporal timers shorter than about a second fire late on some servers, which would bunch up
 * rate-limited requests: a delivery sleeps durably only until this long before its slot, and the
 * attempt waits out the rest on the worker's clock.
 */
const PRECISE_WAIT_MS = 1_500;
/**
 * Deliveries started before this patch run each attempt as a regular activity; the others as a
 * local activity (see `runRound`). The id is recorded in history, so each replays the way it ran.
 */
const ATTEMPT_AS_LOCAL_ACTIVITY = 'attempt-as-local-activity';

const { loadDeliveryPlan } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
});

/**
 * Delivers one signal to one endpoint: one activity per attempt and durable timers between them, so
 * a worker crash neither loses the delivery nor restarts its schedule. When every attempt fails it
 * ends as failed, or with the dead-letter queue on waits for a replay until its retention runs out.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const state: DeliveryState = {
    deliveryId: input.deliveryId,
    status: 'pending',
    attempts: [],
    nextAttemptAt: null,
    deadLetteredAt: null,
    expiresAt: null,
    replays: 0,
    rejectedReason: null,
  };
  let replayRequested = false;
  let holdAnswer: HoldAnswer | undefined;
  // Whether the endpoint's health workflow must hear of a success (it only does while failing).
  let reportSuccess = input.endpointTroubled;
  // The rate-limit slot the next attempt was given, if any.
  let slotAt: string | null = null;
  setHandler(deliveryStateQuery, () => state);
  setHandler(replaySignal, () => {
    if (state.status === 'dead_lettered') replayRequested = true;
  });
  setHandler(holdAnswerSignal, (answer) => {
    holdAnswer = answer;
  });

  const setStatus = (status: DeliveryStatus): void => {
    state.status = status;
    upsertSearchAttributes([
      { key: searchAttributes.deliveryStatus, value: status },
      { key: searchAttributes.deliveryAttempts, value: state.attempts.length },
      {
        key: searchAttributes.deadLetteredAt,
        value: state.deadLetteredAt ? new Date(state.deadLetteredAt) : null,
      },
    ]);
  };
  // Inputs recorded before rejections, kinds and rate limits existed lack those fields: read them as
  // the defaults, so those histories replay to the same commands.
  if (input.rejection) {
    state.rejectedReason = input.rejection;
    setStatus('rejected');
    return state;
  }

  // Send-tests and one-off callbacks stand apart from the endpoint's health: nothing holds them and
  // their outcomes do not count towards a pause.
  const tracked = (input.kind ?? 'event') === 'event';
  const health = getExternalWorkflowHandle(endpointHealthWorkflowId(input.plan.endpoint.id));

  /**
   * Asks the endpoint's health workflow whether to go on: while it is paused, waits (held); under a
   * rate limit, waits for the slot it is given.
   */
  const waitUntilEndpointTakes = async (
    gone: boolean,
    rateLimitPerMinute: number | null,
    missedSlots = 0,
  ): Promise<'go' | 'endpoint_deleted'> => {
    holdAnswer = undefined;
    try {
      await health.signal(holdCheckSignal, {
        deliveryId: input.deliveryId,
        gone,
        rateLimitPerMinute,
        ...(missedSlots > 0 ? { missedSlots } : {}),
      });
    } catch {
      return 'go'; // no health workflow (an endpoint older than health tracking): nothing can hold it
    }
    await condition(() => holdAnswer !== undefined);
    if (!holdAnswer!.proceed) {
      setStatus('held');
      await condition(() => holdAnswer!.proceed);
    }
    if (holdAnswer!.consecutiveFailures > 0) reportSuccess = true;
    if (holdAnswer!.endpointDeleted) return 'endpoint_deleted';
    slotAt = holdAnswer!.notBefore;
    const wait = slotAt ? Date.parse(slotAt) - Date.now() : 0;
    if (wait > PRECISE_WAIT_MS) await sleep(wait - PRECISE_WAIT_MS);
    return 'go';
  };

  /** One round of attempts on the plan's schedule; true when one of them was delivered. */
  const runRound = async (plan: DeliveryPlan, askFirst: boolean): Promise<boolean> => {
    const attemptTimeout = plan.endpoint.timeoutMs + ACTIVITY_MARGIN_MS + PRECISE_WAIT_MS;
    // HTTP failures come back as results: these retries cover only an attempt that could not run.
    const retry = { initialInterval: '1s', maximumAttempts: 5 } as const;
    const regular = proxyActivities<ReturnType<typeof createActivities>>({
      startToCloseTimeout: attemptTimeout,
      // A worker lost mid-attempt stops heartbeating; the attempt is then redone within seconds.
      heartbeatTimeout: '5s',
      retry,
    });
    // A local activity runs inside the workflow task on the worker that holds it: no activity task
    // to queue, poll and record, so a delivery is one workflow task. Its result is recorded with the
    // task's completion; a worker lost mid-attempt lets the workflow task time out, and the next
    // worker replays to the attempt and makes it again (at least once, same delivery id).
    const local = proxyLocalActivities<ReturnType<typeof createActivities>>({
      startToCloseTimeout: attemptTimeout,
      retry,
    });
    const rateLimitPerMinute = plan.rateLimitPerMinute ?? null;
    let missedSlots = 0;
    for (let round = 0; round <= plan.retryDelaysMs.length; round++) {
      slotAt = null;
      if (tracked && (round > 0 || askFirst || rateLimitPerMinute !== null)) {
        const taken = await waitUntilEndpointTakes(false, rateLimitPerMinute, missedSlots);
        if (taken === 'endpoint_deleted') return false;
        if (state.status === 'held') setStatus('retrying');
      }
      const attempt = state.attempts.length + 1;
      const { attemptDelivery } = patched(ATTEMPT_AS_LOCAL_ACTIVITY) ? local : regular;
      const record = await runAttempt(attempt, () =>
        attemptDelivery({
          deliveryId: input.deliveryId,
          attempt,
          endpoint: plan.endpoint,
          payload: input.payload,
          notBefore: slotAt,
          notAfter: slotAt ? new Date(Date.parse(slotAt) + SLOT_WINDOW_MS).toISOString() : null,
        }),
      );
      if (record === SLOT_MISSED) {
        // Nothing was sent: the same attempt asks for a new slot.
        missedSlots += 1;
        round--;
        continue;
      }
      missedSlots = 0;
      state.attempts.push(record);
      if (record.error_kind === null) return true;
      if (tracked && record.http_status === GONE) {
        // The receiver says the endpoint is gone for good: pause it at once and hold this delivery,
        // which tries again from the same point of its schedule once someone resumes the endpoint.
        if ((await waitUntilEndpointTakes(true, rateLimitPerMinute)) === 'endpoint_deleted') return false;
        setStatus('retrying');
        round--;
        continue;
      }
      const scheduledMs = plan.retryDelaysMs[round];
      if (scheduledMs === undefined) break;
      // A receiver that asks for more time (429 or 503 with Retry-After) gets it, never less than the
      // schedule's own delay.
      const delayMs = Math.max(scheduledMs, record.retry_after_ms ?? 0);
      state.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
      setStatus('retrying');
      await sleep(delayMs);
      state.nextAttemptAt = null;
    }
    return false;
  };

  let plan = input.plan;
  let askFirst = input.endpointTroubled;
  for (;;) {
    const delivered = await runRound(plan, askFirst);
    if (delivered) {
      if (tracked && reportSuccess) await reportOutcome(health, input.deliveryId, true);
      state.deadLetteredAt = null;
      state.expiresAt = null;
      setStatus('delivered');
      return state;
    }
    if (tracked) await reportOutcome(health, input.deliveryId, false);
    if (!plan.deadLetterQueue) break;

    state.deadLetteredAt = new Date().toISOString();
    state.expiresAt = new Date(Date.now() + plan.deadLetterRetentionMs).toISOString();
    setStatus('dead_lettered');
    if (!(await condition(() => replayRequested, plan.deadLetterRetentionMs))) {
      state.expiresAt = null;
      setStatus('expired');
      return state;
    }
    replayRequested = false;
    state.replays += 1;
    setStatus('retrying');
    if (tracked) {
      const current = await loadDeliveryPlan({ tenantId: input.tenantId, endpointId: plan.endpoint.id });
      if (!current) break; // the endpoint was deleted
      plan = current;
      askFirst = true;
    }
  }

  setStatus('failed');
  const last = state.attempts[state.attempts.length - 1];
  throw ApplicationFailure.create({
    type: DELIVERY_FAILED,
    nonRetryable: true,
    // Status and kind only: the response body may carry personal data.
    message: `delivery failed after ${state.attempts.length} attempts (last: ${last?.error_kind}${
      last?.http_status ? ` ${last.http_status}` : ''
    })`,
    details: [state],
  });
}

async function reportOutcome(
  health: ReturnType<typeof getExternalWorkflowHandle>,
  deliveryId: string,
  delivered: boolean,
): Promise<void> {
  await health.signal(deliveryOutcomeSignal, { deliveryId, delivered }).catch(() => undefined);
}

/**
 * An attempt whose activity could not run at all still counts, so the schedule moves on; one that
 * reached its rate-limit slot too late sent nothing and does not count.
 */
async function runAttempt(
  attempt: number,
  run: () => Promise<AttemptRecord>,
): Promise<AttemptRecord | typeof SLOT_MISSED> {
  const startedAt = new Date().toISOString();
  try {
    return await run();
  } catch (error) {
    // A local activity's failure comes as it was thrown; a regular one's inside an ActivityFailure.
    const cause = error instanceof ActivityFailure ? error.cause : error;
    if (cause instanceof ApplicationFailure && cause.type === SLOT_MISSED) {
      return SLOT_MISSED;
    }
    return {
      attempt,
      started_at: startedAt,
      latency_ms: 0,
      http_status: null,
      error_kind: 'internal',
      response_body: '',
      retry_after_ms: null,
    };
  }
}
