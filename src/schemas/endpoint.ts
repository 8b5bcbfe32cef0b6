import { z } from 'zod';
import { CLASSIFICATIONS, SIGNAL_TYPES } from './signal';

/** PQ Intel allows a 30 s timeout at most; shorter ones are for impatient receivers (and tests). */
export const MAX_TIMEOUT_SECONDS = 30;

/**
 * The shape of an endpoint URL; where it may point is the outbound policy's call (src/net), made by
 * the route because it resolves names.
 */
const endpointUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = endpointUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function endpointUrlProblem(value: string): string | undefined {
  // A look-alike Cyrillic letter or a bidi control can make a host read as another one: hosts go
  // in punycode, so what the tenant sees is what the worker dials.
  if (!/^[\x21-\x7e]+$/.test(value)) return 'must be printable ASCII (write international names as xn--…)';
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return 'must be an http or https URL';
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    return 'must not carry credentials; use the signing secret instead';
  }
  if (url.port === '0') return 'must not use port 0';
  return undefined;
}

const filtersSchema = z.strictObject({
  signal_types: z.array(z.enum(SIGNAL_TYPES)).max(SIGNAL_TYPES.length).default([]),
  icp_profile_names: z.array(z.string().min(1).max(200)).max(100).default([]),
  classifications: z.array(z.enum(CLASSIFICATIONS)).max(CLASSIFICATIONS.length).default([]),
  min_icp_score: z.number().int().min(0).max(100).nullable().default(null),
});

/** PQ Intel's retry panel: 1–10 retries, 30–600 s apart, exponential by default. */
const retryPolicySchema = z.strictObject({
  max_retries: z.number().int().min(1).max(10),
  interval_seconds: z.number().int().min(30).max(600),
  backoff: z.enum(['exponential', 'fixed']).default('exponential'),
});

/** PQ Intel pauses after 20 consecutive failed deliveries; QuintaGo disables after 100. */
export const DEFAULT_PAUSE_THRESHOLD = 20;
const pauseThreshold = z.number().int().min(1).max(1000);

export const endpointCreateSchema = z.strictObject({
  url: endpointUrl,
  label: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  secret: z.string().min(16).max(256).optional(),
  filters: filtersSchema.default({
    signal_types: [],
    icp_profile_names: [],
    classifications: [],
    min_icp_score: null,
  }),
  retry_policy: retryPolicySchema.nullable().default(null),
  timeout_seconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(MAX_TIMEOUT_SECONDS),
  pause_threshold: pauseThreshold.default(DEFAULT_PAUSE_THRESHOLD),
  dead_letter_queue: z.boolean().default(false),
});

export const endpointPatchSchema = z
  .strictObject({
    url: endpointUrl,
    label: z.string().trim().min(1).max(200),
    enabled: z.boolean(),
    filters: filtersSchema,
    retry_policy: retryPolicySchema.nullable(),
    timeout_seconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS),
    pause_threshold: pauseThreshold,
    dead_letter_queue: z.boolean(),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

export type EndpointCreate = z.infer<typeof endpointCreateSchema>;
export type EndpointPatchBody = z.infer<typeof endpointPatchSchema>;

export const endpointReplaySchema = z.strictObject({
  since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});
