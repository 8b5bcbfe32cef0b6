import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import * as answer from './response-schemas';

// How an operation of the API document is written down: what every route may answer besides its
// own, who may call it, and the path parameters the routes share. ./operations.ts gathers them.

export const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
export const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
export const error = (description: string) => ({ description, ...json(answer.errorSchema) });

/** What any route may answer besides its own: rate limit, an internal error, Temporal out of reach. */
const always = {
  '429': error('rate_limited: too many requests for this key; see Retry-After'),
  '500': error('internal: an unexpected failure (details are logged, never returned)'),
  '503': error('unavailable or tenant_unavailable: retry shortly'),
};
export const withKey = { '401': error('unauthorized: missing or invalid key'), ...always };
export const invalid = error(
  'validation_failed (the fields named), invalid_json, body_too_deep, duplicate_key, …',
);
const withBody = {
  '400': invalid,
  '413': error('body_too_large, or limit_exceeded naming each field over its limit'),
  '415': error('unsupported_media_type or unsupported_encoding'),
};

type Security = 'operator' | 'tenant' | 'operator_or_tenant' | 'none';
const SECURITY: Record<Security, ZodOpenApiOperationObject['security']> = {
  operator: [{ operatorKey: [] }],
  tenant: [{ tenantKey: [] }],
  operator_or_tenant: [{ operatorKey: [] }, { tenantKey: [] }],
  none: [],
};

interface Operation {
  summary: string;
  tag: string;
  security: Security;
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The route takes no body as `{}`. */
  bodyOptional?: boolean;
  responses: ZodOpenApiResponsesObject;
  description?: string;
  /**
   * The `signal-push` command that does the same (e.g. `tenants list`; `replay --endpoint` when the
   * path's id goes in that option). test/unit/cli-agrees-with-openapi.test.ts holds the two to each other.
   */
  cli?: string;
}

export function operation(op: Operation): ZodOpenApiOperationObject {
  const keyed = op.security === 'none' ? always : withKey;
  const cli = op.cli && `signal-push ${op.cli}`;
  const description = [op.description, cli && `From a terminal: \`${cli}\``].filter(Boolean).join('\n\n');
  return {
    summary: op.summary,
    ...(description ? { description } : {}),
    ...(cli ? { 'x-cli': cli } : {}),
    tags: [op.tag],
    security: SECURITY[op.security],
    ...(op.path || op.query
      ? { requestParams: { ...(op.path ? { path: op.path } : {}), ...(op.query ? { query: op.query } : {}) } }
      : {}),
    ...(op.body ? { requestBody: { required: op.bodyOptional !== true, ...json(op.body) } } : {}),
    responses: {
      ...(op.path || op.query ? { '400': invalid } : {}),
      ...(op.body ? withBody : {}),
      ...(op.path ? { '404': error('not_found') } : {}),
      ...keyed,
      ...op.responses,
    },
  };
}

export const tenantId = z.object({
  id: z.string().meta({ description: 'Tenant id (ten_…)', example: 'ten_0123456789abcdef' }),
});
export const endpointId = z.object({
  id: z.string().meta({ description: 'Endpoint id (ep_…)', example: 'ep_0123456789abcdef' }),
});
export const deliveryId = z.object({ id: z.string().meta({ description: 'Delivery id (dlv_ep_…_…)' }) });
export const signalId = z.object({
  id: z.string().meta({ description: 'Signal (event) id', example: 'sig_1' }),
});
