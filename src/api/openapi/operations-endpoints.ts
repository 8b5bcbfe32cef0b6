import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  endpointCreateSchema,
  endpointListQuerySchema,
  endpointPatchSchema,
  endpointReplaySchema,
  rotateSecretSchema,
} from '../../schemas/endpoint';
import { previewSchema as previewBody, testSchema as testBody } from '../routes/endpoint-tools';
import { endpointId, error, ok, operation } from './operation';
import * as answer from './response-schemas';

/** A tenant's endpoints and their tools. */
export const endpointPaths: ZodOpenApiPathsObject = {
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
      cli: 'endpoints list',
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
        cli: action,
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
      cli: 'replay --endpoint',
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
      cli: 'endpoints test',
      tag: 'endpoints',
      security: 'tenant',
      path: endpointId,
      body: testBody,
      bodyOptional: true,
      responses: { '200': ok('the outcome', answer.sendTestSchema) },
    }),
  },
};
