import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { ENDPOINT_MISCONFIGURED } from './delivery-contract';
import type { AttemptErrorKind, AttemptRecord, DeliveryInput, EndpointSnapshot } from './delivery-contract';
import type { AttemptOutcome } from './delivery-policy';
import { PRECISE_WAIT_MS } from './endpoint-gate';
import { SLOT_MISSED, SLOT_WINDOW_MS } from './rate-slots';

/** Headroom over the endpoint's own timeout, for connecting and reading the bounded body. */
const ACTIVITY_MARGIN_MS = 5_000;
/**
 * Deliveries started before this patch run each attempt as a regular activity; the others as a
 * local activity. The id is recorded in history, so each replays the way it ran.
 */
const ATTEMPT_AS_LOCAL_ACTIVITY = 'attempt-as-local-activity';
/** HTTP failures come back as results: these retries cover only an attempt that could not run. */
const RETRY = { initialInterval: '1s', maximumAttempts: 5 } as const;

/** The longest an attempt's local activity may run: the endpoint's timeout and the margins around it. */
export const attemptDeadlineMs = (endpoint: Pick<EndpointSnapshot, 'timeoutMs'>): number =>
  endpoint.timeoutMs + ACTIVITY_MARGIN_MS + PRECISE_WAIT_MS;

/**
 * The workflow task timeout a delivery starts with: longer than its attempt, so the one task that
 * runs the attempt as a local activity never has to be kept alive by heartbeats meanwhile. On a
 * starved machine a late heartbeat let the task time out, and the attempt was made a second time.
 * The cost: a worker lost mid-attempt is noticed after this long, not after Temporal's default 10 s.
 * Temporal allows at most 120 s; an endpoint's timeout is at most 30 s.
 */
export const deliveryTaskTimeoutMs = (endpoint: Pick<EndpointSnapshot, 'timeoutMs'>): number =>
  Math.min(attemptDeadlineMs(endpoint) + TASK_MARGIN_MS, 120_000);

/** Headroom of a delivery's workflow task over its attempt: replaying the history, recording the result. */
const TASK_MARGIN_MS = 3_000;

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** What the delivery's log shows; none when nothing was sent (a missed slot). */
  record: AttemptRecord | null;
}

/**
 * Makes attempt number `attempt`, in the slot the endpoint's rate limit gave it (if any). An
 * attempt whose activity could not run at all still counts, so the schedule moves on; one that
 * reached its slot too late sent nothing and does not count. Cancellation goes through.
 */
export async function makeAttempt(
  input: DeliveryInput,
  endpoint: EndpointSnapshot,
  attempt: number,
  slotAt: string | null,
): Promise<AttemptResult> {
  const startToCloseTimeout = attemptDeadlineMs(endpoint);
  // A local activity runs inside the workflow task on the worker that holds it: no activity task
  // to queue, poll and record, so a delivery is one workflow task. Its result is recorded with the
  // task's completion; a worker lost mid-attempt lets the workflow task time out, and the next
  // worker replays to the attempt and makes it again (at least once, same delivery id).
  const { attemptDelivery } = patched(ATTEMPT_AS_LOCAL_ACTIVITY)
    ? proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout, retry: RETRY })
    : proxyActivities<ReturnType<typeof createActivities>>({
        startToCloseTimeout,
        // A worker lost mid-attempt stops heartbeating; the attempt is then redone within seconds.
        heartbeatTimeout: '5s',
        retry: RETRY,
      });
  const startedAt = new Date().toISOString();
  try {
    const record = await attemptDelivery({
      deliveryId: input.deliveryId,
      attempt,
      endpoint,
      payload: input.payload,
      notBefore: slotAt,
      notAfter: slotAt ? new Date(Date.parse(slotAt) + SLOT_WINDOW_MS).toISOString() : null,
    });
    if (record.error_kind === null) return { outcome: { kind: 'delivered' }, record };
    const { http_status: httpStatus, retry_after_ms: retryAfterMs } = record;
    return { outcome: { kind: 'failed', httpStatus, retryAfterMs }, record };
  } catch (error) {
    if (isCancellation(error)) throw error;
    // A local activity's failure comes as it was thrown; a regular one's inside an ActivityFailure.
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    if (type === SLOT_MISSED) return { outcome: { kind: 'slot_missed' }, record: null };
    const misconfigured = type === ENDPOINT_MISCONFIGURED;
    const record = failedToRun(attempt, startedAt, misconfigured ? 'misconfigured' : 'internal');
    return {
      outcome: misconfigured
        ? { kind: 'misconfigured' }
        : { kind: 'failed', httpStatus: null, retryAfterMs: null },
      record,
    };
  }
}

function failedToRun(attempt: number, startedAt: string, errorKind: AttemptErrorKind): AttemptRecord {
  return {
    attempt,
    started_at: startedAt,
    latency_ms: 0,
    http_status: null,
    error_kind: errorKind,
    response_body: '',
    retry_after_ms: null,
  };
}
