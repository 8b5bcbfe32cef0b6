/**
 * The contract between the API, the worker, the CLI and the workflows: task queue, workflow inputs
 * and outputs, and every signal/query/update handle. Workflow code imports this module, so it may
 * import nothing but `@temporalio/workflow`.
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const TASK_QUEUE = 'signal-push';

/** Custom search attributes the service registers; names are what operators type in the Web UI. */
export const searchAttributes = {
  tenantId: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  endpointId: defineSearchAttributeKey('EndpointId', SearchAttributeType.KEYWORD),
  signalId: defineSearchAttributeKey('SignalId', SearchAttributeType.KEYWORD),
  signalType: defineSearchAttributeKey('SignalType', SearchAttributeType.KEYWORD),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', SearchAttributeType.KEYWORD),
  deliveryAttempts: defineSearchAttributeKey('DeliveryAttempts', SearchAttributeType.INT),
};

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** How an attempt failed; `null` on success. */
export type AttemptErrorKind =
  'timeout' | 'connection_refused' | 'connection_error' | 'dns' | 'tls' | 'redirect' | 'non_2xx' | 'internal';

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

export interface DeliveryInput {
  deliveryId: string;
  tenantId: string;
  signalId: string;
  endpoint: EndpointSnapshot;
  /** The body to send, already rendered; the activity serializes it once and signs those bytes. */
  payload: Record<string, unknown>;
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
}

export interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  attempts: AttemptRecord[];
  nextAttemptAt: string | null;
}

export type DeliveryResult = DeliveryState;

export const deliveryStateQuery = defineQuery<DeliveryState>('deliveryStateQuery');

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
  created_at: string;
  updated_at: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  /** SHA-256 of the API key, hex; the key itself is never stored. */
  api_key_hash: string;
  created_at: string;
}

export interface TenantState {
  tenant: TenantRecord;
  endpoints: Record<string, EndpointRecord>;
}

export type EndpointPatch = Partial<
  Pick<EndpointRecord, 'url' | 'label' | 'enabled' | 'filters' | 'retry_policy' | 'timeout_seconds'>
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

export const tenantWorkflowId = (tenantId: string): string => `tenant-${tenantId}`;
export const deliveryWorkflowId = (endpointId: string, signalId: string): string =>
  `dlv_${endpointId}_${signalId}`;
