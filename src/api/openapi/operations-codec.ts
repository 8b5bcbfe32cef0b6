import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { payloadsBody } from '../codec/codec-routes';
import { error, json, ok, withKey } from './operation';
import * as answer from './response-schemas';

/** Temporal's codec server and its sign-in. */
export const codecPaths: ZodOpenApiPathsObject = {
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
