import { z } from 'zod';
import { amount, currency, email, httpUrl, idSchema, isoDate, isoTimestamp, phone, text } from './common';

const lead = z.looseObject({
  id: idSchema,
  name: text(200).optional(),
  email: email.optional(),
  phone: phone.optional(),
  stage: text(100).optional(),
  previousStage: text(100).optional(),
  eventDate: isoDate.optional(),
  guests: z.number().int().min(0).max(100_000).optional(),
});

const proposal = z.looseObject({
  id: idSchema,
  lead_id: idSchema,
  title: text(200).optional(),
  amount: amount.optional(),
  currency: currency.optional(),
  status: text(50).optional(),
  url: httpUrl.optional(),
  created_at: isoTimestamp.optional(),
  sent_at: isoTimestamp.optional(),
  viewed_at: isoTimestamp.optional(),
  signed_at: isoTimestamp.optional(),
});

const payment = z.looseObject({
  id: idSchema,
  proposal_id: idSchema,
  amount,
  currency,
  method: text(50).optional(),
  received_at: isoTimestamp,
});

const message = z.looseObject({
  id: idSchema,
  lead_id: idSchema,
  channel: text(50),
  body: text(10_000),
  received_at: isoTimestamp,
});

/** `lead.created`, `lead.updated`, `lead.archived`: the venue and the lead as it now stands. */
export const leadDataSchema = z.strictObject({ venue: idSchema, lead });

/** `lead.stage_changed`: as the other lead events, but the move itself must be stated. */
export const leadStageChangedDataSchema = z.strictObject({
  venue: idSchema,
  lead: lead.extend({ stage: text(100), previousStage: text(100) }),
});

/** `proposal.*`: the venue and the proposal. */
export const proposalDataSchema = z.strictObject({ venue: idSchema, proposal });

/** `payment.received`: the venue and the payment. */
export const paymentDataSchema = z.strictObject({ venue: idSchema, payment });

/** `message.received`: the venue and the message a lead sent. */
export const messageDataSchema = z.strictObject({ venue: idSchema, message });

export type LeadData = z.infer<typeof leadDataSchema>;
export type ProposalData = z.infer<typeof proposalDataSchema>;
export type PaymentData = z.infer<typeof paymentDataSchema>;
export type MessageData = z.infer<typeof messageDataSchema>;
