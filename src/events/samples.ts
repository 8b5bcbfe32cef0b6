import type { z } from 'zod';
import type { buyingSignalDataSchema } from './schemas/pq';
import type { prospectAddedDataSchema } from './schemas/prospektr';
import type {
  leadStageChangedDataSchema,
  messageDataSchema,
  paymentDataSchema,
  proposalDataSchema,
} from './schemas/quintago';
import type { projectSignalDataSchema } from './schemas/siggnal';
import type { saveLeadDataSchema } from './schemas/leadsave';
import type { operationResultDataSchema } from './schemas/operation';

// Each sample is typed by its schema's input so a drifting sample fails to compile; every call
// returns a fresh object, so callers may change what they get.

/** PQ Intel's help-page payload, without the `signature` it shows in the body. */
export const buyingSignalSample = (): z.input<typeof buyingSignalDataSchema> => ({
  signal_id: 'sig_a1b2c3d4e5f6',
  signal_type: 'intent_post',
  classification: 'hot',
  icp_score: 87,
  timestamp: '2026-05-18T14:30:00.000Z',
  prospect: {
    name: 'Alex Morgan',
    title: 'VP of Engineering',
    email: 'alex.morgan@acme.com',
    linkedin_url: 'https://linkedin.com/in/alexmorgan',
  },
  company: {
    name: 'Acme Corp',
    domain: 'acme.com',
    industry: 'Enterprise SaaS',
    headcount: '201-500',
    location: 'San Francisco, CA',
  },
  platform: {
    name: 'linkedin',
    post_url: 'https://linkedin.com/posts/123',
    posted_at: '2026-05-18T13:00:00.000Z',
  },
  excerpt: 'We are actively evaluating new data pipeline solutions for our growing engineering team.',
  icp_profile_name: 'Enterprise Tech Buyers',
  profile_url: 'https://app.productquant.dev/prospects/a1b2c3',
});

/** Prospektr's help-page `prospect`, with its placeholders filled in. */
export const prospectAddedSample = (): z.input<typeof prospectAddedDataSchema> => ({
  id: '3f6c2a1e-8b7d-4c5e-9a0f-1d2e3b4c5a6f',
  name: 'Sunshine Promo Co.',
  website: 'https://sunshinepromo.com',
  email: 'sales@sunshinepromo.com',
  phone: '+1 407-555-0101',
  address: '100 N Orange Ave',
  city: 'Orlando',
  state: 'FL',
  postal_code: '32801',
  segment: 'promo',
  lead_potential: 'high',
  lead_reasoning: 'Lists Disney, Universal, and other large-run brands among its clients',
  classification_confidence: '0.85',
  notable_clients: ['Disney', 'Universal'],
  large_run_indicators: [],
  status: 'qualified',
  created_at: '2026-04-26T12:34:56.000Z',
});

const venue = 'venue_01HXXXXXXXXXX';

/** QuintaGo's help-page example; it satisfies every lead event. */
export const leadSample = (): z.input<typeof leadStageChangedDataSchema> => ({
  venue,
  lead: {
    id: 'lead_01HXXXXXXXXXX',
    name: 'Ana & Pedro Silva',
    email: 'ana@example.com',
    phone: '+351912345678',
    stage: 'proposal_sent',
    previousStage: 'visit_booked',
    eventDate: '2025-10-15',
    guests: 120,
  },
});

export const proposalSample = (): z.input<typeof proposalDataSchema> => ({
  venue,
  proposal: {
    id: 'prop_01HXXXXXXXXXX',
    lead_id: 'lead_01HXXXXXXXXXX',
    title: 'Wedding reception, 15 October 2025',
    amount: 18500,
    currency: 'EUR',
    status: 'sent',
    created_at: '2025-05-10T14:00:00Z',
    sent_at: '2025-05-10T14:32:00Z',
  },
});

export const paymentSample = (): z.input<typeof paymentDataSchema> => ({
  venue,
  payment: {
    id: 'pay_01HXXXXXXXXXX',
    proposal_id: 'prop_01HXXXXXXXXXX',
    amount: 5550,
    currency: 'EUR',
    method: 'bank_transfer',
    received_at: '2025-05-20T09:15:00Z',
  },
});

export const messageSample = (): z.input<typeof messageDataSchema> => ({
  venue,
  message: {
    id: 'msg_01HXXXXXXXXXX',
    lead_id: 'lead_01HXXXXXXXXXX',
    channel: 'email',
    body: 'Could we visit the venue on Saturday morning?',
    received_at: '2025-05-11T08:02:00Z',
  },
});

export const projectSignalSample = (): z.input<typeof projectSignalDataSchema> => ({
  signal_id: 'sig_7f3e9a1c2b4d',
  project_id: 'proj_warehouse_automation',
  company: { name: 'Nordwind Logistics LLC', inn: '7712345678', industry: 'Logistics' },
  event: {
    type: 'tender_published',
    description: 'Published a tender for warehouse automation at its Moscow hub',
    detected_at: '2026-05-18T09:00:00Z',
  },
  priority: 'high',
  relevance_explanation: 'Warehouse automation is the core offer of this project',
  recommended_action: 'Contact the head of procurement before the tender closes',
  contacts: [
    {
      name: 'Irina Volkova',
      role: 'Head of Procurement',
      email: 'i.volkova@nordwind.example',
      phone: '+7 495 555-01-23',
    },
  ],
});

export const saveLeadSample = (): z.input<typeof saveLeadDataSchema> => ({
  email: 'jane.doe@example.com',
  website: 'https://example.com',
  company: 'Example Inc',
  first_name: 'Jane',
  last_name: 'Doe',
  phone: null,
  position: 'Head of Marketing',
  twitter: '@janedoe',
  linkedin: 'https://www.linkedin.com/in/janedoe',
  notes: null,
  score: 82,
});

export const operationResultSample = (): z.input<typeof operationResultDataSchema> => ({
  operation: 'email-verifier',
  result: { email: 'jane.doe@example.com', status: 'valid', score: 97 },
});
