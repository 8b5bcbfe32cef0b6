import { z } from 'zod';
import { signalIdSchema } from './signal';

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;

export const deliveryListQuerySchema = z.strictObject({
  endpoint_id: z
    .string()
    .regex(/^ep_[0-9a-f]{16}$/, 'must be an endpoint id (ep_…)')
    .optional(),
  signal_id: signalIdSchema.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;
