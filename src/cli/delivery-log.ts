import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { DeliveryStatus } from '../../workflows/delivery-contract';
import type { DeliveryDetail, DeliverySummary, ReplayOutcome } from '../deliveries/read-deliveries';
import { DELIVERY_TYPE, getDelivery, replayDelivery, summarize } from '../deliveries/read-deliveries';

/*
 * The delivery log across every tenant, for operators. The tenant-scoped reads of
 * read-deliveries.ts are reused for one delivery, with the tenant taken from its own search
 * attributes.
 */

export interface DeliveryFilter {
  tenantId?: string;
  endpointId?: string;
  status?: DeliveryStatus;
  signalId?: string;
  /** ISO instant; compared with the delivery's start. */
  startedSince?: string;
  /** ISO instant; compared with when it was dead-lettered. */
  deadLetteredSince?: string;
}

export type OperatorDeliverySummary = DeliverySummary;

export type OperatorDeliveryDetail = DeliveryDetail & { tenant_id: string };

/** Values were validated by the option parsers; this refuses a quote anyway, as a second lock. */
function literal(value: string): string {
  if (/['"\\`]/.test(value)) throw new Error('refusing to put a quote into a visibility query');
  return `'${value}'`;
}

/** The visibility query for deliveries; `userQuery` (already checked for balance) is ANDed last. */
export function deliveryQuery(filter: DeliveryFilter, userQuery?: string): string {
  const clauses = [`WorkflowType = ${literal(DELIVERY_TYPE)}`];
  if (filter.tenantId) clauses.push(`TenantId = ${literal(filter.tenantId)}`);
  if (filter.endpointId) clauses.push(`EndpointId = ${literal(filter.endpointId)}`);
  if (filter.status) clauses.push(`DeliveryStatus = ${literal(filter.status)}`);
  if (filter.signalId) clauses.push(`SignalId = ${literal(filter.signalId)}`);
  if (filter.startedSince) clauses.push(`StartTime >= ${literal(filter.startedSince)}`);
  if (filter.deadLetteredSince) clauses.push(`DeadLetteredAt >= ${literal(filter.deadLetteredSince)}`);
  if (userQuery) clauses.push(`(${userQuery})`);
  return clauses.join(' AND ');
}

/** Deliveries matching `query` from Temporal's visibility store (eventually consistent), newest first. */
export async function listDeliveries(
  client: Client,
  query: string,
  limit: number,
): Promise<OperatorDeliverySummary[]> {
  const deliveries: OperatorDeliverySummary[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    // A user's query may reach other workflows' executions: keep deliveries only.
    if (info.type !== DELIVERY_TYPE) continue;
    deliveries.push(summarize(info));
    if (deliveries.length >= limit) break;
  }
  return deliveries;
}

/** The tenant a delivery belongs to, from its own search attributes; `undefined` if no delivery. */
async function tenantOf(client: Client, deliveryId: string): Promise<string | undefined> {
  try {
    const description = await client.workflow.getHandle(deliveryId).describe();
    if (description.type !== DELIVERY_TYPE) return undefined;
    return description.typedSearchAttributes.get(searchAttributes.tenantId);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** One delivery with every attempt, whatever its tenant; `undefined` when there is none. */
export async function findDelivery(
  client: Client,
  deliveryId: string,
): Promise<OperatorDeliveryDetail | undefined> {
  const tenantId = await tenantOf(client, deliveryId);
  if (!tenantId) return undefined;
  const delivery = await getDelivery(client, tenantId, deliveryId);
  return delivery && { ...delivery, tenant_id: tenantId };
}

/** Signals a replay to one dead letter, whatever its tenant; checks its current state, not visibility's. */
export async function replayOne(client: Client, deliveryId: string): Promise<ReplayOutcome> {
  const tenantId = await tenantOf(client, deliveryId);
  if (!tenantId) return 'not_found';
  return replayDelivery(client, tenantId, deliveryId);
}
