import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { eventIntakeSchema, intakeQuerySchema, signalIntakeSchema } from '../../schemas/event-intake';
import { error, ok, operation } from './operation';
import * as answer from './response-schemas';

/** Intake: events and PQ Intel signals. */
export const intakePaths: ZodOpenApiPathsObject = {
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
};
