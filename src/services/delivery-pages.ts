import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { temporal } from '@temporalio/proto';
import type { DeliveryListQuery } from '../schemas/deliveries';
import type { DeliveryFilter, StartPosition } from '../temporal/visibility-query';
import {
  DELIVERY_WORKFLOW_TYPE,
  deliveryQuery,
  runningClause,
  startedAfterPosition,
} from '../temporal/visibility-query';
import type { DeadLetterSelection, DeliverySummary } from './delivery-log';
import { deadLetterFilter, summarize } from './delivery-log';

/** One page of a delivery listing, and where the next one starts (null: this is the last). */
export interface DeliveryPage {
  deliveries: DeliverySummary[];
  next: StartPosition | null;
}

type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

/** The deliveries a listing's query picks (the API's `GET /v1/deliveries`, the portal's log), of one tenant. */
export const deliveryListFilter = (
  tenantId: string,
  query: Omit<DeliveryListQuery, 'limit' | 'cursor'>,
): DeliveryFilter => ({
  tenantId,
  endpointId: query.endpoint_id,
  signalId: query.signal_id,
  status: query.status,
  eventType: query.event_type,
  startedSince: query.since,
  startedUntil: query.until,
});

/** A page's position read back (from a cursor), if `value` holds one. */
export function startPosition(value: unknown): StartPosition | undefined {
  const { startTime, runId } = (value ?? {}) as Partial<StartPosition>;
  if (typeof startTime !== 'string' || Number.isNaN(Date.parse(startTime))) return undefined;
  return typeof runId === 'string' ? { startTime, runId } : undefined;
}

/** Visibility pages read per call while looking for a page's ended deliveries. */
const SCAN_PAGE_SIZE = 200;

/**
 * A visibility timestamp to the nanosecond, as a query literal compares it: a position must name
 * the exact start, or two deliveries started within one millisecond would be skipped or repeated.
 */
function preciseInstant(timestamp: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']): string {
  const seconds = Number(timestamp?.seconds ?? 0);
  const nanos = String(timestamp?.nanos ?? 0).padStart(9, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
}

const positionOf = (raw: RawExecution): StartPosition => ({
  startTime: preciseInstant(raw.startTime),
  runId: raw.execution?.runId ?? '',
});

/** Newest start first, then by run id: the order visibility lists running executions in. */
const byStart = (a: StartPosition, b: StartPosition): number =>
  b.startTime.localeCompare(a.startTime) || a.runId.localeCompare(b.runId);

/**
 * One page of the deliveries `filter` picks, newest started first, resuming after `after`.
 *
 * Temporal's SQL visibility cannot order by start time: it lists running executions newest first
 * and then ended ones by when they ended, so its own page token repeats a delivery that ends while
 * a client pages. Pages here are cut by start time instead, which never changes: the running ones
 * come in start order already (one call), and ended ones are read most recently ended first until
 * one ended before the oldest start the page holds: none read after it can have started later, since
 * nothing ends before it starts. A delivery never shows twice and none is skipped, however many end
 * or start meanwhile (new ones sort before the first page).
 */
export async function listDeliveryPage(
  client: Client,
  filter: DeliveryFilter,
  limit: number,
  after?: StartPosition,
): Promise<DeliveryPage> {
  const base = [deliveryQuery(filter), ...(after ? [startedAfterPosition(after)] : [])];
  const list = (query: string[], pageSize: number, nextPageToken?: Uint8Array | null) =>
    client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: query.join(' AND '),
      pageSize,
      nextPageToken: nextPageToken ?? null,
    });
  // One more than the page, to know whether another page follows.
  const wanted = limit + 1;
  const found = (await list([...base, runningClause(true)], wanted)).executions;
  const oldestWanted = () =>
    found.length < wanted ? undefined : [...found].map(positionOf).sort(byStart)[wanted - 1]!.startTime;
  let token: Uint8Array | null | undefined;
  scan: do {
    const page = await list([...base, runningClause(false)], SCAN_PAGE_SIZE, token);
    for (const raw of page.executions) {
      const floor = oldestWanted();
      if (floor !== undefined && preciseInstant(raw.closeTime) < floor) break scan;
      // One that ended between the two reads is in both: keep it once.
      if (!found.some((seen) => seen.execution?.runId === raw.execution?.runId)) found.push(raw);
    }
    token = page.nextPageToken;
  } while (token && token.length > 0);

  const ordered = found
    .map((raw) => ({ raw, position: positionOf(raw) }))
    .sort((a, b) => byStart(a.position, b.position));
  const deliveries: DeliverySummary[] = [];
  for (const { raw } of ordered.slice(0, limit)) {
    const info = await executionInfoFromRaw(
      raw,
      client.options.loadedDataConverter,
      raw,
      client.options.namespace,
    );
    if (info.type === DELIVERY_WORKFLOW_TYPE) deliveries.push(summarize(info));
  }
  return { deliveries, next: ordered.length > limit ? ordered[limit - 1]!.position : null };
}

/** A page of the dead letters `selection` picks, newest started first (the operator's `query` is not used). */
export const listDeadLetterPage = (
  client: Client,
  selection: Omit<DeadLetterSelection, 'query'> & { until?: string | undefined },
  limit: number,
  after?: StartPosition,
): Promise<DeliveryPage> =>
  listDeliveryPage(
    client,
    { ...deadLetterFilter(selection), deadLetteredUntil: selection.until },
    limit,
    after,
  );
