import type { Client } from '@temporalio/client';
import { tenantWorkflowId } from '../../workflows/ids';

/**
 * Replaces a tenant's run with one whose state is corrupt (an endpoint entry that is not a record),
 * so its workflow task fails on every attempt: the way any defect or bad state looks from outside.
 */
export async function breakTenant(client: Client, taskQueue: string, tenantId: string): Promise<void> {
  const handle = client.workflow.getHandle(tenantWorkflowId(tenantId));
  const record = await handle.query('tenantQuery');
  await handle.terminate('test: replaced by a corrupt run');
  await client.workflow.start('tenantWorkflow', {
    workflowId: tenantWorkflowId(tenantId),
    taskQueue,
    args: [{ tenant: record, endpoints: { ep_corrupt: null } }],
  });
}
