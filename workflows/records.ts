/**
 * The stored data model: tenant and endpoint records and the settings they carry, with each closed
 * list of values written once as an `as const` array (schemas and types derive from it).
 */

/**
 * How a delivery proves where it came from: a bare hex HMAC (PQ Intel, Siggnal), `sha256=<hex>`
 * (Prospektr, QuintaGo), the Standard Webhooks headers, or nothing (the lead-save API, which
 * authenticates with custom headers instead).
 */
export const SIGNATURE_SCHEMES = ['hex', 'sha256_prefixed', 'standard_webhooks', 'none'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

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

/** How retry delays grow under a backoff policy: doubling from the interval, or the interval each time. */
export const BACKOFFS = ['exponential', 'fixed'] as const;
export type Backoff = (typeof BACKOFFS)[number];

/** Retry bounds as the endpoint owner sets them (PQ Intel's settings panel). */
export interface BackoffRetryPolicy {
  max_retries: number;
  interval_seconds: number;
  backoff: Backoff;
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

/**
 * Which events an endpoint gets in its hot lane, ahead of its tenant's queued cold ones: those of a
 * listed classification (PQ Intel) or priority (Siggnal), or scoring at least `min_icp_score`.
 */
export interface HotRule {
  classifications: string[];
  priorities: string[];
  min_icp_score: number | null;
}

/** Why an endpoint is paused: its failure streak, a 410 Gone from its receiver, or a person. */
export const PAUSE_REASONS = ['failure_streak', 'gone', 'manual'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** What the owner and the operator are told of an endpoint (activities/notify-endpoint-event.ts). */
export const ENDPOINT_EVENT_TYPES = [
  'endpoint.paused',
  'endpoint.resumed',
  'endpoint.probes_exhausted',
] as const;
export type EndpointEventType = (typeof ENDPOINT_EVENT_TYPES)[number];

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
  /**
   * Send a W3C `traceparent` (and `tracestate`) with each request, so the receiver can join the
   * delivery's trace; only where the service traces. Off by default: receivers see the headers their
   * webhook pages document, and no more.
   */
  trace_context: boolean;
  /**
   * Self-healing: paused by its failure streak, it is probed on a growing schedule and resumes
   * itself once a probe succeeds. Off in records saved before the setting existed.
   */
  auto_resume: boolean;
  /** Records saved before lanes existed read with the default rule (src/store/legacy-records.ts). */
  hot_when: HotRule;
  /**
   * A dotted path into the event's data (a lead's id, say): deliveries with the same value there
   * reach the endpoint one at a time, in intake order. null: no ordering, all in parallel.
   */
  ordering_key: string | null;
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
  /**
   * Send the operator a `signal.completed` event once every delivery of each signal has ended.
   * Absent (off) in tenants created before it existed.
   */
  signal_completed_events?: boolean;
  /** SHA-256 of the API key, hex; the key itself is never stored. */
  api_key_hash: string;
  created_at: string;
}

export type EndpointPatch = Partial<Omit<EndpointRecord, 'id' | 'tenant_id' | 'health' | 'created_at'>>;
