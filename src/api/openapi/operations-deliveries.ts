import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { deadLetterListQuerySchema, deliveryListQuerySchema } from '../../schemas/deliveries';
import { deliveryId, error, ok, operation } from './operation';
import * as answer from './response-schemas';

/** The delivery log, replays, resends and dead letters. */
export const deliveryPaths: ZodOpenApiPathsObject = {
  '/v1/deliveries': {
    get: operation({
      summary: 'The delivery log, newest started first, a page at a time',
      cli: 'deliveries list',
      tag: 'deliveries',
      security: 'tenant',
      query: deliveryListQuerySchema,
      responses: { '200': ok('a page', answer.deliveryPageSchema) },
    }),
  },
  '/v1/deliveries/{id}': {
    get: operation({
      summary: 'One delivery with every attempt',
      cli: 'deliveries show',
      tag: 'deliveries',
      security: 'tenant',
      path: deliveryId,
      responses: { '200': ok('the delivery', answer.deliveryDetailSchema) },
    }),
  },
  '/v1/deliveries/{id}/replay': {
    post: operation({
      summary: 'Replay a dead letter: a fresh round of attempts',
      cli: 'replay',
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
      cli: 'deliveries resend',
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
      cli: 'dead-letters list',
      tag: 'deliveries',
      security: 'tenant',
      query: deadLetterListQuerySchema,
      responses: { '200': ok('a page', answer.deadLetterPageSchema) },
    }),
  },
};
