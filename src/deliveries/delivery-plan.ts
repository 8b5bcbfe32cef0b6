import type { DeliveryPlan, EndpointRecord } from '../../workflows/contract';
import { retryScheduleSeconds } from './retry-schedule';

/** Service-wide settings that shape every delivery, from the configuration. */
export interface PlanSettings {
  signatureHeader: string;
  retryDelayScale: number;
  deadLetterRetentionMs: number;
}

/** Turns an endpoint's settings into what one round of delivery attempts needs. */
export function deliveryPlan(endpoint: EndpointRecord, settings: PlanSettings): DeliveryPlan {
  return {
    endpoint: {
      id: endpoint.id,
      url: endpoint.url,
      secret: endpoint.secret,
      signatureHeader: settings.signatureHeader,
      timeoutMs: endpoint.timeout_seconds * 1000,
    },
    retryDelaysMs: retryScheduleSeconds(endpoint.retry_policy).map((seconds) =>
      Math.round(seconds * 1000 * settings.retryDelayScale),
    ),
    deadLetterQueue: endpoint.dead_letter_queue,
    deadLetterRetentionMs: settings.deadLetterRetentionMs,
  };
}
