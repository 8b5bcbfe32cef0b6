import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../workflows/delivery-contract';
import { endpointIdSchema, signalIdSchema } from './ids';

export const deliveryListQuerySchema = z.strictObject({
  endpoint_id: endpointIdSchema.optional(),
  signal_id: signalIdSchema.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

export const deadLetterListQuerySchema = z.strictObject({
  endpoint_id: endpointIdSchema.optional(),
  since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type DeadLetterListQuery = z.infer<typeof deadLetterListQuerySchema>;
