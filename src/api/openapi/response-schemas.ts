import { z } from 'zod';
import { ATTEMPT_ERROR_KINDS, DELIVERY_KINDS, DELIVERY_STATUSES } from '../../../workflows/delivery-contract';
import { PAUSE_REASONS, SIGNATURE_SCHEMES } from '../../../workflows/records';
import { endpointSettings } from '../../schemas/endpoint';

// What the API answers, for the OpenAPI document. Strict objects: the document's test validates
// every real answer against these, so a field added to an answer and not here fails it.

const instant = z.iso.datetime({ offset: true });
const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` (with the same filters) for the next page; null on the last.' });

export const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z
        .string()
        .meta({ description: 'Machine-readable: validation_failed, not_found, unauthorized, …' }),
      message: z.string(),
      fields: z
        .array(
          z.strictObject({
            field: z
              .string()
              .meta({ description: 'Dotted path: `plan.max_endpoints`, `query.cursor`, `(body)`' }),
            problem: z.string(),
            limit: z.number().optional(),
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx answer of the JSON API.' });

const plan = z.strictObject({
  max_endpoints: z.number().int().nullable(),
  rate_limit_per_minute: z.number().int().nullable(),
});

export const tenantSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    owner_email: z.string().nullable(),
    plan,
    signal_completed_events: z.boolean().meta({
      description:
        'The operator gets a signal.completed event (SIGNAL_PUSH_OPS_WEBHOOK_URL) once every delivery of each signal has ended.',
    }),
    created_at: instant,
  })
  .meta({ id: 'Tenant' });

export const tenantCreatedSchema = tenantSchema
  .extend({
    api_key: z.string().meta({ description: 'Shown once.' }),
    callback_secret: z.string().nullable().meta({ description: 'Shown once.' }),
  })
  .meta({ id: 'TenantCreated' });

export const tenantPageSchema = z.strictObject({
  tenants: z.array(tenantSchema),
  tenants_unavailable: z
    .array(z.string())
    .meta({ description: "Ids of this page's tenants whose workflow cannot answer (see tenants repair)." }),
  next_cursor: nextCursor,
});
export const tenantDeletedSchema = z.strictObject({
  tenant_id: z.string(),
  deleted_workflows: z.number().int(),
  cancelled_deliveries: z.number().int(),
});
export const keyRotatedSchema = z.strictObject({ id: z.string(), api_key: z.string(), rotated_at: instant });

export const portalLinkSchema = z.strictObject({
  url: z
    .string()
    .meta({ description: 'Opens the portal for this tenant; a bearer credential until it expires' }),
  session_id: z.string().meta({ description: 'Names the link to revoke it (ps_…)' }),
  expires_at: instant,
});

const startedDelivery = z
  .strictObject({
    endpoint_id: z.string(),
    delivery_id: z.string(),
    duplicate: z.boolean(),
    rejected: z.string().nullable(),
  })
  .meta({ id: 'StartedDelivery' });

export const eventAcceptedSchema = z.strictObject({
  event_id: z.string(),
  deliveries: z.array(startedDelivery),
  callback: startedDelivery.nullable(),
});
export const signalAcceptedSchema = z.strictObject({
  signal_id: z.string(),
  deliveries: z.array(startedDelivery),
  callback: startedDelivery.optional(),
});

const pauseInfo = z.strictObject({ reason: z.enum(PAUSE_REASONS), at: instant });

/** An endpoint as the API shows it: secrets and custom header values only as hints. */
export const endpointSchema = z
  .strictObject({
    ...endpointSettings,
    id: z.string(),
    tenant_id: z.string(),
    preset: z.string().nullable(),
    headers: z.record(z.string(), z.string()).meta({ description: 'Values as hints (`…abcd`).' }),
    signature: z.strictObject({
      scheme: z.enum(SIGNATURE_SCHEMES),
      header: z.string(),
      body_field: z.string().nullable(),
    }),
    health: z.strictObject({ paused: pauseInfo.nullable(), failing: z.boolean() }),
    created_at: instant,
    updated_at: instant,
    secret_hint: z.string().nullable(),
    previous_secret_expires_at: instant.nullable(),
    retry_schedule_seconds: z.array(z.number()),
  })
  .meta({ id: 'Endpoint' });

export const endpointCreatedSchema = endpointSchema
  .extend({ secret: z.string().nullable().meta({ description: 'Shown in full only here.' }) })
  .meta({ id: 'EndpointCreated' });
export const endpointWithHealthSchema = endpointSchema
  .extend({ consecutive_failures: z.number().int(), held_deliveries: z.number().int() })
  .meta({ id: 'EndpointWithHealth' });
export const endpointPageSchema = z.strictObject({
  endpoints: z.array(endpointSchema),
  next_cursor: nextCursor,
});

export const endpointHealthSchema = z.strictObject({
  endpoint_id: z.string(),
  tenant_id: z.string(),
  paused: pauseInfo.nullable(),
  consecutive_failures: z.number().int(),
  held_deliveries: z.number().int(),
});
export const bulkReplaySchema = z.strictObject({
  replayed: z.number().int(),
  delivery_ids: z.array(z.string()),
});
export const secretRotatedSchema = z.strictObject({
  secret: z.string().meta({ description: 'Shown once.' }),
  previous_secret_expires_at: instant.nullable(),
});
export const previewSchema = z.strictObject({
  event_type: z.string(),
  envelope: z.string(),
  body: z.record(z.string(), z.unknown()),
  size_bytes: z.number().int(),
  max_bytes: z.number().int(),
  sendable: z.boolean(),
});
export const sendTestSchema = z.strictObject({
  delivery_id: z.string(),
  event_type: z.string(),
  delivered: z.boolean(),
  http_status: z.number().int().nullable(),
  latency_ms: z.number().nullable(),
  error_kind: z.string().nullable(),
  response_body: z.string(),
  rejected: z.string().nullable(),
});

const deliveryFields = {
  id: z.string(),
  tenant_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  signal_id: z.string().optional(),
  signal_type: z.string().optional(),
  event_type: z.string().optional(),
  kind: z.enum(DELIVERY_KINDS),
  status: z.enum(DELIVERY_STATUSES).optional(),
  attempt_count: z.number().int(),
  dead_lettered_at: instant.nullable(),
  created_at: instant,
  completed_at: instant.nullable(),
  resent_from: z.string().nullable().meta({ description: 'The delivery this one sent again.' }),
};

export const deliverySummarySchema = z.strictObject(deliveryFields).meta({ id: 'DeliverySummary' });
export const deliveryPageSchema = z.strictObject({
  deliveries: z.array(deliverySummarySchema),
  next_cursor: nextCursor,
});
export const deadLetterPageSchema = z.strictObject({
  dead_letters: z.array(deliverySummarySchema),
  next_cursor: nextCursor,
});

const attempt = z.strictObject({
  attempt: z.number().int(),
  started_at: instant,
  latency_ms: z.number(),
  http_status: z.number().int().nullable(),
  error_kind: z.enum(ATTEMPT_ERROR_KINDS).nullable(),
  response_body: z.string(),
  retry_after_ms: z.number().nullable(),
});

export const deliveryDetailSchema = z
  .strictObject({
    ...deliveryFields,
    attempts: z.array(attempt),
    next_attempt_at: instant.nullable(),
    expires_at: instant.nullable(),
    replays: z.number().int(),
    rejected_reason: z.string().nullable(),
    waiting_for: z.string().nullable().meta({
      description:
        'While `queued`: the earlier delivery with the same ordering key it waits for (its own status says why that one has not ended).',
    }),
  })
  .meta({ id: 'Delivery' });

export const replayedSchema = z.strictObject({ delivery_id: z.string(), replayed: z.literal(true) });
export const resentSchema = z.strictObject({
  delivery_id: z.string(),
  resent_from: z.string(),
  endpoint_id: z.string(),
  signal_id: z.string(),
  rejected: z.string().nullable(),
});

export const healthzSchema = z.strictObject({ ok: z.literal(true) });
const check = z.enum(['ok', 'unreachable', 'missing', 'not_polling']);
export const readyzSchema = z.strictObject({
  ready: z.boolean(),
  status: z.enum(['ok', 'degraded', 'unavailable']),
  temporal: check,
  namespace: check,
  search_attributes: check,
  worker: check.optional().meta({ description: 'Where a worker runs in the process.' }),
  tenants_unavailable: z.union([
    z.number().int().meta({ description: 'Without the operator key: how many.' }),
    z.array(z.strictObject({ tenant_id: z.string(), reason: z.string(), since: instant })),
  ]),
});
export const codecPayloadsSchema = z.strictObject({
  payloads: z.array(z.strictObject({ metadata: z.record(z.string(), z.string()), data: z.string() })),
});
