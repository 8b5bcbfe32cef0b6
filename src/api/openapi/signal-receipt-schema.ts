import { z } from 'zod';
import { ATTEMPT_ERROR_KINDS, DELIVERY_KINDS, DELIVERY_STATUSES } from '../../../workflows/delivery-contract';

// The answer of GET /v1/signals/:id, for the OpenAPI document; strict, as in ./response-schemas.

const instant = z.iso.datetime({ offset: true });

const endpointReceipt = z.strictObject({
  endpoint_id: z.string().meta({ description: 'The endpoint (cb_… for the one-off callback URL).' }),
  delivery_id: z.string(),
  kind: z.enum(DELIVERY_KINDS),
  status: z.enum(DELIVERY_STATUSES),
  final: z.boolean().meta({
    description: 'No attempt of its own follows: delivered, failed, dead_lettered, expired or rejected.',
  }),
  attempt_count: z.number().int(),
  last_attempt: z
    .strictObject({
      started_at: instant,
      http_status: z.number().int().nullable(),
      error_kind: z.enum(ATTEMPT_ERROR_KINDS).nullable(),
    })
    .nullable(),
  next_attempt_at: instant.nullable(),
  completed_at: instant.nullable(),
  resent_from: z.string().nullable(),
});

export const signalReceiptSchema = z
  .strictObject({
    signal_id: z.string(),
    tenant_id: z.string(),
    complete: z.boolean().meta({ description: 'Every delivery is final.' }),
    delivered: z.number().int().meta({ description: 'How many deliveries reached their endpoint.' }),
    deliveries: z.array(endpointReceipt),
  })
  .meta({ id: 'SignalReceipt' });
