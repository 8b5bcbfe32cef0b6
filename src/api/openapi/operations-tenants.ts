import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  tenantCreateSchema,
  tenantDeleteQuerySchema,
  tenantListQuerySchema,
  tenantPatchSchema,
} from '../../schemas/tenant';
import { error, ok, operation, tenantId } from './operation';
import * as answer from './response-schemas';

/** The operator's tenant routes. */
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
};
