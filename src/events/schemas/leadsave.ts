import { z } from 'zod';
import { email, text } from './common';

/** The help page's `*string`: the field may be absent or null. */
const optionalText = (max: number) => text(max).nullish();

/** `save_lead`: the lead-save API's lead, field for field as its help page tables it. */
export const saveLeadDataSchema = z.strictObject({
  email,
  website: text(2048),
  company: optionalText(300),
  first_name: optionalText(100),
  last_name: optionalText(100),
  phone: optionalText(50),
  position: optionalText(200),
  twitter: optionalText(200),
  linkedin: optionalText(2048),
  notes: optionalText(5000),
  score: z.number().int(),
});

export type SaveLeadData = z.infer<typeof saveLeadDataSchema>;
