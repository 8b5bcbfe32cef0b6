import type { z } from 'zod';
import type { EventType } from './event-types';
import { EVENT_TYPES, isEventType, matchesEventType } from './event-types';
import { fieldPathsOf } from './field-paths';
import * as samples from './samples';
import { buyingSignalDataSchema } from './schemas/pq';
import { prospectAddedDataSchema } from './schemas/prospektr';
import {
  leadDataSchema,
  leadStageChangedDataSchema,
  messageDataSchema,
  paymentDataSchema,
  proposalDataSchema,
} from './schemas/quintago';
import { projectSignalDataSchema } from './schemas/siggnal';
import { saveLeadDataSchema } from './schemas/leadsave';
import { operationResultDataSchema } from './schemas/operation';

/** The facts about an event that endpoint filters route on. */
export interface EventAttributes {
  signal_type?: string;
  classification?: string;
  icp_profile_name?: string;
  score?: number;
  project?: string;
  priority?: string;
}

/** Everything signal-push knows about one event type. */
export interface EventTypeSpec {
  type: EventType;
  /** What happened, in a sentence for the people who subscribe to it (the customer portal shows it). */
  description: string;
  /** zod schema of the event's data */
  schema: z.ZodType<Record<string, unknown>>;
  /** the data field that carries the event's own id on the wire, when the seed puts one there */
  idField?: string;
  /** the key under which the Prospektr-style envelope nests the data */
  envelopeKey: string;
  /** a realistic valid sample of the data, from the help page's example where it gives one */
  sample(): Record<string, unknown>;
  /** the attributes endpoint filters look at */
  attributes(data: Record<string, unknown>): EventAttributes;
  /** dotted paths of every field the data may carry, e.g. 'prospect', 'prospect.name' */
  fieldPaths: readonly string[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Drops absent attributes, so `{}` means "nothing to filter on". */
function defined(attributes: EventAttributes): EventAttributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}

interface Entry {
  description: string;
  schema: z.ZodType<Record<string, unknown>>;
  sample(): Record<string, unknown>;
  idField?: string;
  envelopeKey?: string;
  attributes?(data: Record<string, unknown>): EventAttributes;
}

const lead = (description: string): Entry => ({
  description,
  schema: leadDataSchema,
  sample: samples.leadSample,
});
const proposal = (description: string): Entry => ({
  description,
  schema: proposalDataSchema,
  sample: samples.proposalSample,
});

const entries: Record<EventType, Entry> = {
  buying_signal: {
    description: 'PQ Intel found a buying signal for a company matching one of your ICP profiles.',
    schema: buyingSignalDataSchema,
    sample: samples.buyingSignalSample,
    idField: 'signal_id',
    attributes: (data) => ({
      signal_type: str(data.signal_type),
      classification: str(data.classification),
      icp_profile_name: str(data.icp_profile_name),
      score: num(data.icp_score),
    }),
  },
  'prospect.added': {
    description: 'Prospektr added a prospect to one of your lists.',
    schema: prospectAddedDataSchema,
    sample: samples.prospectAddedSample,
    envelopeKey: 'prospect',
  },
  'lead.created': lead('QuintaGo: a lead was created.'),
  'lead.updated': lead("QuintaGo: a lead's details changed."),
  'lead.stage_changed': {
    description: 'QuintaGo: a lead moved to another pipeline stage.',
    schema: leadStageChangedDataSchema,
    sample: samples.leadSample,
  },
  'lead.archived': lead('QuintaGo: a lead was archived.'),
  'proposal.created': proposal('QuintaGo: a proposal was drafted.'),
  'proposal.sent': proposal('QuintaGo: a proposal was sent to the client.'),
  'proposal.viewed': proposal('QuintaGo: the client opened a proposal.'),
  'proposal.signed': proposal('QuintaGo: the client signed a proposal.'),
  'payment.received': {
    description: 'QuintaGo: a payment was received.',
    schema: paymentDataSchema,
    sample: samples.paymentSample,
  },
  'message.received': {
    description: 'QuintaGo: a client sent a message.',
    schema: messageDataSchema,
    sample: samples.messageSample,
  },
  project_signal: {
    description: 'Siggnal found a signal for one of your projects.',
    schema: projectSignalDataSchema,
    sample: samples.projectSignalSample,
    idField: 'signal_id',
    attributes: (data) => ({ project: str(data.project_id), priority: str(data.priority) }),
  },
  save_lead: {
    description: 'The lead-save API saved a lead.',
    schema: saveLeadDataSchema,
    sample: samples.saveLeadSample,
    attributes: (data) => ({ score: num(data.score) }),
  },
  'operation.result': {
    description: 'An asynchronous API operation finished; sent to the webhook_url given with it.',
    schema: operationResultDataSchema,
    sample: samples.operationResultSample,
  },
};

const specs: ReadonlyMap<EventType, EventTypeSpec> = new Map(
  EVENT_TYPES.map((type): [EventType, EventTypeSpec] => {
    const { description, schema, sample, idField, envelopeKey = 'data', attributes } = entries[type];
    const spec: EventTypeSpec = {
      type,
      description,
      schema,
      envelopeKey,
      sample,
      attributes: (data) => (attributes ? defined(attributes(data)) : {}),
      fieldPaths: Object.freeze(fieldPathsOf(schema)),
    };
    if (idField !== undefined) spec.idField = idField;
    return [type, Object.freeze(spec)];
  }),
);

/** The spec of a catalogued event type; undefined for anything else. */
export function eventTypeSpec(type: string): EventTypeSpec | undefined {
  return isEventType(type) ? specs.get(type) : undefined;
}

/** Every known type that at least one pattern selects, in catalog order; no patterns select nothing. */
export function typesMatching(patterns: readonly string[]): EventType[] {
  return EVENT_TYPES.filter((type) => patterns.some((pattern) => matchesEventType(pattern, type)));
}
