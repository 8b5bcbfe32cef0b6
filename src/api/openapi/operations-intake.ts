import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { eventIntakeSchema, intakeQuerySchema, signalIntakeSchema } from '../../schemas/event-intake';
import { signalReceiptQuerySchema } from '../../schemas/signal-receipt';
import { error, ok, operation, signalId } from './operation';
import * as answer from './response-schemas';
import { signalReceiptSchema } from './signal-receipt-schema';

/** Intake: events and PQ Intel signals, and a signal's receipt. */
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
  '/v1/signals/{id}': {
    get: operation({
      summary: 'The receipt of a signal (or any event): each endpoint it went to, with status and attempts',
      description:
        'With `wait` (e.g. `10s`, at most 30s) the answer comes once every delivery is final or when the wait ends, whichever is first; `complete` says which. With the operator key `tenant_id` names the tenant; a tenant key reads its own.',
      cli: 'signals show',
      tag: 'intake',
      security: 'operator_or_tenant',
      path: signalId,
      query: signalReceiptQuerySchema,
      responses: {
        '200': ok('the receipt', signalReceiptSchema),
        '404': error('not_found (no delivery of this signal) or tenant_not_found (names query.tenant_id)'),
      },
    }),
  },
};
