import { DEFAULT_HOT_RULE } from '../deliveries/delivery-lane';
import type {
  EndpointFilters,
  HotRule,
  HttpMethod,
  PayloadFormatSetting,
  RetryPolicySetting,
  SignatureSetting,
} from '../../workflows/records';

export const PRESET_NAMES = ['pq', 'prospektr', 'quintago', 'siggnal', 'leadsave', 'standard'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Everything a preset decides; an endpoint's own fields override any of it. */
export interface EndpointDefaults {
  method: HttpMethod;
  event_types: string[];
  filters: EndpointFilters;
  envelope: string;
  payload_format: PayloadFormatSetting;
  signature: SignatureSetting;
  /** Generate a secret when none is given, or leave the endpoint unsigned. */
  secret: 'generate' | 'none';
  retry_policy: RetryPolicySetting | null;
  timeout_seconds: number;
  pause_threshold: number | null;
  /** `plan`: the tenant plan's limit. */
  rate_limit_per_minute: number | null | 'plan';
  https_only: boolean;
  dead_letter_queue: boolean;
  trace_context: boolean;
  auto_resume: boolean;
  hot_when: HotRule;
  ordering_key: string | null;
}

const NO_FILTERS: EndpointFilters = {
  signal_types: [],
  icp_profile_names: [],
  classifications: [],
  min_icp_score: null,
  projects: [],
  priorities: [],
};

const AS_IS: PayloadFormatSetting = { include: [], exclude: [], flatten: false, extra: {} };

/** Without a preset: every event, flat, hex-signed in the service's configured header. */
export function baseDefaults(signatureHeader: string): EndpointDefaults {
  return {
    method: 'POST',
    event_types: ['*'],
    filters: NO_FILTERS,
    envelope: 'flat',
    payload_format: AS_IS,
    signature: { scheme: 'hex', header: signatureHeader, body_field: null },
    secret: 'generate',
    retry_policy: null,
    timeout_seconds: 30,
    pause_threshold: 20,
    rate_limit_per_minute: 'plan',
    https_only: false,
    dead_letter_queue: false,
    // No seed's page documents a traceparent header: sending one is the owner's choice.
    trace_context: false,
    // Self-healing is signal-push's own: on by default, and off in every seed's preset below, since
    // each of their pages has a person bring a paused endpoint back (or never pauses it).
    auto_resume: true,
    // No seed page has lanes; hot and high-priority signals are the ones their customers chase.
    hot_when: DEFAULT_HOT_RULE,
    // Ordering costs parallelism; no seed page offers it, so it is the owner's choice.
    ordering_key: null,
  };
}

/**
 * The five seed products' webhooks, each as its help page documents it (../shared/seeds), and the
 * Standard Webhooks profile none of them offers.
 */
export function presetDefaults(name: PresetName, signatureHeader: string): EndpointDefaults {
  const base = { ...baseDefaults(signatureHeader), auto_resume: false };
  switch (name) {
    case 'pq':
      // X-PQ-Signature over the raw body, the signature repeated in the body, 1 s / 5 s / 30 s,
      // 30 s timeout, paused after 20 failures, 60 requests a minute.
      return {
        ...base,
        event_types: ['buying_signal'],
        signature: { scheme: 'hex', header: 'X-PQ-Signature', body_field: 'signature' },
        rate_limit_per_minute: 60,
      };
    case 'prospektr':
      // One attempt, no retry, 10 s; the secret is optional and without one nothing is signed.
      return {
        ...base,
        event_types: ['prospect.added'],
        envelope: 'prospektr',
        signature: { scheme: 'sha256_prefixed', header: 'X-Prospektr-Signature', body_field: null },
        secret: 'none',
        retry_policy: { delays_seconds: [] },
        timeout_seconds: 10,
        pause_threshold: null,
      };
    case 'quintago':
      // 5 retries at 5 s, 25 s, 2 m, 10 m and 30 m; disabled after 100 consecutive failures.
      return {
        ...base,
        event_types: ['lead.*', 'proposal.*', 'payment.received', 'message.received'],
        envelope: 'quintago',
        signature: { scheme: 'sha256_prefixed', header: 'x-quintago-signature', body_field: null },
        retry_policy: { delays_seconds: [5, 25, 120, 600, 1800] },
        pause_threshold: 100,
        // "Re-enable it and replay missed events from the webhook delivery log."
        dead_letter_queue: true,
      };
    case 'siggnal':
      // HTTPS only, 10 s, 3 retries with backoff; the secret token is optional.
      return {
        ...base,
        event_types: ['project_signal'],
        signature: { scheme: 'hex', header: 'X-Siggnal-Signature', body_field: null },
        secret: 'none',
        timeout_seconds: 10,
        https_only: true,
      };
    case 'leadsave':
      // Unsigned by default: its receivers authenticate with a custom header (an Authorization token).
      return {
        ...base,
        event_types: ['save_lead'],
        signature: { scheme: 'hex', header: 'X-Signature', body_field: null },
        secret: 'none',
      };
    case 'standard':
      // Not a seed: signal-push's own defaults, self-healing included.
      return {
        ...base,
        auto_resume: true,
        envelope: 'standard_webhooks',
        signature: { scheme: 'standard_webhooks', header: 'webhook-signature', body_field: null },
      };
  }
}
