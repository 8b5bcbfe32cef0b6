import type { Config } from '../config';
import type { DeliveryPlan } from '../../workflows/delivery-contract';
import type { EndpointRecord } from '../../workflows/records';
import { retryScheduleSeconds } from './retry-schedule';

/** Service-wide settings that shape every delivery, from the configuration. */
export interface PlanSettings {
  /** Signature header of endpoints created without a preset. */
  signatureHeader: string;
  retryDelayScale: number;
  deadLetterRetentionMs: number;
  /** A rendered payload larger than this is never sent (PQ Intel: 256 KB). */
  maxPayloadBytes: number;
}

/** The service-wide delivery settings, as configured. */
export const planSettingsOf = (config: Readonly<Config>): PlanSettings => ({
  signatureHeader: config.signatureHeader,
  retryDelayScale: config.retryDelayScale,
  maxPayloadBytes: config.maxPayloadBytes,
  deadLetterRetentionMs: config.deadLetterRetentionMs,
});

/** Turns an endpoint's settings into what one round of delivery attempts needs. */
export function deliveryPlan(endpoint: EndpointRecord, settings: PlanSettings): DeliveryPlan {
  const secrets = [];
  if (endpoint.secret !== null) secrets.push({ secret: endpoint.secret, expiresAt: null });
  if (endpoint.previous_secret) {
    secrets.push({ secret: endpoint.previous_secret.secret, expiresAt: endpoint.previous_secret.expires_at });
  }
  return {
    endpoint: {
      id: endpoint.id,
      url: endpoint.url,
      method: endpoint.method,
      headers: endpoint.headers,
      signature: endpoint.signature,
      secrets,
      timeoutMs: endpoint.timeout_seconds * 1000,
      traceContext: endpoint.trace_context,
    },
    retryDelaysMs: scaledDelays(retryScheduleSeconds(endpoint.retry_policy), settings),
    deadLetterQueue: endpoint.dead_letter_queue,
    deadLetterRetentionMs: settings.deadLetterRetentionMs,
    rateLimitPerMinute: endpoint.rate_limit_per_minute,
  };
}

/** A send-test's plan: one attempt, no dead letter, outside the endpoint's rate limit. */
export const testPlan = (endpoint: EndpointRecord, settings: PlanSettings): DeliveryPlan => ({
  ...deliveryPlan(endpoint, settings),
  retryDelaysMs: [],
  deadLetterQueue: false,
  rateLimitPerMinute: null,
});

export function scaledDelays(seconds: number[], settings: Pick<PlanSettings, 'retryDelayScale'>): number[] {
  return seconds.map((s) => Math.round(s * 1000 * settings.retryDelayScale));
}
