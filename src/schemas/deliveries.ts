import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../workflows/delivery-contract';
import { EVENT_TYPES } from '../events/event-types';
import { endpointIdSchema, signalIdSchema } from './ids';
import { RANGE_PROBLEM, pageQueryFields, rangeInOrder } from './pages';

/** `since` and `until` bound when a delivery was started. */
export const deliveryListQuerySchema = z
  .strictObject({
    endpoint_id: endpointIdSchema.optional(),
    signal_id: signalIdSchema.optional(),
    status: z.enum(DELIVERY_STATUSES).optional(),
    event_type: z.enum(EVENT_TYPES).optional(),
    ...pageQueryFields(500),
  })
  .refine(rangeInOrder, RANGE_PROBLEM);

export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

/** `since` and `until` bound when a delivery was dead-lettered. */
export const deadLetterListQuerySchema = z
  .strictObject({
    endpoint_id: endpointIdSchema.optional(),
    ...pageQueryFields(500),
  })
  .refine(rangeInOrder, RANGE_PROBLEM);

export type DeadLetterListQuery = z.infer<typeof deadLetterListQuerySchema>;
