import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { EndpointRecord } from '../../workflows/records';
import { endpointConfigWorkflow } from '../../workflows/endpoint-config';
import { endpointConfigWorkflowId } from '../../workflows/ids';

/**
 * Starts the config workflow that holds one endpoint's record, at revision 1, found by its TenantId
 * and EndpointId (the repair command lists a tenant's endpoints that way). With `reuse`, one that
 * already runs is kept (moving a previous version's records is safe to repeat).
 */
export function startEndpointConfig(
  client: Client,
  taskQueue: string,
  record: EndpointRecord,
  { reuse = false } = {},
) {
  return client.workflow.start(endpointConfigWorkflow, {
    workflowId: endpointConfigWorkflowId(record.id),
    taskQueue,
    ...(reuse ? { workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING } : {}),
    typedSearchAttributes: [
      { key: searchAttributes.tenantId, value: record.tenant_id },
      { key: searchAttributes.endpointId, value: record.id },
    ],
    args: [{ record, revision: 1 }],
  });
}
