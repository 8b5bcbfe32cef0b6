import { describe, expect, test } from 'vitest';
import type { EventTypeSpec } from '../../src/events';
import {
  EVENT_TYPES,
  eventTypePatternSchema,
  eventTypeSpec,
  matchesEventType,
  typesMatching,
} from '../../src/events';

const LEAD_TYPES = ['lead.created', 'lead.updated', 'lead.stage_changed', 'lead.archived'];

function spec(type: string): EventTypeSpec {
  const found = eventTypeSpec(type);
  if (!found) throw new Error(`no spec for ${type}`);
  return found;
}

/** What a sender would be told: each issue as `path: message`. */
function refusal(type: string, data: unknown): string[] {
  const result = spec(type).schema.safeParse(data);
  if (result.success) throw new Error(`${type} accepted ${JSON.stringify(data)}`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('samples', () => {
  test.each(EVENT_TYPES)('the %s sample parses with its own schema', (type) => {
    const s = spec(type);
    expect(s.type).toBe(type);
    expect(s.schema.safeParse(s.sample()).success).toBe(true);
  });

  test('each call to sample() returns a fresh object, so a caller cannot spoil the next one', () => {
    const first = spec('buying_signal').sample();
    first.icp_score = -1;
    expect(spec('buying_signal').sample().icp_score).toBe(87);
  });

  test('the PQ sample is the help-page payload without its signature', () => {
    const sample = spec('buying_signal').sample();
    expect(sample.signal_id).toBe('sig_a1b2c3d4e5f6');
    expect(sample).not.toHaveProperty('signature');
  });
});

describe('type patterns', () => {
  test('"*" matches every catalogued type', () => {
    expect(typesMatching(['*'])).toEqual([...EVENT_TYPES]);
  });

  test('"lead.*" matches the four lead types and nothing else', () => {
    expect(typesMatching(['lead.*'])).toEqual(LEAD_TYPES);
    expect(matchesEventType('lead.*', 'leads.x')).toBe(false);
    expect(matchesEventType('lead.*', 'lead')).toBe(false);
    expect(matchesEventType('lead.*', 'proposal.sent')).toBe(false);
  });

  test('an exact pattern matches only its own type', () => {
    expect(typesMatching(['proposal.signed'])).toEqual(['proposal.signed']);
    expect(matchesEventType('save_lead', 'save_lead')).toBe(true);
    expect(matchesEventType('lead*', 'lead.created')).toBe(false);
  });

  test('no patterns select no types; overlapping patterns select each type once, in catalog order', () => {
    expect(typesMatching([])).toEqual([]);
    expect(typesMatching(['save_lead', 'lead.created', 'lead.*'])).toEqual([...LEAD_TYPES, 'save_lead']);
  });

  test('the pattern schema accepts a known type, "*" and a prefix that selects something', () => {
    for (const pattern of ['buying_signal', 'lead.stage_changed', '*', 'proposal.*', 'prospect.*']) {
      expect(eventTypePatternSchema.safeParse(pattern).success).toBe(true);
    }
  });

  test('the pattern schema refuses an unknown exact type, listing the known ones', () => {
    const result = eventTypePatternSchema.safeParse('lead.deleted');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /^must be a known event type \(buying_signal, prospect\.added, .*\), "\*" or a prefix such as "lead\.\*"$/,
    );
  });

  test('the pattern schema refuses a prefix that matches no known type, naming it', () => {
    const result = eventTypePatternSchema.safeParse('foo.*');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^"foo\.\*" matches no known event type/);
    expect(eventTypePatternSchema.safeParse('buying_signal.*').success).toBe(false);
  });
});

describe('data validation', () => {
  test('a Siggnal priority outside high/medium/low is refused at "priority"', () => {
    const issues = refusal('project_signal', { ...spec('project_signal').sample(), priority: 'urgent' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^priority: /);
  });

  test('a QuintaGo guest count that is not a number is refused at "lead.guests"', () => {
    const sample = spec('lead.created').sample() as { lead: Record<string, unknown> };
    const issues = refusal('lead.created', { ...sample, lead: { ...sample.lead, guests: 'many' } });
    expect(issues).toEqual([expect.stringMatching(/^lead\.guests: /)]);
  });

  test('lead.stage_changed requires both stages; lead.updated does not', () => {
    const lead = { venue: 'venue_1', lead: { id: 'lead_1', name: 'Ana' } };
    expect(spec('lead.updated').schema.safeParse(lead).success).toBe(true);
    expect(refusal('lead.stage_changed', lead).map((issue) => issue.split(':')[0])).toEqual([
      'lead.stage',
      'lead.previousStage',
    ]);
  });

  test('an unknown top-level key is refused by the strict schemas', () => {
    expect(refusal('buying_signal', { ...spec('buying_signal').sample(), signature: 'e4d9' })).toEqual([
      expect.stringMatching(/signature/),
    ]);
    for (const type of [
      'lead.created',
      'prospect.added',
      'project_signal',
      'save_lead',
      'operation.result',
    ]) {
      expect(refusal(type, { ...spec(type).sample(), extra: 1 }), type).toEqual([
        expect.stringMatching(/extra/),
      ]);
    }
  });

  test('unknown keys inside nested objects are kept, so senders may enrich them', () => {
    const sample = spec('proposal.sent').sample() as { proposal: Record<string, unknown> };
    const parsed = spec('proposal.sent').schema.parse({
      ...sample,
      proposal: { ...sample.proposal, deposit_percent: 30 },
    });
    expect(parsed).toMatchObject({ proposal: { deposit_percent: 30 } });
  });

  test("save_lead accepts null for the help page's *string fields but not for email or website", () => {
    const sample = spec('save_lead').sample();
    expect(spec('save_lead').schema.safeParse({ ...sample, company: null, notes: null }).success).toBe(true);
    expect(refusal('save_lead', { ...sample, website: null })).toEqual([expect.stringMatching(/^website: /)]);
    expect(refusal('save_lead', { ...sample, email: 'not-an-email' })).toEqual([
      expect.stringMatching(/^email: /),
    ]);
  });

  test('strings are bounded: an oversized message body is refused', () => {
    const sample = spec('message.received').sample() as { message: Record<string, unknown> };
    const issues = refusal('message.received', {
      ...sample,
      message: { ...sample.message, body: 'x'.repeat(10_001) },
    });
    expect(issues).toEqual([expect.stringMatching(/^message\.body: /)]);
  });

  test('operation.result takes any JSON result but an operation name of 1-100 safe characters', () => {
    const ok = { operation: 'email-verifier', result: { nested: { list: [1, 'two', null] } } };
    expect(spec('operation.result').schema.safeParse(ok).success).toBe(true);
    expect(refusal('operation.result', { ...ok, operation: '' })).toEqual([
      expect.stringMatching(/^operation: /),
    ]);
    expect(refusal('operation.result', { ...ok, operation: 'x'.repeat(101) })).toHaveLength(1);
  });
});

describe('catalog metadata', () => {
  test('an unknown type has no spec', () => {
    expect(eventTypeSpec('lead.deleted')).toBeUndefined();
    expect(eventTypeSpec('*')).toBeUndefined();
  });

  test('only PQ and Siggnal carry their own id, in signal_id', () => {
    const withId = EVENT_TYPES.filter((type) => spec(type).idField !== undefined);
    expect(withId).toEqual(['buying_signal', 'project_signal']);
    expect(spec('buying_signal').idField).toBe('signal_id');
    expect(spec('project_signal').idField).toBe('signal_id');
  });

  test('Prospektr nests its data under "prospect"; every other type under "data"', () => {
    expect(spec('prospect.added').envelopeKey).toBe('prospect');
    for (const type of EVENT_TYPES.filter((t) => t !== 'prospect.added')) {
      expect(spec(type).envelopeKey).toBe('data');
    }
  });

  test('PQ attributes are its signal type, classification, ICP profile and ICP score', () => {
    const s = spec('buying_signal');
    expect(s.attributes(s.sample())).toEqual({
      signal_type: 'intent_post',
      classification: 'hot',
      icp_profile_name: 'Enterprise Tech Buyers',
      score: 87,
    });
  });

  test('Siggnal attributes are its project and priority', () => {
    const s = spec('project_signal');
    expect(s.attributes(s.sample())).toEqual({ project: 'proj_warehouse_automation', priority: 'high' });
  });

  test('save_lead attributes are its score; other types have none', () => {
    const s = spec('save_lead');
    expect(s.attributes(s.sample())).toEqual({ score: 82 });
    expect(spec('lead.created').attributes(spec('lead.created').sample())).toEqual({});
    expect(spec('prospect.added').attributes(spec('prospect.added').sample())).toEqual({});
  });

  test('fieldPaths name top-level and nested fields, and nothing the schema does not know', () => {
    const pq = spec('buying_signal').fieldPaths;
    expect(pq).toEqual(
      expect.arrayContaining([
        'signal_id',
        'prospect',
        'prospect.email',
        'company.domain',
        'platform.posted_at',
      ]),
    );
    expect(pq).not.toContain('signature');
    expect(pq).not.toContain('prospect.phone');

    const lead = spec('lead.created').fieldPaths;
    expect(lead).toEqual(expect.arrayContaining(['venue', 'lead', 'lead.stage', 'lead.guests']));
    expect(lead).not.toContain('data.lead');
    expect(lead).not.toContain('proposal');
  });

  test('fieldPaths see through optional and nullable fields and treat arrays as leaves', () => {
    expect(spec('save_lead').fieldPaths).toContain('company');
    const siggnal = spec('project_signal').fieldPaths;
    expect(siggnal).toEqual(expect.arrayContaining(['company.inn', 'event.detected_at', 'contacts']));
    expect(siggnal.some((path) => path.startsWith('contacts.'))).toBe(false);
  });
});

test('every spec is frozen, so one caller cannot change the catalog for another', () => {
  expect(Object.isFrozen(spec('buying_signal'))).toBe(true);
  expect(Object.isFrozen(spec('buying_signal').fieldPaths)).toBe(true);
});
