import { z } from 'zod';
import { httpUrl, idSchema, isoTimestamp, email, phone, text } from './common';

const labels = z.array(text(200)).max(100);

/**
 * `prospect.added`: Prospektr's `prospect` object. Only the identity and creation time are
 * required; the rest comes from scraping and classification, so any of it may be missing or null.
 */
export const prospectAddedDataSchema = z.strictObject({
  id: idSchema,
  name: text(200).min(1),
  website: httpUrl.nullish(),
  email: email.nullish(),
  phone: phone.nullish(),
  address: text(300).nullish(),
  city: text(100).nullish(),
  state: text(100).nullish(),
  postal_code: text(20).nullish(),
  segment: text(100).nullish(),
  lead_potential: text(50).nullish(),
  lead_reasoning: text(2000).nullish(),
  // Prospektr sends the confidence as a decimal string, e.g. "0.85".
  classification_confidence: z
    .string()
    .regex(/^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/, 'must be a decimal string from "0" to "1", e.g. "0.85"')
    .nullish(),
  notable_clients: labels.nullish(),
  large_run_indicators: labels.nullish(),
  status: text(50).nullish(),
  created_at: isoTimestamp,
});

export type ProspectAddedData = z.infer<typeof prospectAddedDataSchema>;
