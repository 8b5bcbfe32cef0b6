import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { deliveryWorkflowId, searchAttributes } from '../../workflows/contract';
import type { EndpointRecord } from '../../workflows/contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import type { Signal } from '../schemas/signal';
import type { PlanSettings } from './delivery-plan';
import { deliveryPlan } from './delivery-plan';

export interface DeliverySettings extends PlanSettings {
  taskQueue: string;
}

export interface StartedDelivery {
  endpoint_id: string;
  delivery_id: string;
  /** True when this signal had already been accepted for this endpoint: nothing new was started. */
  duplicate: boolean;
}

/**
 * Starts one delivery workflow per endpoint, all in parallel, and returns once Temporal has
 * durably recorded each. The workflow id is derived from (endpoint, signal) and never reused, so a
 * signal sent twice is delivered once.
 */
export async function startDeliveries(
  client: Client,
  settings: DeliverySettings,
  tenantId: string,
  signal: Signal & { signal_id: string },
  endpoints: EndpointRecord[],
): Promise<StartedDelivery[]> {
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const deliveryId = deliveryWorkflowId(endpoint.id, signal.signal_id);
      try {
        await client.workflow.start(deliveryWorkflow, {
          workflowId: deliveryId,
          taskQueue: settings.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: searchAttributes.tenantId, value: tenantId },
            { key: searchAttributes.endpointId, value: endpoint.id },
            { key: searchAttributes.signalId, value: signal.signal_id },
            { key: searchAttributes.signalType, value: signal.signal_type },
            { key: searchAttributes.deliveryStatus, value: 'pending' },
            { key: searchAttributes.deliveryAttempts, value: 0 },
          ],
          args: [
            {
              deliveryId,
              tenantId,
              signalId: signal.signal_id,
              plan: deliveryPlan(endpoint, settings),
              payload: signal,
              endpointTroubled: endpoint.health.paused !== null || endpoint.health.failing,
            },
          ],
        });
        return { endpoint_id: endpoint.id, delivery_id: deliveryId, duplicate: false };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          return { endpoint_id: endpoint.id, delivery_id: deliveryId, duplicate: true };
        }
        throw error;
      }
    }),
  );
}
