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
};

export const DELIVERY_STATUSES = [
  'pending',
  'retrying',
  'held',
  'delivered',
  'failed',
  'dead_lettered',
  'expired',
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
}

/** What a delivery needs of its endpoint, frozen when the signal is accepted. */
export interface EndpointSnapshot {
  id: string;
  url: string;
  secret: string;
  signatureHeader: string;
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
}

export interface DeliveryInput {
  deliveryId: string;
  tenantId: string;
  signalId: string;
  plan: DeliveryPlan;
  /** The body to send, already rendered; the activity serializes it once and signs those bytes. */
  payload: Record<string, unknown>;
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
}

/** Retry bounds as the endpoint owner sets them (PQ Intel's settings panel). */
export interface RetryPolicySetting {
  max_retries: number;
  interval_seconds: number;
  backoff: 'exponential' | 'fixed';
}

export interface EndpointFilters {
  signal_types: string[];
  icp_profile_names: string[];
  classifications: string[];
  min_icp_score: number | null;
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
  url: string;
  label: string;
  enabled: boolean;
  secret: string;
  filters: EndpointFilters;
  /** `null` means the seed's default schedule (1 s, 5 s, 30 s). */
  retry_policy: RetryPolicySetting | null;
  timeout_seconds: number;
  /** Consecutive failed deliveries that pause the endpoint (PQ Intel 20, QuintaGo 100). */
  pause_threshold: number;
  dead_letter_queue: boolean;
  health: EndpointHealthSummary;
  created_at: string;
  updated_at: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  /** Where pause and resume notices go; personal data, so it never leaves the tenant's state. */
  owner_email: string | null;
  /** SHA-256 of the API key, hex; the key itself is never stored. */
  api_key_hash: string;
  created_at: string;
}

export interface TenantState {
  tenant: TenantRecord;
  endpoints: Record<string, EndpointRecord>;
}

export type EndpointPatch = Partial<
  Pick<
    EndpointRecord,
    | 'url'
    | 'label'
    | 'enabled'
    | 'filters'
    | 'retry_policy'
    | 'timeout_seconds'
    | 'pause_threshold'
    | 'dead_letter_queue'
  >
>;

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
/** Failure type of a delivery that exhausted its attempts. */
export const DELIVERY_FAILED = 'DeliveryFailed';

export const tenantQuery = defineQuery<TenantRecord>('tenantQuery');
export const endpointsQuery = defineQuery<EndpointRecord[]>('endpointsQuery');
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
  threshold: number;
  consecutiveFailures: number;
  paused: PauseInfo | null;
  /** Deliveries waiting for the endpoint to be resumed. */
  heldDeliveryIds: string[];
  /** Set once the endpoint is deleted: held deliveries are let go and the workflow ends. */
  retired: boolean;
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
}

export interface PauseInput {
  reason: PauseReason;
}

export const deliveryOutcomeSignal = defineSignal<[DeliveryOutcome]>('deliveryOutcomeSignal');
export const holdCheckSignal = defineSignal<[HoldCheck]>('holdCheckSignal');
export const configureHealthSignal = defineSignal<[{ threshold: number }]>('configureHealthSignal');
export const retireSignal = defineSignal('retireSignal');
export const pauseUpdate = defineUpdate<EndpointHealthState, [PauseInput]>('pauseUpdate');
export const resumeUpdate = defineUpdate<EndpointHealthState, []>('resumeUpdate');
export const endpointHealthQuery = defineQuery<EndpointHealthState>('endpointHealthQuery');

export const tenantWorkflowId = (tenantId: string): string => `tenant-${tenantId}`;
export const endpointHealthWorkflowId = (endpointId: string): string => `endpoint-health-${endpointId}`;
export const deliveryWorkflowId = (endpointId: string, signalId: string): string =>
  `dlv_${endpointId}_${signalId}`;
