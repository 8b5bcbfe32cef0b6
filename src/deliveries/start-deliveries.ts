import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { deliveryWorkflowId, searchAttributes } from '../../workflows/contract';
import type { EndpointRecord } from '../../workflows/contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import type { Signal } from '../schemas/signal';
import { retryScheduleSeconds } from './retry-schedule';

export interface DeliverySettings {
  taskQueue: string;
  signatureHeader: string;
  retryDelayScale: number;
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
      const retryDelaysMs = retryScheduleSeconds(endpoint.retry_policy).map((seconds) =>
        Math.round(seconds * 1000 * settings.retryDelayScale),
      );
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
              endpoint: {
                id: endpoint.id,
                url: endpoint.url,
                secret: endpoint.secret,
                signatureHeader: settings.signatureHeader,
                timeoutMs: endpoint.timeout_seconds * 1000,
              },
              payload: signal,
              retryDelaysMs,
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
