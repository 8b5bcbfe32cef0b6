import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import pLimit from 'p-limit';
import { deliveryStateQuery } from '../../workflows/delivery-contract';
import type { AttemptErrorKind, DeliveryState, DeliveryStatus } from '../../workflows/delivery-contract';
import { deliveryWorkflowId } from '../../workflows/ids';
import type { TenantStore } from '../store/tenant-store';
import type { DeliverySummary } from './delivery-log';
import { describeDelivery, listDeliveries, readState, summarize } from './delivery-log';

/**
 * Statuses after which a delivery makes no attempt of its own: a dead letter waits for a replay (by
 * hand, or by its endpoint's recovery), so a receipt counts it as final, like the wait's caller would.
 */
export const FINAL_DELIVERY_STATUSES: ReadonlySet<DeliveryStatus> = new Set<DeliveryStatus>([
  'delivered',
  'failed',
  'dead_lettered',
  'expired',
  'rejected',
]);

/** One endpoint's part of a receipt: the delivery of the signal to it, in brief. */
export interface EndpointReceipt {
  endpoint_id: string;
  delivery_id: string;
  /** `event` for a subscribed endpoint, `callback` for the intake call's one-off URL. */
  kind: string;
  status: DeliveryStatus;
  final: boolean;
  attempt_count: number;
  last_attempt: {
    started_at: string;
    http_status: number | null;
    error_kind: AttemptErrorKind | null;
  } | null;
  next_attempt_at: string | null;
  completed_at: string | null;
  /** Set on a resend: the delivery it sent again. */
  resent_from: string | null;
}

export interface SignalReceipt {
  signal_id: string;
  tenant_id: string;
  /** Every delivery is final. */
  complete: boolean;
  delivered: number;
  deliveries: EndpointReceipt[];
}

/** Most deliveries read at once: a tenant with many endpoints must not flood the frontend. */
const READ_CONCURRENCY = 16;
/** How many deliveries of one signal visibility is asked for (endpoints and resends). */
const LISTED_LIMIT = 1000;
/** Pauses between reads while waiting: quick at first, when most deliveries end, then sparser. */
const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 2_000;

/**
 * How long a running delivery's query may take. A query waits for the workflow task in progress,
 * which lasts as long as an attempt in flight (up to the endpoint's timeout): past this the receipt
 * shows what the delivery's search attributes say instead, so a wait is never stretched by one.
 */
const QUERY_BUDGET_MS = 1_000;
const DEADLINE_EXCEEDED = 4;

function isDeadlineExceeded(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (isGrpcServiceError(current)) return current.code === DEADLINE_EXCEEDED;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function receiptOf(summary: DeliverySummary, state: DeliveryState | undefined): EndpointReceipt {
  const status = (state?.status ?? summary.status ?? 'pending') as DeliveryStatus;
  const last = state?.attempts[state.attempts.length - 1];
  return {
    endpoint_id: summary.endpoint_id ?? '',
    delivery_id: summary.id,
    kind: summary.kind,
    status,
    final: FINAL_DELIVERY_STATUSES.has(status),
    attempt_count: state?.attempts.length ?? summary.attempt_count,
    last_attempt: last
      ? { started_at: last.started_at, http_status: last.http_status, error_kind: last.error_kind }
      : null,
    next_attempt_at: state?.nextAttemptAt ?? null,
    completed_at: summary.completed_at,
    resent_from: summary.resent_from,
  };
}

/** One delivery of the tenant's, as its own state has it; undefined when there is none (or a test). */
async function readDelivery(
  client: Client,
  id: string,
  tenantId: string,
): Promise<EndpointReceipt | undefined> {
  const handle = client.workflow.getHandle(id);
  const info = await describeDelivery(client, id, tenantId);
  if (!info) return undefined;
  const summary = summarize(info);
  if (summary.kind === 'test') return undefined;
  const state = await readState(
    info,
    () => handle.result(),
    () => client.withDeadline(Date.now() + QUERY_BUDGET_MS, () => handle.query(deliveryStateQuery)),
  ).catch((error: unknown) => {
    if (isDeadlineExceeded(error)) return undefined;
    throw error;
  });
  return receiptOf(summary, state);
}

/**
 * The ids of every delivery of the signal: derived from the tenant's endpoints (exact at once, as
 * a delivery's id is its endpoint and signal), and listed from visibility for the rest (endpoints
 * deleted since, the one-off callback, resends), which may lag a little behind a fresh intake.
 */
async function deliveryIds(deps: ReceiptDeps, tenantId: string, signalId: string): Promise<string[]> {
  const [endpoints, listed] = await Promise.all([
    deps.store.listEndpoints(tenantId),
    listDeliveries(deps.client, { tenantId, signalId }, LISTED_LIMIT),
  ]);
  const ids = new Set(endpoints.map((endpoint) => deliveryWorkflowId(endpoint.id, signalId)));
  for (const delivery of listed) if (delivery.kind !== 'test') ids.add(delivery.id);
  return [...ids];
}

export interface ReceiptDeps {
  client: Client;
  store: TenantStore;
}

/** The signal's receipt as its deliveries' own state has it now; undefined when it has none. */
export async function readReceipt(
  deps: ReceiptDeps,
  tenantId: string,
  signalId: string,
): Promise<SignalReceipt | undefined> {
  const ids = await deliveryIds(deps, tenantId, signalId);
  const slot = pLimit(READ_CONCURRENCY);
  const found = await Promise.all(ids.map((id) => slot(() => readDelivery(deps.client, id, tenantId))));
  const deliveries = found
    .filter((delivery): delivery is EndpointReceipt => delivery !== undefined)
    .sort((a, b) => a.delivery_id.localeCompare(b.delivery_id));
  if (deliveries.length === 0) return undefined;
  return {
    signal_id: signalId,
    tenant_id: tenantId,
    complete: deliveries.every((delivery) => delivery.final),
    delivered: deliveries.filter((delivery) => delivery.status === 'delivered').length,
    deliveries,
  };
}

/**
 * The receipt once every delivery is final, or as it stands when `waitMs` runs out (or `signal`
 * aborts, the caller having gone). Deliveries are read again after pauses that grow from 100 ms to
 * 2 s: a dead letter never closes its workflow, so there is no result to wait on for all of them.
 */
export async function waitForReceipt(
  deps: ReceiptDeps,
  tenantId: string,
  signalId: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<SignalReceipt | undefined> {
  const deadline = Date.now() + waitMs;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    const receipt = await readReceipt(deps, tenantId, signalId);
    const left = deadline - Date.now();
    if (!receipt || receipt.complete || left <= 0 || signal?.aborted) return receipt;
    await sleep(Math.min(pause, left), undefined, { signal }).catch(() => undefined);
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
  }
}
