import { endpointConfigQuery } from '../temporal/visibility-query';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import pLimit from 'p-limit';
import type { EndpointHealthSummary, TenantRecord } from '../../workflows/records';
import { endpointHealthQuery } from '../../workflows/endpoint-health-contract';
import { endpointConfigWorkflowId, endpointHealthWorkflowId } from '../../workflows/ids';
import { tenantQuery } from '../../workflows/tenant-contract';
import { endpointRecordQuery } from '../../workflows/endpoint-config-contract';
import type { EndpointIndexEntry, TenantState } from '../../workflows/tenant-contract';
import type { tenantWorkflow } from '../../workflows/tenant';

const QUERY_TIMEOUT_MS = 3_000;

/** Where a tenant's state was recovered from, and what it holds. */
export interface RecoveredTenant {
  state: TenantState;
  /** 'query': the workflow still answered; 'history': its current run's input and accepted key rotations. */
  tenantFrom: 'query' | 'history';
  endpoints: number;
}

/**
 * A tenant's last good state, rebuilt from what outlives its workflow's state: the tenant's record
 * (asked of the workflow if it still answers, else read from its current run's history: the input
 * it started with, plus the key rotations accepted since), and its endpoints from their own config
 * workflows, found by the TenantId search attribute, with their health from their health workflows.
 */
export async function recoverTenant(
  client: Client,
  handle: WorkflowHandle<typeof tenantWorkflow>,
  tenantId: string,
): Promise<RecoveredTenant> {
  const answered = await client.connection
    .withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(tenantQuery))
    .catch(() => undefined);
  const tenant = answered ?? (await tenantFromHistory(client, handle, tenantId));
  const endpointIndex = await indexFromConfigWorkflows(client, tenantId);
  return {
    state: { tenant, endpointIndex },
    tenantFrom: answered ? 'query' : 'history',
    endpoints: Object.keys(endpointIndex).length,
  };
}

async function tenantFromHistory(
  client: Client,
  handle: WorkflowHandle<typeof tenantWorkflow>,
  tenantId: string,
): Promise<TenantRecord> {
  const converter = client.options.loadedDataConverter;
  const history = await handle.fetchHistory();
  let tenant: TenantRecord | undefined;
  for (const event of history.events ?? []) {
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      const [input] = (await decodeArrayFromPayloads(converter, started.input?.payloads)) as [
        Partial<TenantState>,
      ];
      if (isTenantRecord(input?.tenant, tenantId)) tenant = { ...input.tenant };
    }
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (tenant && request?.name === 'rotateApiKeyUpdate') {
      const [rotation] = (await decodeArrayFromPayloads(converter, request.args?.payloads)) as [
        { apiKeyHash?: unknown },
      ];
      if (typeof rotation?.apiKeyHash === 'string') tenant.api_key_hash = rotation.apiKeyHash;
    }
  }
  if (!tenant) throw new Error(`the record of tenant ${tenantId} cannot be read from its workflow's history`);
  return tenant;
}

function isTenantRecord(value: unknown, tenantId: string): value is TenantRecord {
  const record = value as Partial<TenantRecord> | undefined;
  return (
    record?.id === tenantId && typeof record.api_key_hash === 'string' && typeof record.name === 'string'
  );
}

async function indexFromConfigWorkflows(
  client: Client,
  tenantId: string,
): Promise<Record<string, EndpointIndexEntry>> {
  const workflowIds: string[] = [];
  for await (const info of client.workflow.list({ query: endpointConfigQuery(tenantId) })) {
    workflowIds.push(info.workflowId);
  }
  const limit = pLimit(16);
  const entries = await Promise.all(
    workflowIds.map((workflowId) =>
      limit(async () => {
        const { record, revision } = await client.workflow.getHandle(workflowId).query(endpointRecordQuery);
        if (record.tenant_id !== tenantId || workflowId !== endpointConfigWorkflowId(record.id))
          return undefined;
        const health = await healthOf(client, record.id);
        return {
          id: record.id,
          createdAt: record.created_at,
          entry: { label: record.label, revision, health },
        };
      }),
    ),
  );
  // In the order they were created, as the index had them.
  const found = entries.filter((found) => found !== undefined);
  found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return Object.fromEntries(found.map(({ id, entry }) => [id, entry]));
}

async function healthOf(client: Client, endpointId: string): Promise<EndpointHealthSummary> {
  try {
    const state = await client.workflow
      .getHandle(endpointHealthWorkflowId(endpointId))
      .query(endpointHealthQuery);
    return { paused: state.paused, failing: state.consecutiveFailures > 0 };
  } catch {
    return { paused: null, failing: false };
  }
}
