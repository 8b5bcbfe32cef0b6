import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  tenantCreateSchema,
  tenantDeleteQuerySchema,
  tenantListQuerySchema,
  tenantPatchSchema,
} from '../../schemas/tenant';
import { error, ok, operation, tenantId } from './operation';
import * as answer from './response-schemas';
import { portalSessionCreateSchema } from '../../schemas/portal';

/** The operator's tenant routes, and the links into a tenant's customer portal. */
export const tenantPaths: ZodOpenApiPathsObject = {
  '/v1/tenants': {
    post: operation({
      summary: 'Create a tenant; its API key and callback secret are shown once',
      cli: 'tenants create',
      tag: 'tenants',
      security: 'operator',
      body: tenantCreateSchema,
      responses: { '201': ok('created', answer.tenantCreatedSchema) },
    }),
    get: operation({
      summary: 'List tenants, oldest first, a page at a time',
      cli: 'tenants list',
      tag: 'tenants',
      security: 'operator',
      query: tenantListQuerySchema,
      responses: { '200': ok('a page', answer.tenantPageSchema) },
    }),
  },
  '/v1/tenants/{id}': {
    get: operation({
      summary: 'Read a tenant',
      cli: 'tenants show',
      tag: 'tenants',
      security: 'operator',
      path: tenantId,
      responses: { '200': ok('the tenant', answer.tenantSchema) },
    }),
    patch: operation({
      summary: 'Rename a tenant or change its plan',
      cli: 'tenants update',
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
      cli: 'tenants delete',
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
      cli: 'tenants rotate-key',
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
      cli: 'tenants portal-link',
      tag: 'portal',
      security: 'operator',
      path: tenantId,
      body: portalSessionCreateSchema,
      bodyOptional: true,
      responses: { '201': ok('the link', answer.portalLinkSchema) },
    }),
    delete: operation({
      summary: 'Revoke every portal link of the tenant issued so far, and the sessions they opened',
      cli: 'tenants revoke-portal-link',
      tag: 'portal',
      security: 'operator',
      path: tenantId,
      responses: { '204': { description: 'revoked' } },
    }),
  },
  '/v1/tenants/{id}/portal-sessions/{sessionId}': {
    delete: operation({
      summary: 'Revoke one portal link and the session it opened',
      cli: 'tenants revoke-portal-link',
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
};
