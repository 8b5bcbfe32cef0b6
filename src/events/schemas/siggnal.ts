import { z } from 'zod';
import { email, idSchema, isoTimestamp, phone, text } from './common';

export const PRIORITIES = ['high', 'medium', 'low'] as const;

/** `project_signal`: a Siggnal signal for one of the tenant's projects. */
export const projectSignalDataSchema = z.strictObject({
  signal_id: idSchema.optional(),
  project_id: idSchema,
  company: z.looseObject({
    name: text(300),
    // The Russian tax id: 10 digits for an organisation, 12 for a sole trader.
    inn: z
      .string()
      .regex(/^(?:\d{10}|\d{12})$/, 'must be a tax id (INN) of 10 or 12 digits')
      .optional(),
    industry: text(200).optional(),
  }),
  event: z.looseObject({
    type: text(100),
    description: text(2000).optional(),
    detected_at: isoTimestamp,
  }),
  priority: z.enum(PRIORITIES),
  relevance_explanation: text(2000).optional(),
  recommended_action: text(2000).optional(),
  contacts: z
    .array(
      z.looseObject({
        name: text(200),
        role: text(200).optional(),
        email: email.optional(),
        phone: phone.optional(),
      }),
    )
    .max(50)
    .optional(),
});

export type ProjectSignalData = z.infer<typeof projectSignalDataSchema>;
