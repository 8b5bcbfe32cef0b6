import { z } from 'zod';
import { EVENT_TYPES } from '../events';
import { endpointUrlSchema } from './endpoint';
import { signalIdSchema, tenantIdSchema } from './ids';
import { signalSchema } from './signal';

/**
 * `POST /v1/events`: one shape for every event family. `data` is checked against its type's schema
 * afterwards, so each bad field is named under `data.`.
 */
export const eventIntakeSchema = z.strictObject({
  tenant_id: tenantIdSchema,
  type: z.enum(EVENT_TYPES),
  /** The platform's own id for the event; sending it twice delivers it once. */
  id: signalIdSchema.optional(),
  occurred_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  data: z.record(z.string(), z.unknown()),
});

/** `POST /v1/signals`: PQ Intel's flat signal plus the tenant it belongs to. */
export const signalIntakeSchema = signalSchema.extend({ tenant_id: tenantIdSchema });

/** The lead-save API's `?webhook_url=`: the operation's result also goes to this one URL. */
export const intakeQuerySchema = z.strictObject({
  webhook_url: endpointUrlSchema.optional(),
});
