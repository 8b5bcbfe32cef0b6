import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DELIVERY_FAILED } from '../../workflows/delivery-contract';
import { deliveryWorkflowId } from '../../workflows/ids';
import type { DeliveryState } from '../../workflows/delivery-contract';
import type { EndpointRecord } from '../../workflows/records';
import type { EventType } from '../events';
import { eventTypeSpec } from '../events';
import { testPlan } from './delivery-plan';
import type { RenderTenant } from './render-for-endpoint';
import { renderForEndpoint } from './render-for-endpoint';
import type { DeliverySettings, DeliveryStarts } from './start-deliveries';
import { startDelivery } from './start-deliveries';

export interface TestResult {
  delivery_id: string;
  event_type: string;
  delivered: boolean;
  http_status: number | null;
  latency_ms: number | null;
  error_kind: string | null;
  response_body: string;
  rejected: string | null;
}

/** Headroom over the endpoint's timeout for starting the workflow and running its one attempt. */
const TEST_MARGIN_MS = 15_000;

/**
 * A send-test: a sample event of the given type, rendered and signed exactly as a real one, sent
 * once (no retries, no dead letter, no effect on the endpoint's health), and its outcome awaited.
 * It is logged like any delivery, marked `test`.
 */
export async function sendTest(
  starts: DeliveryStarts,
  settings: DeliverySettings,
  tenant: RenderTenant,
  endpoint: EndpointRecord,
  type: EventType,
): Promise<TestResult> {
  const spec = eventTypeSpec(type)!;
  const id = `test_${randomBytes(8).toString('hex')}`;
  const sample = spec.sample();
  const data = spec.idField ? { ...sample, [spec.idField]: id } : sample;
  const event = { id, type, occurredAt: new Date().toISOString(), data };
  const { payload, rejection } = renderForEndpoint(event, tenant, endpoint, settings.maxPayloadBytes);
  const plan = testPlan(endpoint, settings);
  const deliveryId = deliveryWorkflowId(endpoint.id, id);
  await startDelivery(starts, settings.taskQueue, {
    deliveryId,
    tenantId: tenant.id,
    signalId: id,
    eventType: type,
    kind: 'test',
    plan,
    payload,
    rejection,
    endpointTroubled: false,
    // Someone is waiting on the answer.
    lane: 'hot',
  });
  const state = await outcome(starts.client, deliveryId, endpoint.timeout_seconds * 1000 + TEST_MARGIN_MS);
  const attempt = state.attempts[state.attempts.length - 1];
  return {
    delivery_id: deliveryId,
    event_type: type,
    delivered: state.status === 'delivered',
    http_status: attempt?.http_status ?? null,
    latency_ms: attempt?.latency_ms ?? null,
    error_kind: attempt?.error_kind ?? null,
    response_body: attempt?.response_body ?? '',
    rejected: state.rejectedReason,
  };
}

/** A delivery's final state, whether it completed (delivered, rejected) or failed. */
async function outcome(client: Client, deliveryId: string, timeoutMs: number): Promise<DeliveryState> {
  const handle = client.workflow.getHandle(deliveryId);
  try {
    return (await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      handle.result(),
    )) as DeliveryState;
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === DELIVERY_FAILED) {
      return cause.details?.[0] as DeliveryState;
    }
    throw error;
  }
}
