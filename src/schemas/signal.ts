import { z } from 'zod';
import { signalIdSchema } from './ids';

export const SIGNAL_TYPES = ['intent_post', 'job_change', 'funding_event', 'review', 'qa_forum'] as const;
export const CLASSIFICATIONS = ['hot', 'warm', 'cold'] as const;

const isoTimestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
const text = (max: number) => z.string().max(max);
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);

/** PQ Intel's signal payload, as its help page documents it; unknown keys are refused. */
export const signalSchema = z.strictObject({
  signal_id: signalIdSchema.optional(),
  signal_type: z.enum(SIGNAL_TYPES),
  classification: z.enum(CLASSIFICATIONS),
  icp_score: z.number().int().min(0).max(100),
  timestamp: isoTimestamp,
  prospect: z.looseObject({
    name: text(200),
    title: text(200).optional(),
    email: z.email().max(320).optional(),
    linkedin_url: httpUrl.optional(),
  }),
  company: z.looseObject({
    name: text(200),
    domain: text(253).optional(),
    industry: text(200).optional(),
    headcount: text(50).optional(),
    location: text(200).optional(),
  }),
  platform: z.looseObject({
    name: text(100),
    post_url: httpUrl.optional(),
    posted_at: isoTimestamp.optional(),
  }),
  excerpt: text(500),
  icp_profile_name: text(200),
  profile_url: httpUrl,
});

export type Signal = z.infer<typeof signalSchema>;
