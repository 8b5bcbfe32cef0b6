import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { ok, operation } from './operation';
import * as answer from './response-schemas';

/** Health, metrics and this document. */
export const opsPaths: ZodOpenApiPathsObject = {
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
};
