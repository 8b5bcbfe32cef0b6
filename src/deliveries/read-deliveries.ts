import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DELIVERY_FAILED, deliveryStateQuery, replaySignal } from '../../workflows/delivery-contract';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { AttemptRecord, DeliveryState } from '../../workflows/delivery-contract';
import type { DeliveryListQuery } from '../schemas/deliveries';

export interface DeliverySummary {
  id: string;
  tenant_id: string | undefined;
  endpoint_id: string | undefined;
  signal_id: string | undefined;
  signal_type: string | undefined;
  event_type: string | undefined;
  /** `event`, `test` (a send-test) or `callback` (a one-off `webhook_url`). */
  kind: string;
  status: string | undefined;
  attempt_count: number;
  dead_lettered_at: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  attempts: AttemptRecord[];
  next_attempt_at: string | null;
  expires_at: string | null;
  replays: number;
  rejected_reason: string | null;
}

export const DELIVERY_TYPE = 'deliveryWorkflow';
const FINAL_STATUSES = new Set(['delivered', 'failed', 'expired', 'rejected']);

/** A delivery as its search attributes describe it: what a list shows without reading histories. */
export function summarize(info: Omit<WorkflowExecutionInfo, 'raw'>): DeliverySummary {
  const attributes = info.typedSearchAttributes;
  return {
    id: info.workflowId,
    tenant_id: attributes.get(searchAttributes.tenantId),
    endpoint_id: attributes.get(searchAttributes.endpointId),
    signal_id: attributes.get(searchAttributes.signalId),
    signal_type: attributes.get(searchAttributes.signalType),
    event_type: attributes.get(searchAttributes.eventType),
    kind: attributes.get(searchAttributes.deliveryKind) ?? 'event',
    status: attributes.get(searchAttributes.deliveryStatus),
    attempt_count: attributes.get(searchAttributes.deliveryAttempts) ?? 0,
    dead_lettered_at: attributes.get(searchAttributes.deadLetteredAt)?.toISOString() ?? null,
    created_at: info.startTime.toISOString(),
    completed_at: info.closeTime?.toISOString() ?? null,
  };
}

/** The delivery log of one tenant, newest first, from Temporal's visibility store. */
export async function listDeliveries(
  client: Client,
  tenantId: string,
  filter: DeliveryListQuery,
): Promise<DeliverySummary[]> {
  const clauses: string[] = [];
  if (filter.endpoint_id) clauses.push(`EndpointId = '${filter.endpoint_id}'`);
  if (filter.signal_id) clauses.push(`SignalId = '${filter.signal_id}'`);
  if (filter.status) clauses.push(`DeliveryStatus = '${filter.status}'`);
  return queryDeliveries(client, tenantId, clauses, filter.limit);
}

/** The tenant's dead letters, optionally of one endpoint and only those dead-lettered since a time. */
export async function listDeadLetters(
  client: Client,
  tenantId: string,
  filter: { endpoint_id?: string; since?: string; limit: number },
): Promise<DeliverySummary[]> {
  const clauses = [`DeliveryStatus = 'dead_lettered'`];
  if (filter.endpoint_id) clauses.push(`EndpointId = '${filter.endpoint_id}'`);
  if (filter.since) clauses.push(`DeadLetteredAt >= '${new Date(filter.since).toISOString()}'`);
  return queryDeliveries(client, tenantId, clauses, filter.limit);
}

/**
 * Every interpolated value was validated against a strict pattern, an enum or a date before it got
 * here, so no caller can widen the query beyond its tenant.
 */
async function queryDeliveries(
  client: Client,
  tenantId: string,
  clauses: string[],
  limit: number,
): Promise<DeliverySummary[]> {
  const query = [`WorkflowType = '${DELIVERY_TYPE}'`, `TenantId = '${tenantId}'`, ...clauses].join(' AND ');
  const deliveries: DeliverySummary[] = [];
  for await (const info of client.workflow.list({ query, pageSize: limit })) {
    deliveries.push(summarize(info));
    if (deliveries.length >= limit) break;
  }
  return deliveries;
}

/** One delivery with every attempt; `undefined` when it does not exist or is another tenant's. */
export async function getDelivery(
  client: Client,
  tenantId: string,
  deliveryId: string,
): Promise<DeliveryDetail | undefined> {
  const handle = client.workflow.getHandle(deliveryId);
  let info: WorkflowExecutionDescription;
  try {
    info = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  if (info.type !== DELIVERY_TYPE || info.typedSearchAttributes.get(searchAttributes.tenantId) !== tenantId) {
    return undefined;
  }
  const state = await readState(
    info,
    () => handle.result(),
    () => handle.query(deliveryStateQuery),
  );
  // It may have ended between the describe and the query: describe again for its close time.
  if (info.status.name === 'RUNNING' && FINAL_STATUSES.has(state.status)) info = await handle.describe();
  return {
    ...summarize(info),
    status: state.status,
    attempt_count: state.attempts.length,
    attempts: state.attempts,
    next_attempt_at: state.nextAttemptAt,
    dead_lettered_at: state.deadLetteredAt,
    expires_at: state.expiresAt,
    replays: state.replays,
    rejected_reason: state.rejectedReason ?? null,
  };
}

/** A finished delivery's state is its result (or its failure's details); a running one answers a query. */
async function readState(
  info: Omit<WorkflowExecutionInfo, 'raw'>,
  result: () => Promise<unknown>,
  query: () => Promise<DeliveryState>,
): Promise<DeliveryState> {
  if (info.status.name === 'COMPLETED') return (await result()) as DeliveryState;
  if (info.status.name === 'FAILED') {
    try {
      await result();
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === DELIVERY_FAILED) {
        return cause.details?.[0] as DeliveryState;
      }
    }
  }
  return query();
}

export type ReplayOutcome = 'replayed' | 'not_found' | 'not_dead_lettered';

/** Asks a dead letter for a fresh round of attempts; only the tenant's own, only dead letters. */
export async function replayDelivery(
  client: Client,
  tenantId: string,
  deliveryId: string,
): Promise<ReplayOutcome> {
  const delivery = await getDelivery(client, tenantId, deliveryId);
  if (!delivery) return 'not_found';
  if (delivery.status !== 'dead_lettered') return 'not_dead_lettered';
  await client.workflow.getHandle(deliveryId).signal(replaySignal);
  return 'replayed';
}
