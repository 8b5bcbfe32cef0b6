import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DELIVERY_FAILED, deliveryStateQuery } from '../../workflows/delivery-contract';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { AttemptRecord, DeliveryState } from '../../workflows/delivery-contract';
import type { DeliveryFilter } from '../temporal/visibility-query';
import { DELIVERY_WORKFLOW_TYPE, deliveryQuery } from '../temporal/visibility-query';

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
  /** The delivery this one sent again; null for a delivery of its own. */
  resent_from: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  attempts: AttemptRecord[];
  next_attempt_at: string | null;
  expires_at: string | null;
  replays: number;
  rejected_reason: string | null;
  /** While queued: the earlier delivery with the same ordering key this one waits for. */
  waiting_for: string | null;
}

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
    resent_from: attributes.get(searchAttributes.resentFrom) ?? null,
  };
}

/**
 * Deliveries matching `filter` (and an operator's own `userQuery`), newest first, from Temporal's
 * visibility store, which is eventually consistent. With `filter.tenantId`, only that tenant's.
 */
export async function listDeliveries(
  client: Client,
  filter: DeliveryFilter,
  limit: number,
  userQuery?: string,
): Promise<DeliverySummary[]> {
  const query = deliveryQuery(filter, userQuery);
  const deliveries: DeliverySummary[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    // An operator's query may reach other workflows' executions: keep deliveries only.
    if (info.type !== DELIVERY_WORKFLOW_TYPE) continue;
    deliveries.push(summarize(info));
    if (deliveries.length >= limit) break;
  }
  return deliveries;
}

/**
 * A delivery's description; `undefined` when `deliveryId` names no delivery, or when `tenantId` is
 * given and it is another tenant's.
 */
export async function describeDelivery(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<WorkflowExecutionDescription | undefined> {
  let info: WorkflowExecutionDescription;
  try {
    info = await client.workflow.getHandle(deliveryId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const owner = info.typedSearchAttributes.get(searchAttributes.tenantId);
  if (info.type !== DELIVERY_WORKFLOW_TYPE || (tenantId !== undefined && owner !== tenantId))
    return undefined;
  return info;
}

/**
 * One delivery with every attempt; `undefined` when there is none, or when `tenantId` is given and
 * it is another tenant's (operators, who may read any, leave it out).
 */
export async function getDelivery(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<DeliveryDetail | undefined> {
  const handle = client.workflow.getHandle(deliveryId);
  let info = await describeDelivery(client, deliveryId, tenantId);
  if (!info) return undefined;
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
    waiting_for: state.waitingFor ?? null,
  };
}

/** A finished delivery's state is its result (or its failure's details); a running one answers a query. */
export async function readState(
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

/** Which dead letters a listing or a bulk replay takes. */
export interface DeadLetterSelection {
  /** Only this tenant's; operators, who may see any, leave it out. */
  tenantId?: string | undefined;
  endpointId?: string | undefined;
  /** ISO instant: only those dead-lettered at or after it. */
  since?: string | undefined;
  /** An operator's own visibility query (the CLI's `--query`), ANDed in parentheses. */
  query?: string | undefined;
}

export const deadLetterFilter = (selection: DeadLetterSelection): DeliveryFilter => ({
  tenantId: selection.tenantId,
  endpointId: selection.endpointId,
  status: 'dead_lettered',
  deadLetteredSince: selection.since,
});

/** The visibility query that finds the dead letters `selection` picks. */
export const deadLetterQuery = (selection: DeadLetterSelection): string =>
  deliveryQuery(deadLetterFilter(selection), selection.query);

/** Dead letters `selection` picks, newest first, as visibility (eventually consistent) has them. */
export const listDeadLetters = (
  client: Client,
  selection: DeadLetterSelection,
  limit: number,
): Promise<DeliverySummary[]> => listDeliveries(client, deadLetterFilter(selection), limit, selection.query);
