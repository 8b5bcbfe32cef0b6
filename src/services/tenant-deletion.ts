import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { tenantWorkflowId } from '../../workflows/ids';
import { STORE_CACHE_MS } from '../store/tenant-store';
import type { TenantStore } from '../store/tenant-store';
import {
  DELIVERY_WORKFLOW_TYPE,
  runningDeliveriesQuery,
  tenantWorkflowsQuery,
} from '../temporal/visibility-query';

export type TenantDeletion =
  | { outcome: 'deleted'; tenant_id: string; deleted_workflows: number; cancelled_deliveries: number }
  | { outcome: 'not_found' }
  /** Deliveries have not ended and `force` was not given: nothing was changed. */
  | { outcome: 'deliveries_in_flight'; running: number };

/**
 * After the tenant's workflow is gone no new work of the tenant can start, except what an intake
 * request or endpoint write already under way (or another API process's cached read, which lives
 * STORE_CACHE_MS) starts next: sweeps go on until none has found anything for this long.
 */
const QUIET_MS = STORE_CACHE_MS + 1_000;
const SWEEP_EVERY_MS = 250;
/** A tenant whose work keeps appearing for this long is not going to go quiet: fail loudly. */
const GIVE_UP_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes a tenant and everything of it that runs, by one rule: while any of its deliveries has
 * not ended (pending, queued, retrying, held, or a dead letter waiting for a replay), the tenant is
 * kept and `deliveries_in_flight` answered, unless `force` is set, which ends them. Then the tenant's own
 * workflow, its endpoints' config and health workflows are deleted with their histories (the tenant
 * record with its owner's e-mail, the endpoints' URLs and secrets), and every delivery still running
 * is terminated; ended deliveries keep their histories until the namespace's retention, as any do.
 * Nothing of the tenant is left running when this returns.
 */
export async function deleteTenant(
  client: Client,
  store: TenantStore,
  tenantId: string,
  options: { force: boolean },
): Promise<TenantDeletion> {
  if (!(await store.get(tenantId))) return { outcome: 'not_found' };
  if (!options.force) {
    const { count } = await client.workflow.count(runningDeliveriesQuery(tenantId));
    if (count > 0) return { outcome: 'deliveries_in_flight', running: count };
  }
  // First the tenant itself: from here on its key opens nothing and intake answers not found.
  await deleteExecution(client, tenantWorkflowId(tenantId));
  store.forget(tenantId);
  await gone(client, tenantWorkflowId(tenantId));

  const ended = { deleted_workflows: 1, cancelled_deliveries: 0 };
  const handled = new Set<string>();
  const started = Date.now();
  let quietSince = Date.now();
  while (Date.now() - quietSince < QUIET_MS) {
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`tenant ${tenantId}'s workflows keep running`);
    const swept = await sweep(client, tenantId, handled);
    ended.deleted_workflows += swept.deleted;
    ended.cancelled_deliveries += swept.terminated;
    if (swept.deleted + swept.terminated > 0) quietSince = Date.now();
    await sleep(SWEEP_EVERY_MS);
  }
  return { outcome: 'deleted', tenant_id: tenantId, ...ended };
}

/**
 * Ends every running workflow of the tenant visibility lists and `handled` does not hold (ended by
 * an earlier sweep; visibility shows them running a moment longer): deliveries are terminated, the
 * rest deleted.
 */
async function sweep(
  client: Client,
  tenantId: string,
  handled: Set<string>,
): Promise<{ deleted: number; terminated: number }> {
  const running: Array<Omit<WorkflowExecutionInfo, 'raw'>> = [];
  for await (const info of client.workflow.list({ query: tenantWorkflowsQuery(tenantId) })) {
    const key = `${info.workflowId}/${info.runId}`;
    if (handled.has(key)) continue;
    handled.add(key);
    running.push(info);
  }
  let deleted = 0;
  let terminated = 0;
  for (const info of running) {
    // Visibility lags: one that has ended since it was listed is left as it is.
    const ends =
      info.type === DELIVERY_WORKFLOW_TYPE
        ? client.workflow
            .getHandle(info.workflowId, info.runId)
            .terminate('its tenant was deleted')
            .then(() => terminated++)
        : deleteExecution(client, info.workflowId).then(() => deleted++);
    await ends.catch((error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError) && !isNotFound(error)) throw error;
    });
  }
  return { deleted, terminated };
}

/** Deletes a workflow's latest run with its history (terminating it first if it runs). */
async function deleteExecution(client: Client, workflowId: string): Promise<void> {
  await client.workflowService.deleteWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId },
  });
}

/** The server deletes in the background: wait until a read of the workflow finds nothing. */
async function gone(client: Client, workflowId: string): Promise<void> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (Date.now() < deadline) {
    try {
      await client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    await sleep(SWEEP_EVERY_MS);
  }
  throw new Error(`${workflowId} was not deleted in time`);
}

const GRPC_NOT_FOUND = 5;
const isNotFound = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === GRPC_NOT_FOUND;
