import { z } from 'zod';
import { BACKOFFS, HTTP_METHODS, SIGNATURE_SCHEMES } from '../../workflows/records';
import { PRIORITIES } from '../events/schemas/siggnal';
import { eventTypePatternSchema } from '../events/event-types';
import { ENVELOPES } from '../render/envelope';
import { payloadFormatSchema } from '../render/payload-format';
import { PRESET_NAMES } from '../endpoints/presets';
import { CLASSIFICATIONS, SIGNAL_TYPES } from './signal';
import { customHeadersSchema, headerNameSchema } from './headers';
import { RANGE_PROBLEM, pageQueryFields, rangeInOrder } from './pages';

/** PQ Intel allows a 30 s timeout at most; shorter ones are for impatient receivers (and tests). */
export const MAX_TIMEOUT_SECONDS = 30;

/**
 * The shape of an endpoint URL; where it may point is the outbound policy's call (src/net), made by
 * the route because it resolves names.
 */
export const endpointUrlSchema = z
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
  projects: z.array(z.string().min(1).max(200)).max(100).default([]),
  priorities: z.array(z.enum(PRIORITIES)).max(PRIORITIES.length).default([]),
});

/** Which events take the endpoint's hot lane: any that matches one part (src/deliveries/delivery-lane.ts). */
const hotRuleSchema = z.strictObject({
  classifications: z.array(z.enum(CLASSIFICATIONS)).max(CLASSIFICATIONS.length).default([]),
  priorities: z.array(z.enum(PRIORITIES)).max(PRIORITIES.length).default([]),
  min_icp_score: z.number().int().min(0).max(100).nullable().default(null),
});

/** PQ Intel's retry panel: 1–10 retries, 30–600 s apart, exponential by default. */
const backoffRetryPolicySchema = z.strictObject({
  max_retries: z.number().int().min(1).max(10),
  interval_seconds: z.number().int().min(30).max(600),
  backoff: z.enum(BACKOFFS).default('exponential'),
});

/** QuintaGo's schedule written out (5 s, 25 s, 2 m, 10 m, 30 m); `[]` is Prospektr's single attempt. */
const listedRetryPolicySchema = z.strictObject({
  delays_seconds: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(24 * 60 * 60),
    )
    .max(20),
});

const retryPolicySchema = z.union([backoffRetryPolicySchema, listedRetryPolicySchema]);

/** PQ Intel pauses after 20 consecutive failed deliveries, QuintaGo after 100; null never pauses. */
const pauseThreshold = z.number().int().min(1).max(1000).nullable();
const rateLimit = z.number().int().min(1).max(100_000).nullable();

const signatureSchema = z.strictObject({
  scheme: z.enum(SIGNATURE_SCHEMES).optional(),
  header: headerNameSchema.optional(),
  body_field: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9 or "_"')
    .nullable()
    .optional(),
});

/** Every setting an endpoint has; a preset or the service's defaults fill in what is left out. */
export const endpointSettings = {
  url: endpointUrlSchema,
  label: z.string().trim().min(1).max(200),
  description: z.string().max(1000),
  enabled: z.boolean(),
  method: z.enum(HTTP_METHODS),
  headers: customHeadersSchema,
  event_types: z.array(eventTypePatternSchema).min(1).max(50),
  filters: filtersSchema,
  envelope: z.enum(ENVELOPES),
  payload_format: payloadFormatSchema,
  signature: signatureSchema,
  retry_policy: retryPolicySchema.nullable(),
  timeout_seconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS),
  pause_threshold: pauseThreshold,
  rate_limit_per_minute: rateLimit,
  https_only: z.boolean(),
  dead_letter_queue: z.boolean(),
  trace_context: z.boolean(),
  auto_resume: z.boolean(),
  hot_when: hotRuleSchema,
  /** A dotted path into the event's data; which paths exist is checked against the event types. */
  ordering_key: z
    .string()
    .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted field path, such as lead.id')
    .max(200)
    .nullable(),
};

export const endpointCreateSchema = z
  .strictObject({
    preset: z.enum(PRESET_NAMES).optional(),
    // Without one, a secret is generated; `null` sends requests unsigned.
    secret: z.string().min(16).max(256).nullable().optional(),
    ...endpointSettings,
    url: endpointUrlSchema,
  })
  .partial({
    label: true,
    description: true,
    enabled: true,
    method: true,
    headers: true,
    event_types: true,
    filters: true,
    envelope: true,
    payload_format: true,
    signature: true,
    retry_policy: true,
    timeout_seconds: true,
    pause_threshold: true,
    rate_limit_per_minute: true,
    https_only: true,
    dead_letter_queue: true,
    trace_context: true,
    auto_resume: true,
    hot_when: true,
    ordering_key: true,
  });

export const endpointPatchSchema = z
  .strictObject(endpointSettings)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

export type EndpointCreate = z.infer<typeof endpointCreateSchema>;
export type EndpointPatchBody = z.infer<typeof endpointPatchSchema>;

export const endpointReplaySchema = z.strictObject({
  since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

/** A week: long enough for any receiver's deploy, short enough that a leaked secret dies. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

export const rotateSecretSchema = z.strictObject({
  secret: z.string().min(16).max(256).optional(),
  overlap_seconds: z.number().int().min(0).max(MAX_SECRET_OVERLAP_SECONDS).optional(),
});
export type RotateSecret = z.infer<typeof rotateSecretSchema>;

/** A page of the endpoint list, oldest first; `since` and `until` bound when endpoints were created. */
export const endpointListQuerySchema = z
  .strictObject(pageQueryFields(1000))
  .refine(rangeInOrder, RANGE_PROBLEM);
