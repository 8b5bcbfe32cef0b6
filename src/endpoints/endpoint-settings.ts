import { newSecret, secretProblem } from '../../activities/signature-schemes';
import type { EndpointRecord, TenantPlan } from '../../workflows/records';
import type { FieldProblem } from '../schemas/field-problem';
import { eventTypeSpec, typesMatching } from '../events';
import type { Envelope } from '../render/envelope';
import { envelopeKeys } from '../render/envelope';
import { payloadFormatProblems } from '../render/payload-format';
import type { EndpointCreate, EndpointPatchBody } from '../schemas/endpoint';
import { reservedHeaderProblem } from '../schemas/headers';
import { baseDefaults, presetDefaults } from './presets';

/** The W3C Trace Context headers a delivery carries when its endpoint asks for them. */
const TRACE_CONTEXT_HEADERS = ['traceparent', 'tracestate'];

export interface NewEndpointContext {
  id: string;
  tenantId: string;
  plan: TenantPlan;
  /** The service's signature header for endpoints without a preset. */
  signatureHeader: string;
  now: string;
}

/** An endpoint from what the owner gave: their fields, then the preset's, then the service's. */
export function buildEndpoint(body: EndpointCreate, context: NewEndpointContext): EndpointRecord {
  const defaults = body.preset
    ? presetDefaults(body.preset, context.signatureHeader)
    : baseDefaults(context.signatureHeader);
  const signature = { ...defaults.signature, ...body.signature };
  const rateLimit =
    body.rate_limit_per_minute !== undefined ? body.rate_limit_per_minute : defaults.rate_limit_per_minute;
  const secret =
    body.secret !== undefined
      ? body.secret
      : defaults.secret === 'generate' && signature.scheme !== 'none'
        ? newSecret(signature.scheme)
        : null;
  return {
    id: context.id,
    tenant_id: context.tenantId,
    preset: body.preset ?? null,
    url: body.url,
    label: body.label ?? context.id,
    description: body.description ?? '',
    enabled: body.enabled ?? true,
    method: body.method ?? defaults.method,
    headers: body.headers ?? {},
    event_types: body.event_types ?? defaults.event_types,
    filters: body.filters ?? defaults.filters,
    envelope: body.envelope ?? defaults.envelope,
    payload_format: body.payload_format ?? defaults.payload_format,
    signature,
    secret,
    previous_secret: null,
    retry_policy: body.retry_policy !== undefined ? body.retry_policy : defaults.retry_policy,
    timeout_seconds: body.timeout_seconds ?? defaults.timeout_seconds,
    pause_threshold: body.pause_threshold !== undefined ? body.pause_threshold : defaults.pause_threshold,
    rate_limit_per_minute: rateLimit === 'plan' ? context.plan.rate_limit_per_minute : rateLimit,
    https_only: body.https_only ?? defaults.https_only,
    dead_letter_queue: body.dead_letter_queue ?? defaults.dead_letter_queue,
    trace_context: body.trace_context ?? defaults.trace_context,
    auto_resume: body.auto_resume ?? defaults.auto_resume,
    hot_when: body.hot_when ?? defaults.hot_when,
    ordering_key: body.ordering_key !== undefined ? body.ordering_key : defaults.ordering_key,
    health: { paused: null, failing: false },
    created_at: context.now,
    updated_at: context.now,
  };
}

/** The endpoint a patch would make; nested signature settings merge, everything else replaces. */
export function patchedEndpoint(endpoint: EndpointRecord, patch: EndpointPatchBody): EndpointRecord {
  const { signature, ...rest } = patch;
  return {
    ...endpoint,
    ...rest,
    ...(signature ? { signature: { ...endpoint.signature, ...signature } } : {}),
  } as EndpointRecord;
}

/**
 * What is wrong with an endpoint as a whole, beyond each field's own shape: settings that contradict
 * each other, a payload format naming fields its events do not have, a limit beyond the plan.
 */
export function endpointProblems(endpoint: EndpointRecord, plan: TenantPlan): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { signature, secret } = endpoint;
  if (secret !== null && signature.scheme !== 'none') {
    const problem = secretProblem(signature.scheme, secret);
    if (problem) problems.push({ field: 'secret', problem });
  }
  if (endpoint.https_only && !endpoint.url.toLowerCase().startsWith('https://')) {
    problems.push({ field: 'url', problem: 'must be an https URL (this endpoint is https only)' });
  }
  for (const name of Object.keys(endpoint.headers)) {
    if (name.toLowerCase() === signature.header.toLowerCase() && signature.scheme !== 'none') {
      problems.push({
        field: `headers.${name}`,
        problem: 'is the signature header and cannot be set by hand',
      });
    }
  }
  if (endpoint.trace_context) {
    for (const name of Object.keys(endpoint.headers)) {
      if (TRACE_CONTEXT_HEADERS.includes(name.toLowerCase())) {
        problems.push({
          field: `headers.${name}`,
          problem: 'is set by signal-push when trace_context is on',
        });
      }
    }
  }
  const signatureHeaderProblem = reservedHeaderProblem(signature.header);
  if (signatureHeaderProblem && signature.scheme !== 'standard_webhooks' && signature.scheme !== 'none') {
    problems.push({ field: 'signature.header', problem: signatureHeaderProblem });
  }
  const ceiling = plan.rate_limit_per_minute;
  if (
    ceiling !== null &&
    (endpoint.rate_limit_per_minute === null || endpoint.rate_limit_per_minute > ceiling)
  ) {
    problems.push({
      field: 'rate_limit_per_minute',
      problem: `must be at most ${ceiling} (the plan's limit)`,
    });
  }
  problems.push(...formatProblems(endpoint));
  const orderingProblem = orderingKeyProblem(endpoint);
  if (orderingProblem) problems.push({ field: 'ordering_key', problem: orderingProblem });
  if (signature.body_field !== null && signature.body_field in endpoint.payload_format.extra) {
    problems.push({
      field: `payload_format.extra.${signature.body_field}`,
      problem: 'is where the signature goes in the body',
    });
  }
  return problems;
}

/** An ordering key must name a field of an event type the endpoint takes. */
function orderingKeyProblem(endpoint: Pick<EndpointRecord, 'event_types' | 'ordering_key'>): string | null {
  if (endpoint.ordering_key === null) return null;
  const types = typesMatching(endpoint.event_types);
  if (types.some((type) => eventTypeSpec(type)!.fieldPaths.includes(endpoint.ordering_key!))) return null;
  return `names no field of the event types this endpoint takes (${types.join(', ')})`;
}

/** The payload format against the fields of every event type the endpoint subscribes to. */
export function formatProblems(
  endpoint: Pick<EndpointRecord, 'event_types' | 'envelope' | 'payload_format'>,
): FieldProblem[] {
  const specs = typesMatching(endpoint.event_types).map((type) => eventTypeSpec(type)!);
  const knownPaths = new Set(specs.flatMap((spec) => spec.fieldPaths));
  const wrapperKeys = specs.flatMap(
    (spec) => envelopeKeys(endpoint.envelope as Envelope, spec.envelopeKey) ?? [],
  );
  const flat = endpoint.envelope === 'flat';
  return payloadFormatProblems(
    endpoint.payload_format,
    [...knownPaths],
    flat ? undefined : [...new Set(wrapperKeys)],
  );
}
