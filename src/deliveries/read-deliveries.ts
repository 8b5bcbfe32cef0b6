import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DELIVERY_FAILED, deliveryStateQuery, searchAttributes } from '../../workflows/contract';
import type { AttemptRecord, DeliveryState } from '../../workflows/contract';
import type { DeliveryListQuery } from '../schemas/deliveries';

export interface DeliverySummary {
  id: string;
  endpoint_id: string | undefined;
  signal_id: string | undefined;
  signal_type: string | undefined;
  status: string | undefined;
  attempt_count: number;
  created_at: string;
  completed_at: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  attempts: AttemptRecord[];
  next_attempt_at: string | null;
}

const DELIVERY_TYPE = 'deliveryWorkflow';

function summarize(info: Omit<WorkflowExecutionInfo, 'raw'>): DeliverySummary {
  const attributes = info.typedSearchAttributes;
  return {
    id: info.workflowId,
    endpoint_id: attributes.get(searchAttributes.endpointId),
    signal_id: attributes.get(searchAttributes.signalId),
    signal_type: attributes.get(searchAttributes.signalType),
    status: attributes.get(searchAttributes.deliveryStatus),
    attempt_count: attributes.get(searchAttributes.deliveryAttempts) ?? 0,
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
  // Every interpolated value was validated against a strict pattern or enum before it got here.
  const clauses = [`WorkflowType = '${DELIVERY_TYPE}'`, `TenantId = '${tenantId}'`];
  if (filter.endpoint_id) clauses.push(`EndpointId = '${filter.endpoint_id}'`);
  if (filter.signal_id) clauses.push(`SignalId = '${filter.signal_id}'`);
  if (filter.status) clauses.push(`DeliveryStatus = '${filter.status}'`);
  const deliveries: DeliverySummary[] = [];
  for await (const info of client.workflow.list({ query: clauses.join(' AND '), pageSize: filter.limit })) {
    deliveries.push(summarize(info));
    if (deliveries.length >= filter.limit) break;
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
  return {
    ...summarize(info),
    status: state.status,
    attempt_count: state.attempts.length,
    attempts: state.attempts,
    next_attempt_at: state.nextAttemptAt,
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
