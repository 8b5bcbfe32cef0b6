import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { DeliveryInput, DeliveryPlan } from '../../workflows/delivery-contract';
import { CALLBACK_ENDPOINT_PREFIX, deliveryWorkflowId } from '../../workflows/ids';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { deliveryPlan, testPlan } from '../deliveries/delivery-plan';
import type { DeliverySettings, DeliveryStarts } from '../deliveries/start-deliveries';
import { startDelivery } from '../deliveries/start-deliveries';
import type { TenantStore } from '../store/tenant-store';
import { DELIVERY_WORKFLOW_TYPE } from '../temporal/visibility-query';

export interface ResendDeps {
  store: TenantStore;
  starts: DeliveryStarts;
  settings: DeliverySettings;
}

export interface ResentDelivery {
  delivery_id: string;
  resent_from: string;
  endpoint_id: string;
  signal_id: string;
  /** Why the new delivery will never be sent (the body is over the size limit, as it was before). */
  rejected: string | null;
}

export type ResendOutcome =
  | { outcome: 'resent'; delivery: ResentDelivery }
  | { outcome: 'not_found' }
  /** The endpoint it went to has been deleted: there is nowhere to send it. */
  | { outcome: 'endpoint_deleted' };

/**
 * Sends a delivery again, whatever its status, as a new delivery of the same body: the same event
 * (its `signal_id` unchanged, so receivers that drop duplicates by it still can), a new delivery id,
 * and the original's id in the new one's `resent_from`. Like a replay it goes under the endpoint's
 * current settings (URL, secret, retries); a one-off callback goes to its URL again. With `tenantId`,
 * only that tenant's deliveries; the API and the CLI both call this.
 */
export async function resendDelivery(
  deps: ResendDeps,
  deliveryId: string,
  tenantId?: string,
): Promise<ResendOutcome> {
  const { client } = deps.starts;
  const original = await startedWith(client, deliveryId);
  if (!original || (tenantId !== undefined && original.input.tenantId !== tenantId)) {
    return { outcome: 'not_found' };
  }
  const { input, eventType, signalType } = original;
  const plan = await currentPlan(deps, input);
  if (!plan) return { outcome: 'endpoint_deleted' };
  const endpoint = plan.plan.endpoint.id;
  const started = await startDelivery(deps.starts, deps.settings.taskQueue, {
    ...input,
    // The event's own delivery id and a fresh suffix: resending a resend does not grow the id.
    deliveryId: `${deliveryWorkflowId(endpoint, input.signalId)}_r${randomBytes(4).toString('hex')}`,
    plan: plan.plan,
    endpointTroubled: plan.troubled,
    eventType,
    ...(signalType ? { signalType } : {}),
    resentFrom: deliveryId,
    // Someone asked for it by hand and is waiting for it.
    lane: 'hot',
  });
  return {
    outcome: 'resent',
    delivery: {
      delivery_id: started.delivery_id,
      resent_from: deliveryId,
      endpoint_id: endpoint,
      signal_id: input.signalId,
      rejected: started.rejected,
    },
  };
}

interface OriginalDelivery {
  input: DeliveryInput;
  eventType: string;
  signalType: string | undefined;
}

/** A delivery's input, read from the first event of its history; `undefined` if there is none. */
/**
 * The body a delivery sends (every attempt sends the same bytes), for the delivery log; `undefined`
 * when there is no such delivery, or with `tenantId` when it is another tenant's.
 */
export async function sentPayload(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<Record<string, unknown> | undefined> {
  const original = await startedWith(client, deliveryId);
  if (!original || (tenantId !== undefined && original.input.tenantId !== tenantId)) return undefined;
  return original.input.payload;
}

async function startedWith(client: Client, deliveryId: string): Promise<OriginalDelivery | undefined> {
  let description;
  try {
    description = await client.workflow.getHandle(deliveryId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  if (description.type !== DELIVERY_WORKFLOW_TYPE) return undefined;
  // One event is all it takes: the start carries the input, whatever followed.
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: deliveryId, runId: description.runId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) return undefined;
  const [input] = (await decodeArrayFromPayloads(
    client.options.loadedDataConverter,
    started.input?.payloads,
  )) as [DeliveryInput | undefined];
  if (!input) return undefined;
  const attributes = description.typedSearchAttributes;
  return {
    input: { ...input, kind: input.kind ?? 'event' },
    eventType: attributes.get(searchAttributes.eventType) ?? 'buying_signal',
    signalType: attributes.get(searchAttributes.signalType),
  };
}

/**
 * The plan of the new delivery: the endpoint's as it is now (a send-test's plan for a send-test), or
 * a one-off callback's own, which has no endpoint to change.
 */
async function currentPlan(
  deps: ResendDeps,
  input: DeliveryInput,
): Promise<{ plan: DeliveryPlan; troubled: boolean } | undefined> {
  if (input.plan.endpoint.id.startsWith(CALLBACK_ENDPOINT_PREFIX))
    return { plan: input.plan, troubled: false };
  const endpoint = await deps.store.getEndpoint(input.tenantId, input.plan.endpoint.id);
  if (!endpoint) return undefined;
  if (input.kind === 'test') return { plan: testPlan(endpoint, deps.settings), troubled: false };
  const troubled = endpoint.health.paused !== null || endpoint.health.failing;
  return { plan: deliveryPlan(endpoint, deps.settings), troubled };
}
