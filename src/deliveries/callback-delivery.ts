import { createHash } from 'node:crypto';
import { CALLBACK_ENDPOINT_PREFIX, deliveryWorkflowId } from '../../workflows/ids';
import type { DeliveryPlan } from '../../workflows/delivery-contract';
import type { TenantRecord } from '../../workflows/records';
import type { OperationResultData } from '../events/schemas/operation';
import { DEFAULT_PAYLOAD_FORMAT } from '../render/payload-format';
import { DEFAULT_HOT_RULE, laneOf } from './delivery-lane';
import { scaledDelays } from './delivery-plan';
import type { AcceptedEvent } from './render-for-endpoint';
import { renderForEndpoint } from './render-for-endpoint';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from './retry-schedule';
import type { DeliverySettings, DeliveryStarts, StartedDelivery } from './start-deliveries';
import { startDelivery } from './start-deliveries';

/** The stand-in endpoint id of a one-off URL: the same URL gets the same id, and hides the URL. */
export function callbackEndpointId(url: string): string {
  return `${CALLBACK_ENDPOINT_PREFIX}${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}

/**
 * The lead-save API's `webhook_url`: the event goes once to a URL given with the call, with no
 * endpoint configured. It is posted as JSON, retried 3 times with backoff like any delivery, signed
 * with the tenant's callback secret (Standard Webhooks) and kept in the delivery log.
 */
export function callbackPlan(url: string, tenant: TenantRecord, settings: DeliverySettings): DeliveryPlan {
  return {
    endpoint: {
      id: callbackEndpointId(url),
      url,
      method: 'POST',
      headers: {},
      signature: { scheme: 'standard_webhooks', header: 'webhook-signature', body_field: null },
      secrets: tenant.callback_secret ? [{ secret: tenant.callback_secret, expiresAt: null }] : [],
      timeoutMs: 30_000,
    },
    retryDelaysMs: scaledDelays([...DEFAULT_RETRY_SCHEDULE_SECONDS], settings),
    deadLetterQueue: false,
    deadLetterRetentionMs: settings.deadLetterRetentionMs,
    rateLimitPerMinute: null,
  };
}

/**
 * What the one-off URL receives. For an operation's result, the lead-save page promises "the same
 * response data that would be returned by the API call": the result itself, not the event around
 * it. Any other event goes as it would to a flat endpoint.
 */
function callbackEvent(event: AcceptedEvent): AcceptedEvent {
  if (event.type !== 'operation.result') return event;
  return { ...event, data: (event.data as OperationResultData).result };
}

export async function startCallback(
  starts: DeliveryStarts,
  settings: DeliverySettings,
  tenant: TenantRecord,
  event: AcceptedEvent,
  url: string,
): Promise<StartedDelivery> {
  const plan = callbackPlan(url, tenant, settings);
  const { payload, rejection } = renderForEndpoint(
    callbackEvent(event),
    tenant,
    { envelope: 'flat', payload_format: DEFAULT_PAYLOAD_FORMAT },
    settings.maxPayloadBytes,
  );
  return startDelivery(starts, settings.taskQueue, {
    deliveryId: deliveryWorkflowId(plan.endpoint.id, event.id),
    tenantId: tenant.id,
    signalId: event.id,
    eventType: event.type,
    kind: 'callback',
    plan,
    payload,
    rejection,
    endpointTroubled: false,
    lane: laneOf(event, DEFAULT_HOT_RULE),
  });
}
