import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { deliveryWorkflowId, signalTrackerWorkflowId } from '../../workflows/ids';
import type { EndpointRecord } from '../../workflows/records';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { signalTrackerWorkflow } from '../../workflows/signal-tracker';

/**
 * Starts the tracker of one signal's deliveries (`signal.completed` events), before the deliveries
 * themselves, which tell it how they end; returns its workflow id. The same signal accepted again
 * finds its tracker already started (or ended) and uses it as it is.
 */
export async function startSignalTracker(
  client: Client,
  taskQueue: string,
  tenantId: string,
  signalId: string,
  endpoints: EndpointRecord[],
): Promise<string> {
  const workflowId = signalTrackerWorkflowId(tenantId, signalId);
  try {
    await client.workflow.start(signalTrackerWorkflow, {
      workflowId,
      taskQueue,
      // Once ended, a tracker is not started again: the signal's deliveries have already reported.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        // Tenant deletion finds what to end by TenantId.
        { key: searchAttributes.tenantId, value: tenantId },
        { key: searchAttributes.signalId, value: signalId },
      ],
      args: [
        {
          tenantId,
          signalId,
          deliveries: endpoints.map((endpoint) => ({
            deliveryId: deliveryWorkflowId(endpoint.id, signalId),
            endpointId: endpoint.id,
          })),
        },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return workflowId;
}
