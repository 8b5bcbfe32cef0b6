import {
  ApplicationFailure,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { DELIVERY_FAILED, deliveryStateQuery, searchAttributes } from './contract';
import type { AttemptRecord, DeliveryInput, DeliveryResult, DeliveryState, DeliveryStatus } from './contract';

/** Headroom over the endpoint's own timeout, for connecting and reading the bounded body. */
const ACTIVITY_MARGIN_MS = 5_000;

/**
 * Delivers one signal to one endpoint: one activity per attempt, durable timers between them, so a
 * worker crash neither loses the delivery nor restarts its schedule.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const { attemptDelivery } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: input.endpoint.timeoutMs + ACTIVITY_MARGIN_MS,
    // A worker lost mid-attempt stops heartbeating; the attempt is then redone within seconds.
    heartbeatTimeout: '5s',
    // These retries cover only a worker lost mid-attempt; HTTP failures come back as results.
    retry: { initialInterval: '1s', maximumAttempts: 5 },
  });

  const state: DeliveryState = {
    deliveryId: input.deliveryId,
    status: 'pending',
    attempts: [],
    nextAttemptAt: null,
  };
  setHandler(deliveryStateQuery, () => state);

  const setStatus = (status: DeliveryStatus): void => {
    state.status = status;
    upsertSearchAttributes([
      { key: searchAttributes.deliveryStatus, value: status },
      { key: searchAttributes.deliveryAttempts, value: state.attempts.length },
    ]);
  };

  const totalAttempts = input.retryDelaysMs.length + 1;
  for (let attempt = 1; attempt <= totalAttempts; attempt++) {
    const record = await runAttempt(attempt, () =>
      attemptDelivery({
        deliveryId: input.deliveryId,
        attempt,
        endpoint: input.endpoint,
        payload: input.payload,
      }),
    );
    state.attempts.push(record);
    if (record.error_kind === null) {
      setStatus('delivered');
      return state;
    }
    const delayMs = input.retryDelaysMs[attempt - 1];
    if (delayMs === undefined) break;
    state.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    setStatus('retrying');
    await sleep(delayMs);
    state.nextAttemptAt = null;
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

/** An attempt whose activity could not run at all still counts, so the schedule moves on. */
async function runAttempt(attempt: number, run: () => Promise<AttemptRecord>): Promise<AttemptRecord> {
  const startedAt = new Date().toISOString();
  try {
    return await run();
  } catch {
    return {
      attempt,
      started_at: startedAt,
      latency_ms: 0,
      http_status: null,
      error_kind: 'internal',
      response_body: '',
    };
  }
}
