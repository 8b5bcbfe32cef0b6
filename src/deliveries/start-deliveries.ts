import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { deliveryWorkflowId } from '../../workflows/ids';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { DeliveryInput } from '../../workflows/delivery-contract';
import type { EndpointRecord } from '../../workflows/records';
import { deliveryWorkflow } from '../../workflows/delivery';
import { deliveryTaskTimeoutMs } from '../../workflows/delivery-attempt';
import type { Lane } from './delivery-lane';
import type { StartAdmission } from './start-admission';
import { deliveryPriority, laneOf } from './delivery-lane';
import type { PlanSettings } from './delivery-plan';
import { deliveryPlan } from './delivery-plan';
import { orderingKeyOf, queueInOrder, sequencerIdOf } from './ordering-key';
import type { AcceptedEvent, RenderTenant } from './render-for-endpoint';
import { renderForEndpoint } from './render-for-endpoint';

export interface DeliverySettings extends PlanSettings {
  taskQueue: string;
}

/**
 * The client deliveries are started with. `eager` only with a client on the connection of a worker
 * in this process (the SDK allows it nowhere else): that worker then runs the first workflow task
 * straight from the start's answer.
 */
export interface DeliveryStarts {
  client: Client;
  eager: boolean;
  /** Bounds and orders the starts in flight (none: each goes at once, as from the CLI). */
  admission?: StartAdmission;
  /** Told of each delivery started (metrics count them). */
  onStarted?: (kind: DeliveryInput['kind']) => void;
}

export interface StartedDelivery {
  endpoint_id: string;
  delivery_id: string;
  /** True when this event had already been accepted for this endpoint: nothing new was started. */
  duplicate: boolean;
  /** Why it will never be sent (its rendered payload is too large); null for the others. */
  rejected: string | null;
}

/**
 * Starts one delivery workflow per endpoint, all in parallel, and returns once Temporal has
 * durably recorded each, and has queued the ordered ones behind their key's earlier deliveries.
 * The workflow id is derived from (endpoint, event) and never reused, so an event sent twice is
 * delivered once. Each tells `tracker`, when given, how it ends.
 */
export async function startDeliveries(
  starts: DeliveryStarts,
  settings: DeliverySettings,
  tenant: RenderTenant,
  event: AcceptedEvent,
  endpoints: EndpointRecord[],
  tracker?: string,
): Promise<StartedDelivery[]> {
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const { payload, rejection } = renderForEndpoint(event, tenant, endpoint, settings.maxPayloadBytes);
      const deliveryId = deliveryWorkflowId(endpoint.id, event.id);
      // A rejected delivery is never sent, so it never waits for, or holds up, its key.
      const key =
        endpoint.ordering_key && !rejection ? orderingKeyOf(event.data, endpoint.ordering_key) : undefined;
      const sequencerId = key === undefined ? undefined : sequencerIdOf(endpoint.id, key);
      const started = await startDelivery(starts, settings.taskQueue, {
        deliveryId,
        tenantId: tenant.id,
        signalId: event.id,
        eventType: event.type,
        signalType: typeof event.data.signal_type === 'string' ? event.data.signal_type : undefined,
        kind: 'event',
        plan: deliveryPlan(endpoint, settings),
        payload,
        rejection,
        endpointTroubled: endpoint.health.paused !== null || endpoint.health.failing,
        lane: laneOf(event, endpoint.hot_when),
        ...(sequencerId ? { ordering: { sequencerId } } : {}),
        ...(tracker ? { tracker } : {}),
      });
      // Queued after it started, so the sequencer never hands a turn to a delivery not yet there;
      // also for a duplicate, whose first intake may have ended before queuing it.
      if (sequencerId) {
        await queueInOrder(starts.client, settings.taskQueue, sequencerId, {
          tenantId: tenant.id,
          endpointId: endpoint.id,
          deliveryId,
        });
      }
      return started;
    }),
  );
}

/** A delivery's input, and what the Web UI and the delivery log search it by. */
export interface DeliveryStart extends DeliveryInput {
  eventType: string;
  /** PQ Intel's signal type (intent_post, job_change…). */
  signalType?: string;
  /** The delivery this one sends again (`POST /v1/deliveries/:id/resend`). */
  resentFrom?: string;
  /** Which of its tenant's queued deliveries it overtakes (src/deliveries/delivery-lane.ts). */
  lane: Lane;
}

/** Starts one delivery workflow; an id already used means the same delivery was started before. */
export async function startDelivery(
  starts: DeliveryStarts,
  taskQueue: string,
  start: DeliveryStart,
): Promise<StartedDelivery> {
  const { eventType, signalType, resentFrom, lane, ...input } = start;
  const started = {
    endpoint_id: input.plan.endpoint.id,
    delivery_id: input.deliveryId,
    rejected: input.rejection,
  };
  const startWorkflow = () =>
    starts.client.workflow.start(deliveryWorkflow, {
      workflowId: input.deliveryId,
      taskQueue,
      // Only a hot delivery skips the queue for this process's worker: a cold one started eagerly
      // would take a worker slot without waiting its turn among the other tenants' work.
      requestEagerStart: starts.eager && lane === 'hot',
      priority: deliveryPriority(lane, input.tenantId),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowTaskTimeout: deliveryTaskTimeoutMs(input.plan.endpoint),
      typedSearchAttributes: [
        { key: searchAttributes.tenantId, value: input.tenantId },
        { key: searchAttributes.endpointId, value: input.plan.endpoint.id },
        { key: searchAttributes.signalId, value: input.signalId },
        { key: searchAttributes.eventType, value: eventType },
        { key: searchAttributes.deliveryKind, value: input.kind },
        ...(signalType ? [{ key: searchAttributes.signalType, value: signalType }] : []),
        ...(resentFrom ? [{ key: searchAttributes.resentFrom, value: resentFrom }] : []),
        { key: searchAttributes.deliveryStatus, value: 'pending' },
        { key: searchAttributes.deliveryAttempts, value: 0 },
      ],
      args: [input],
    });
  try {
    await (starts.admission ? starts.admission.run(input.tenantId, lane, startWorkflow) : startWorkflow());
    starts.onStarted?.(input.kind);
    return { ...started, duplicate: false };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ...started, duplicate: true };
    throw error;
  }
}
