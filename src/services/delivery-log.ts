import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { DELIVERY_FAILED, deliveryStateQuery, replaySignal } from '../../workflows/delivery-contract';
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
}

export interface DeliveryDetail extends DeliverySummary {
  attempts: AttemptRecord[];
  next_attempt_at: string | null;
  expires_at: string | null;
  replays: number;
  rejected_reason: string | null;
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
 * One delivery with every attempt; `undefined` when there is none, or when `tenantId` is given and
 * it is another tenant's (operators, who may read any, leave it out).
 */
export async function getDelivery(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<DeliveryDetail | undefined> {
  const handle = client.workflow.getHandle(deliveryId);
  let info: WorkflowExecutionDescription;
  try {
    info = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const owner = info.typedSearchAttributes.get(searchAttributes.tenantId);
  if (info.type !== DELIVERY_WORKFLOW_TYPE || (tenantId !== undefined && owner !== tenantId))
    return undefined;
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

/**
 * Asks a dead letter for a fresh round of attempts: only dead letters (its current state decides,
 * not visibility's), and with `tenantId` only that tenant's.
 */
export async function replayDelivery(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<ReplayOutcome> {
  const delivery = await getDelivery(client, deliveryId, tenantId);
  if (!delivery) return 'not_found';
  if (delivery.status !== 'dead_lettered') return 'not_dead_lettered';
  await client.workflow.getHandle(deliveryId).signal(replaySignal);
  return 'replayed';
}

export interface ReplayTally {
  replayed: string[];
  /** Not dead-lettered any more (replayed meanwhile, or expired). */
  skipped: string[];
  failed: Array<{ id: string; error: unknown }>;
}

/** Replays each of `deliveryIds`, `concurrency` at a time; `onEach` hears of every one as it ends. */
export async function replayEach(
  client: Client,
  deliveryIds: readonly string[],
  { concurrency, tenantId, onEach }: { concurrency: number; tenantId?: string; onEach?: () => void },
): Promise<ReplayTally> {
  const tally: ReplayTally = { replayed: [], skipped: [], failed: [] };
  const limit = pLimit(concurrency);
  await Promise.all(
    deliveryIds.map((id) =>
      limit(async () => {
        try {
          const outcome = await replayDelivery(client, id, tenantId);
          (outcome === 'replayed' ? tally.replayed : tally.skipped).push(id);
        } catch (error) {
          tally.failed.push({ id, error });
        } finally {
          onEach?.();
        }
      }),
    ),
  );
  return tally;
}
