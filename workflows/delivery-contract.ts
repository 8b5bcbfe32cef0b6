/**
 * The contract of the delivery workflow (one per signal and endpoint): its input, state and result,
 * and the handles its callers and the endpoint health workflow use.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { HttpMethod, SignatureSetting } from './records';

/** What started a delivery: an event for a subscribed endpoint, a send-test, or a one-off callback. */
export const DELIVERY_KINDS = ['event', 'test', 'callback'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_STATUSES = [
  'pending',
  /** Waiting for an earlier delivery with the same ordering key to end its turn (`waitingFor`). */
  'queued',
  'retrying',
  'held',
  'delivered',
  'failed',
  'dead_lettered',
  'expired',
  /** Never sent: the rendered payload broke a limit (its reason is in the log). */
  'rejected',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** How an attempt failed; `null` on success. */
export const ATTEMPT_ERROR_KINDS = [
  'timeout',
  'connection_refused',
  'connection_error',
  'dns',
  'tls',
  'redirect',
  'non_2xx',
  'forbidden_address',
  /** The endpoint's settings cannot make a request (a secret that cannot sign): not retried. */
  'misconfigured',
  'internal',
] as const;
export type AttemptErrorKind = (typeof ATTEMPT_ERROR_KINDS)[number];

export interface AttemptRecord {
  attempt: number;
  started_at: string;
  latency_ms: number;
  http_status: number | null;
  error_kind: AttemptErrorKind | null;
  /** First 1 KB of the response body, as text. */
  response_body: string;
  /** What the receiver's Retry-After asked for on a 429 or 503, in ms; null otherwise. */
  retry_after_ms: number | null;
}

/** What a delivery needs of its endpoint, frozen when the event is accepted. */
export interface EndpointSnapshot {
  id: string;
  url: string;
  method: HttpMethod;
  /** The owner's own request headers (an Authorization token, say). */
  headers: Record<string, string>;
  signature: SignatureSetting;
  /** Current secret first; a rotated-out one follows until its expiry. Empty: unsigned. */
  secrets: Array<{ secret: string; expiresAt: string | null }>;
  timeoutMs: number;
  /** Send the trace's `traceparent`; absent in deliveries started before the setting existed. */
  traceContext?: boolean;
}

/** How one round of attempts goes: where, and on what schedule; re-read for every replay. */
export interface DeliveryPlan {
  endpoint: EndpointSnapshot;
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
  /** Keep the delivery as a dead letter when the round fails, instead of ending it. */
  deadLetterQueue: boolean;
  deadLetterRetentionMs: number;
  /** Requests a minute the endpoint takes, across every worker; null: no limit. */
  rateLimitPerMinute: number | null;
}

export interface DeliveryInput {
  deliveryId: string;
  tenantId: string;
  /** The event's id (a PQ Intel signal's `signal_id`). */
  signalId: string;
  kind: DeliveryKind;
  plan: DeliveryPlan;
  /** The body to send, already rendered; the activity serializes it once and signs those bytes. */
  payload: Record<string, unknown>;
  /** Set when the rendered payload may not be sent at all; the delivery ends as rejected. */
  rejection: string | null;
  /**
   * The endpoint was paused or failing when the signal came in: ask its health workflow before the
   * first attempt, and report a success. Healthy endpoints skip both.
   */
  endpointTroubled: boolean;
  /**
   * The endpoint takes deliveries with the same ordering key one at a time: this one waits for its
   * turn from the key's sequencer. Absent for unordered deliveries (and those started before).
   */
  ordering?: { sequencerId: string };
  /**
   * The signal tracker (workflows/signal-tracker.ts) to tell how this delivery first ends. Only for
   * events of a tenant with `signal_completed_events` on; absent in deliveries started before.
   */
  tracker?: string;
}

export interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  attempts: AttemptRecord[];
  nextAttemptAt: string | null;
  deadLetteredAt: string | null;
  /** When a dead letter expires if nobody replays it. */
  expiresAt: string | null;
  replays: number;
  /** Why a rejected delivery was never sent. */
  rejectedReason: string | null;
  /** While queued: the earlier delivery with the same ordering key it waits for. */
  waitingFor?: string | null;
}

export type DeliveryResult = DeliveryState;

export const deliveryStateQuery = defineQuery<DeliveryState>('deliveryStateQuery');

/** Runs a dead letter's fresh round of attempts under the endpoint's current settings. */
export const replaySignal = defineSignal('replaySignal');

/** The endpoint health workflow's answer to a hold check: go on, or wait (held) for release. */
export const holdAnswerSignal = defineSignal<[HoldAnswer]>('holdAnswerSignal');

export interface HoldAnswer {
  /** False while the endpoint is paused; a later answer with true releases the delivery. */
  proceed: boolean;
  /** The endpoint was deleted while the delivery waited: it ends without another attempt. */
  endpointDeleted: boolean;
  consecutiveFailures: number;
  /** The endpoint's rate limit gave this attempt a slot at this time (ISO); null: go now. */
  notBefore: string | null;
  /**
   * Paused, and the endpoint holds as many deliveries as it can call back: this one asks again
   * after this long (ms) instead of waiting to be called. Absent in answers older than the limit.
   */
  askAgainAfterMs?: number;
}

/**
 * The key's sequencer to a queued delivery: go now, or wait behind `behind` (the delivery queued
 * just before it with the same key) until a later answer says go.
 */
export const keyTurnSignal = defineSignal<[KeyTurn]>('keyTurnSignal');

export interface KeyTurn {
  go: boolean;
  behind: string | null;
}

/** Failure type of an attempt whose endpoint settings cannot make a request; never retried. */
export const ENDPOINT_MISCONFIGURED = 'EndpointMisconfigured';

/** Failure type of a delivery that exhausted its attempts. */
export const DELIVERY_FAILED = 'DeliveryFailed';
