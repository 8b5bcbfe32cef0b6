import { z } from 'zod';
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { deadLetterListQuerySchema, deliveryListQuerySchema } from '../../schemas/deliveries';
import {
  endpointCreateSchema,
  endpointListQuerySchema,
  endpointPatchSchema,
  endpointReplaySchema,
  rotateSecretSchema,
} from '../../schemas/endpoint';
import { eventIntakeSchema, intakeQuerySchema, signalIntakeSchema } from '../../schemas/event-intake';
import {
  tenantCreateSchema,
  tenantDeleteQuerySchema,
  tenantListQuerySchema,
  tenantPatchSchema,
} from '../../schemas/tenant';
import { portalSessionCreateSchema } from '../../schemas/portal';
import { payloadsBody } from '../codec/codec-routes';
import { previewSchema as previewBody, testSchema as testBody } from '../routes/endpoint-tools';
import * as answer from './response-schemas';

// Every route the API serves, with the schemas its handlers validate with (src/schemas) and what it
// answers (./response-schemas). test/e2e/openapi.test.ts fails when a route is missing here.

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
const error = (description: string) => ({ description, ...json(answer.errorSchema) });

/** What any route may answer besides its own: rate limit, an internal error, Temporal out of reach. */
const always = {
  '429': error('rate_limited: too many requests for this key; see Retry-After'),
  '500': error('internal: an unexpected failure (details are logged, never returned)'),
  '503': error('unavailable or tenant_unavailable: retry shortly'),
};
const withKey = { '401': error('unauthorized: missing or invalid key'), ...always };
const invalid = error('validation_failed (the fields named), invalid_json, body_too_deep, duplicate_key, …');
const withBody = {
  '400': invalid,
  '413': error('body_too_large, or limit_exceeded naming each field over its limit'),
  '415': error('unsupported_media_type or unsupported_encoding'),
};

type Security = 'operator' | 'tenant' | 'none';
const SECURITY: Record<Security, ZodOpenApiOperationObject['security']> = {
  operator: [{ operatorKey: [] }],
  tenant: [{ tenantKey: [] }],
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
}

function operation(op: Operation): ZodOpenApiOperationObject {
  const keyed = op.security === 'none' ? always : withKey;
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
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

const tenantId = z.object({
  id: z.string().meta({ description: 'Tenant id (ten_…)', example: 'ten_0123456789abcdef' }),
});
const endpointId = z.object({
  id: z.string().meta({ description: 'Endpoint id (ep_…)', example: 'ep_0123456789abcdef' }),
});
const deliveryId = z.object({ id: z.string().meta({ description: 'Delivery id (dlv_ep_…_…)' }) });

export const paths: ZodOpenApiPathsObject = {
  '/healthz': {
    get: operation({
      summary: 'The API process is alive',
      tag: 'health',
      security: 'none',
      responses: { '200': ok('alive', answer.healthzSchema) },
    }),
  },
  '/readyz': {
    get: operation({
      summary:
        'Whether the process can work: Temporal answers, the namespace and search attributes exist, the worker polls; and which tenants cannot (named to the operator key only)',
      tag: 'health',
      security: 'none',
      responses: {
        '200': ok('ready (status ok or degraded)', answer.readyzSchema),
        '503': ok('a check failed', answer.readyzSchema),
      },
    }),
  },
  '/metrics': {
    get: {
      summary: "Prometheus metrics: the service's, then the Temporal SDK's",
      tags: ['health'],
      security: [],
      responses: {
        '200': {
          description: 'Prometheus text exposition format 0.0.4',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    },
  },
  '/openapi.json': {
    get: operation({
      summary: 'This document',
      tag: 'docs',
      security: 'none',
      responses: { '200': ok('OpenAPI 3.1', z.record(z.string(), z.unknown())) },
    }),
  },
  '/docs': {
    get: {
      summary: 'This document, rendered (Swagger UI, served from this API)',
      tags: ['docs'],
      security: [],
      responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    },
  },
  '/v1/tenants': {
    post: operation({
      summary: 'Create a tenant; its API key and callback secret are shown once',
      tag: 'tenants',
      security: 'operator',
      body: tenantCreateSchema,
      responses: { '201': ok('created', answer.tenantCreatedSchema) },
    }),
    get: operation({
      summary: 'List tenants, oldest first, a page at a time',
      tag: 'tenants',
      security: 'operator',
      query: tenantListQuerySchema,
      responses: { '200': ok('a page', answer.tenantPageSchema) },
    }),
  },
  '/v1/tenants/{id}': {
    get: operation({
      summary: 'Read a tenant',
      tag: 'tenants',
      security: 'operator',
      path: tenantId,
      responses: { '200': ok('the tenant', answer.tenantSchema) },
    }),
    patch: operation({
      summary: 'Rename a tenant or change its plan',
      tag: 'tenants',
      security: 'operator',
      path: tenantId,
      body: tenantPatchSchema,
      responses: {
        '200': ok('changed', answer.tenantSchema),
        '409': error('plan_below_usage: the plan is below what the tenant has (the field is named)'),
      },
    }),
    delete: operation({
      summary: 'Delete a tenant and everything of it that runs',
      description:
        'Refused (409 deliveries_in_flight) while any of its deliveries has not ended, unless force=true, which ends them. Its workflow, its endpoints’ config and health workflows are deleted; its running deliveries terminated.',
      tag: 'tenants',
      security: 'operator',
      path: tenantId,
      query: tenantDeleteQuerySchema,
      responses: {
        '200': ok('deleted', answer.tenantDeletedSchema),
        '409': error('deliveries_in_flight (names query.force)'),
      },
    }),
  },
  '/v1/tenants/{id}/api-keys/rotate': {
    post: operation({
      summary: 'Issue a new tenant key; the old one stops working at once',
      tag: 'tenants',
      security: 'operator',
      path: tenantId,
      responses: { '200': ok('the new key, shown once', answer.keyRotatedSchema) },
    }),
  },
  '/v1/tenants/{id}/portal-sessions': {
    post: operation({
      summary: "A short-lived link to the tenant's customer portal",
      description:
        'The link opens the portal (endpoints, delivery log) for this tenant only, until expires_at (ttl_seconds, else SIGNAL_PUSH_PORTAL_LINK_SECONDS); its first load trades it for an HttpOnly session cookie.',
      tag: 'portal',
      security: 'operator',
      path: tenantId,
      body: portalSessionCreateSchema,
      bodyOptional: true,
      responses: { '201': ok('the link', answer.portalLinkSchema) },
    }),
    delete: operation({
      summary: 'Revoke every portal link of the tenant issued so far, and the sessions they opened',
      tag: 'portal',
      security: 'operator',
      path: tenantId,
      responses: { '204': { description: 'revoked' } },
    }),
  },
  '/v1/tenants/{id}/portal-sessions/{sessionId}': {
    delete: operation({
      summary: 'Revoke one portal link and the session it opened',
      tag: 'portal',
      security: 'operator',
      path: tenantId.extend({
        sessionId: z
          .string()
          .meta({ description: 'The link’s session_id (ps_…)', example: 'ps_0123456789abcdef' }),
      }),
      responses: { '204': { description: 'revoked' } },
    }),
  },
  '/portal/enter': {
    get: {
      summary: 'Where a portal link lands: sets the portal session cookie and redirects into the portal',
      description:
        'The portal itself (/portal/…) is an HTML application for the tenant’s customer, described in the README; it takes only its session cookie, and no API route takes that cookie.',
      tags: ['portal'],
      security: [],
      requestParams: { query: z.object({ token: z.string().meta({ description: 'The link’s token' }) }) },
      responses: {
        '303': { description: 'signed in: redirect to /portal/endpoints, with Set-Cookie' },
        '401': {
          description: 'expired, revoked or unknown link (HTML)',
          content: { 'text/html': { schema: z.string() } },
        },
      },
    },
  },
  '/v1/events': {
    post: operation({
      summary: 'Accept an event of any catalogued type for every endpoint that takes it',
      tag: 'intake',
      security: 'operator',
      query: intakeQuerySchema,
      body: eventIntakeSchema,
      responses: {
        '202': ok('durably accepted', answer.eventAcceptedSchema),
        '404': error('tenant_not_found (names tenant_id)'),
      },
    }),
  },
  '/v1/signals': {
    post: operation({
      summary: "Accept a PQ Intel signal (a buying_signal event's shorthand)",
      tag: 'intake',
      security: 'operator',
      query: intakeQuerySchema,
      body: signalIntakeSchema,
      responses: {
        '202': ok('durably accepted', answer.signalAcceptedSchema),
        '404': error('tenant_not_found (names tenant_id)'),
      },
    }),
  },
  '/v1/endpoints': {
    post: operation({
      summary: 'Create an endpoint; its secret is shown in full only here',
      tag: 'endpoints',
      security: 'tenant',
      body: endpointCreateSchema,
      responses: {
        '201': ok('created', answer.endpointCreatedSchema),
        '409': error('label_taken or endpoint_quota_reached'),
      },
    }),
    get: operation({
      summary: "List the tenant's endpoints, oldest first, a page at a time",
      tag: 'endpoints',
      security: 'tenant',
      query: endpointListQuerySchema,
      responses: { '200': ok('a page', answer.endpointPageSchema) },
    }),
  },
  '/v1/endpoints/{id}': {
    get: operation({
      summary: 'Read an endpoint with its health',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      responses: { '200': ok('the endpoint', answer.endpointWithHealthSchema) },
    }),
    patch: operation({
      summary: 'Change some of its settings',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: endpointPatchSchema,
      responses: { '200': ok('changed', answer.endpointSchema), '409': error('label_taken') },
    }),
    delete: operation({
      summary: 'Delete an endpoint',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      responses: { '204': { description: 'deleted' } },
    }),
  },
  ...(['pause', 'resume'] as const).reduce<ZodOpenApiPathsObject>((all, action) => {
    all[`/v1/endpoints/{id}/${action}`] = {
      post: operation({
        summary:
          action === 'pause' ? 'Pause: hold its deliveries' : 'Resume: release held deliveries, streak to 0',
        tag: 'endpoints',
        security: 'tenant',
        path: endpointId,
        responses: { '200': ok('its health', answer.endpointHealthSchema) },
      }),
    };
    return all;
  }, {}),
  '/v1/endpoints/{id}/replay': {
    post: operation({
      summary: 'Replay its dead letters (those dead-lettered since a time), at most 500 a call',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: endpointReplaySchema,
      bodyOptional: true,
      responses: { '202': ok('replays started', answer.bulkReplaySchema) },
    }),
  },
  '/v1/endpoints/{id}/rotate-secret': {
    post: operation({
      summary: 'A new signing secret; the old one signs too for the overlap',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: rotateSecretSchema,
      bodyOptional: true,
      responses: { '200': ok('the new secret, shown once', answer.secretRotatedSchema) },
    }),
  },
  '/v1/endpoints/{id}/preview': {
    post: operation({
      summary: 'Render what the endpoint would receive, without sending it',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: previewBody,
      bodyOptional: true,
      responses: { '200': ok('the rendered body', answer.previewSchema) },
    }),
  },
  '/v1/endpoints/{id}/test': {
    post: operation({
      summary: 'Send a sample event now and answer with what the receiver said',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: testBody,
      bodyOptional: true,
      responses: { '200': ok('the outcome', answer.sendTestSchema) },
    }),
  },
  '/v1/deliveries': {
    get: operation({
      summary: 'The delivery log, newest started first, a page at a time',
      tag: 'deliveries',
      security: 'tenant',
      query: deliveryListQuerySchema,
      responses: { '200': ok('a page', answer.deliveryPageSchema) },
    }),
  },
  '/v1/deliveries/{id}': {
    get: operation({
      summary: 'One delivery with every attempt',
      tag: 'deliveries',
      security: 'tenant',
      path: deliveryId,
      responses: { '200': ok('the delivery', answer.deliveryDetailSchema) },
    }),
  },
  '/v1/deliveries/{id}/replay': {
    post: operation({
      summary: 'Replay a dead letter: a fresh round of attempts',
      tag: 'deliveries',
      security: 'tenant',
      path: deliveryId,
      responses: {
        '202': ok('replay started', answer.replayedSchema),
        '409': error('not_dead_lettered'),
      },
    }),
  },
  '/v1/deliveries/{id}/resend': {
    post: operation({
      summary: 'Send any delivery again, whatever its status, as a new delivery naming the original',
      tag: 'deliveries',
      security: 'tenant',
      path: deliveryId,
      responses: {
        '202': ok('the new delivery', answer.resentSchema),
        '409': error("endpoint_deleted: the delivery's endpoint is gone"),
      },
    }),
  },
  '/v1/dead-letters': {
    get: operation({
      summary: 'Dead letters waiting for a replay, newest started first, a page at a time',
      tag: 'deliveries',
      security: 'tenant',
      query: deadLetterListQuerySchema,
      responses: { '200': ok('a page', answer.deadLetterPageSchema) },
    }),
  },
  ...(['encode', 'decode'] as const).reduce<ZodOpenApiPathsObject>((all, direction) => {
    all[`/codec/${direction}`] = {
      post: {
        summary: `Temporal codec server: ${direction} payloads (for the temporal CLI and the Web UI)`,
        tags: ['codec'],
        security: [{ operatorKey: [] }, { codecSession: [] }],
        requestBody: { required: true, ...json(payloadsBody) },
        responses: {
          '200': ok('the payloads', answer.codecPayloadsSchema),
          '400': error('validation_failed, wrong_namespace or decode_failed'),
          ...withKey,
        },
      },
    };
    return all;
  }, {}),
  '/codec/login': {
    get: {
      summary: 'The Web UI sign-in page (HTML)',
      tags: ['codec'],
      security: [],
      responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    },
    post: {
      summary: 'Sign the browser in with the operator key: sets the codec session cookie',
      tags: ['codec'],
      security: [],
      requestBody: {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema: z.object({ key: z.string() }) } },
      },
      responses: {
        '200': { description: 'signed in (HTML)', content: { 'text/html': { schema: z.string() } } },
        '401': {
          description: 'not the operator key (HTML)',
          content: { 'text/html': { schema: z.string() } },
        },
        '403': { description: 'a cross-site post (HTML)', content: { 'text/html': { schema: z.string() } } },
      },
    },
  },
  '/codec/logout': {
    post: {
      summary: 'Clear the codec session cookie',
      tags: ['codec'],
      security: [],
      responses: {
        '200': { description: 'signed out (HTML)', content: { 'text/html': { schema: z.string() } } },
        '403': { description: 'a cross-site post (HTML)', content: { 'text/html': { schema: z.string() } } },
      },
    },
  },
};
