import type { Client } from '@temporalio/client';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { tenantWorkflowId } from '../../workflows/ids';

/**
 * Replaces a tenant's run with one whose state is corrupt (an endpoint entry that is not a record),
 * so its workflow task fails on every attempt: the way any defect or bad state looks from outside.
 */
export async function breakTenant(client: Client, taskQueue: string, tenantId: string): Promise<void> {
  const handle = client.workflow.getHandle(tenantWorkflowId(tenantId));
  const record = await handle.query<{ created_at: string }>('tenantQuery');
  await handle.terminate('test: replaced by a corrupt run');
  await client.workflow.start('tenantWorkflow', {
    workflowId: tenantWorkflowId(tenantId),
    taskQueue,
    // As the tenant store starts it: listings find tenants by these.
    typedSearchAttributes: [
      { key: searchAttributes.tenantId, value: tenantId },
      { key: searchAttributes.tenantCreatedAt, value: new Date(record.created_at) },
    ],
    args: [{ tenant: record, endpoints: { ep_corrupt: null } }],
  });
}
