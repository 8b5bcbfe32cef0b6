/**
 * The contract between the API, the worker, the CLI and the workflows: task queue, workflow inputs
 * and outputs, and every signal/query/update handle. Workflow code imports this module, so it may
 * import nothing but `@temporalio/workflow`.
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const TASK_QUEUE = 'signal-push';

/** Custom search attributes the service registers; names are what operators type in the Web UI. */
export const searchAttributes = {
  tenantId: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  endpointId: defineSearchAttributeKey('EndpointId', SearchAttributeType.KEYWORD),
  signalId: defineSearchAttributeKey('SignalId', SearchAttributeType.KEYWORD),
  signalType: defineSearchAttributeKey('SignalType', SearchAttributeType.KEYWORD),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', SearchAttributeType.KEYWORD),
  deliveryAttempts: defineSearchAttributeKey('DeliveryAttempts', SearchAttributeType.INT),
  deadLetteredAt: defineSearchAttributeKey('DeadLetteredAt', SearchAttributeType.DATETIME),
  eventType: defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD),
  deliveryKind: defineSearchAttributeKey('DeliveryKind', SearchAttributeType.KEYWORD),
};

/** What started a delivery: an event for a subscribed endpoint, a send-test, or a one-off callback. */
export const DELIVERY_KINDS = ['event', 'test', 'callback'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_STATUSES = [
  'pending',
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
export type AttemptErrorKind =
  | 'timeout'
  | 'connection_refused'
  | 'connection_error'
  | 'dns'
  | 'tls'
  | 'redirect'
  | 'non_2xx'
  | 'forbidden_address'
  | 'internal';

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

export type SignatureScheme = 'hex' | 'sha256_prefixed' | 'standard_webhooks' | 'none';
export type HttpMethod = 'POST' | 'PUT' | 'PATCH';

/** How requests to an endpoint are signed, as its owner configured it. */
export interface SignatureSetting {
  scheme: SignatureScheme;
  /** Header of the `hex` and `sha256_prefixed` schemes; Standard Webhooks has its own three. */
  header: string;
  /** Also put the hex signature of the body in the body under this key (PQ Intel's `signature`). */
  body_field: string | null;
}

/** A secret replaced by a rotation, still signed with until it expires. */
export interface PreviousSecret {
  secret: string;
  expires_at: string;
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
}

/** Retry bounds as the endpoint owner sets them (PQ Intel's settings panel). */
export interface BackoffRetryPolicy {
  max_retries: number;
  interval_seconds: number;
  backoff: 'exponential' | 'fixed';
}

/** An explicit list of delays (QuintaGo: 5 s, 25 s, 2 m, 10 m, 30 m); empty: one attempt only. */
export interface ListedRetryPolicy {
  delays_seconds: number[];
}

export type RetryPolicySetting = BackoffRetryPolicy | ListedRetryPolicy;

export interface EndpointFilters {
  signal_types: string[];
  icp_profile_names: string[];
  classifications: string[];
  /** Minimum score of events that carry one (a PQ Intel ICP score, a saved lead's score). */
  min_icp_score: number | null;
  /** Siggnal projects and priorities. */
  projects: string[];
  priorities: string[];
}

export type PauseReason = 'failure_streak' | 'gone' | 'manual';

export interface PauseInfo {
  reason: PauseReason;
  at: string;
}

/** What the tenant store mirrors of an endpoint's health, so intake needs no extra read. */
export interface EndpointHealthSummary {
  paused: PauseInfo | null;
  /** At least one delivery failed since the last success. */
  failing: boolean;
}

export interface EndpointRecord {
  id: string;
  tenant_id: string;
  /** The preset it was created from, if any; its settings were copied and may since differ. */
  preset: string | null;
  url: string;
  /** Unique within the tenant. */
  label: string;
  /** The owner's note on what the endpoint is for. */
  description: string;
  enabled: boolean;
  method: HttpMethod;
  headers: Record<string, string>;
  /** Event types it subscribes to: exact names, `*`, or prefixes such as `lead.*`. */
  event_types: string[];
  filters: EndpointFilters;
  envelope: string;
  payload_format: PayloadFormatSetting;
  signature: SignatureSetting;
  /** `null`: requests go unsigned (Prospektr's secret is optional). */
  secret: string | null;
  previous_secret: PreviousSecret | null;
  /** `null` means the seed's default schedule (1 s, 5 s, 30 s). */
  retry_policy: RetryPolicySetting | null;
  timeout_seconds: number;
  /** Consecutive failed deliveries that pause the endpoint (PQ Intel 20, QuintaGo 100); null: never. */
  pause_threshold: number | null;
  rate_limit_per_minute: number | null;
  /** Refuse plain-http URLs for this endpoint whatever the service allows (Siggnal). */
  https_only: boolean;
  dead_letter_queue: boolean;
  health: EndpointHealthSummary;
  created_at: string;
  updated_at: string;
}

export interface PayloadFormatSetting {
  include: string[];
  exclude: string[];
  flatten: boolean;
  extra: Record<string, string | number | boolean | null>;
}

/** What a tenant's plan allows (PQ Intel Pro: 10 endpoints, 60 requests a minute each). */
export interface TenantPlan {
  /** null: no quota. */
  max_endpoints: number | null;
  /** Default and ceiling of each endpoint's rate limit; null: none. */
  rate_limit_per_minute: number | null;
}

export interface TenantRecord {
  id: string;
  name: string;
  plan: TenantPlan;
  /** Signs one-off `webhook_url` callbacks (Standard Webhooks); shown once, at creation. */
  callback_secret: string | null;
  /** Where pause and resume notices go; personal data, so it never leaves the tenant's state. */
  owner_email: string | null;
  /** SHA-256 of the API key, hex; the key itself is never stored. */
  api_key_hash: string;
  created_at: string;
}

export type EndpointPatch = Partial<Omit<EndpointRecord, 'id' | 'tenant_id' | 'health' | 'created_at'>>;

export interface CreateEndpointInput {
  endpoint: EndpointRecord;
}

export interface PatchEndpointInput {
  id: string;
  patch: EndpointPatch;
  updatedAt: string;
}

export interface DeleteEndpointInput {
  id: string;
}

export interface SetEndpointHealthInput {
  id: string;
  health: EndpointHealthSummary;
}

export interface RotateApiKeyInput {
  /** SHA-256 of the new key, hex; from the update on, only this key opens the tenant's routes. */
  apiKeyHash: string;
}

/** Failure type thrown by tenant updates when the endpoint does not exist. */
export const ENDPOINT_NOT_FOUND = 'EndpointNotFound';
/** Failure type of a create or rename to a label another endpoint of the tenant has. */
export const ENDPOINT_LABEL_TAKEN = 'EndpointLabelTaken';
/** Failure type of a create beyond the tenant plan's endpoint quota. */
export const ENDPOINT_QUOTA_REACHED = 'EndpointQuotaReached';
/** Failure type of a delivery that exhausted its attempts. */
export const DELIVERY_FAILED = 'DeliveryFailed';

export const tenantQuery = defineQuery<TenantRecord>('tenantQuery');
// The endpoint writes of the version that kept endpoint records in the tenant's state; only its
// histories still carry them (workflows/tenant-legacy.ts).
export const createEndpointUpdate = defineUpdate<EndpointRecord, [CreateEndpointInput]>(
  'createEndpointUpdate',
);
export const patchEndpointUpdate = defineUpdate<EndpointRecord, [PatchEndpointInput]>('patchEndpointUpdate');
export const deleteEndpointUpdate = defineUpdate<void, [DeleteEndpointInput]>('deleteEndpointUpdate');
export const setEndpointHealthUpdate = defineUpdate<void, [SetEndpointHealthInput]>(
  'setEndpointHealthUpdate',
);
export const rotateApiKeyUpdate = defineUpdate<void, [RotateApiKeyInput]>('rotateApiKeyUpdate');

// Endpoint health: one long-lived workflow per endpoint.

export interface EndpointHealthState {
  tenantId: string;
  endpointId: string;
  threshold: number | null;
  consecutiveFailures: number;
  paused: PauseInfo | null;
  /** Deliveries waiting for the endpoint to be resumed. */
  heldDeliveryIds: string[];
  /** Set once the endpoint is deleted: held deliveries are let go and the workflow ends. */
  retired: boolean;
  /** The endpoint's rate limit as the latest delivery reported it. */
  rateLimitPerMinute: number | null;
  /** Epoch ms of the next free request slot under that limit. */
  nextSlotAt: number;
}

export type EndpointHealthInput = Pick<EndpointHealthState, 'tenantId' | 'endpointId' | 'threshold'> &
  Partial<EndpointHealthState>;

export interface DeliveryOutcome {
  deliveryId: string;
  delivered: boolean;
}

export interface HoldCheck {
  deliveryId: string;
  /** The receiver answered 410 Gone: pause now and hold this delivery. */
  gone: boolean;
  /** The endpoint's current rate limit: ask for a slot too. */
  rateLimitPerMinute: number | null;
  /** Slots this delivery reached too late in a row (each time it sent nothing): give it more lead. */
  missedSlots?: number;
}

export interface PauseInput {
  reason: PauseReason;
}

export const deliveryOutcomeSignal = defineSignal<[DeliveryOutcome]>('deliveryOutcomeSignal');
export const holdCheckSignal = defineSignal<[HoldCheck]>('holdCheckSignal');
export const configureHealthSignal = defineSignal<[{ threshold: number | null }]>('configureHealthSignal');
export const retireSignal = defineSignal('retireSignal');
export const pauseUpdate = defineUpdate<EndpointHealthState, [PauseInput]>('pauseUpdate');
export const resumeUpdate = defineUpdate<EndpointHealthState, []>('resumeUpdate');
export const endpointHealthQuery = defineQuery<EndpointHealthState>('endpointHealthQuery');

export const tenantWorkflowId = (tenantId: string): string => `tenant-${tenantId}`;
export const endpointHealthWorkflowId = (endpointId: string): string => `endpoint-health-${endpointId}`;
export const deliveryWorkflowId = (endpointId: string, signalId: string): string =>
  `dlv_${endpointId}_${signalId}`;
/** One-off callbacks have no endpoint; this stands in for one, named by the URL's hash. */
export const CALLBACK_ENDPOINT_PREFIX = 'cb_';
