import type { Client } from '@temporalio/client';
import { tenantWorkflowId } from '../../workflows/ids';
import type { tenantWorkflow } from '../../workflows/tenant';
import { recoverTenant } from './tenant-recovery';
import type { TenantStore } from './tenant-store';

export interface RepairOutcome {
  tenant_id: string;
  /** Why the tenant needed repair; null when it was healthy and only rebuilt because asked to. */
  problem: string | null;
  repaired: boolean;
  tenant_from: 'query' | 'history' | null;
  endpoints: number;
}

/**
 * Brings a tenant whose workflow cannot answer (its tasks keep failing, or it ended) back from its
 * last good state: the broken run is terminated, keeping its history for inspection, and a new run
 * starts from the recovered tenant record and every endpoint that still has a config workflow;
 * every customer portal link of the tenant ends.
 * A healthy tenant is left alone unless `force` is set.
 */
export async function repairTenant(
  client: Client,
  store: TenantStore,
  tenantId: string,
  options: { force: boolean },
): Promise<RepairOutcome> {
  const handle = client.workflow.getHandle<typeof tenantWorkflow>(tenantWorkflowId(tenantId));
  const problem = (await store.calls.diagnose(tenantId)) ?? null;
  if (!problem && !options.force) {
    return { tenant_id: tenantId, problem, repaired: false, tenant_from: null, endpoints: 0 };
  }
  const recovered = await recoverTenant(client, handle, tenantId);
  const { status, taskQueue } = await handle.describe();
  if (status.name === 'RUNNING') await handle.terminate(`repaired: ${problem ?? 'rebuilt on request'}`);
  // A broken run may not answer which portal links it revoked: the new run ends them all (its
  // generation is past any counter a run reached), so no revoked link opens the portal again.
  await store.startTenant(
    { ...recovered.state, portalRevocations: { sessions: {}, generation: Date.now() } },
    taskQueue,
  );
  store.calls.forget(tenantId);
  return {
    tenant_id: tenantId,
    problem,
    repaired: true,
    tenant_from: recovered.tenantFrom,
    endpoints: recovered.endpoints,
  };
}
