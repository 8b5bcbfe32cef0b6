import { describe, expect, test } from 'vitest';
import type { RenderableEvent } from '../../src/render/envelope';
import { envelopeKeys, payloadBytes, renderPayload } from '../../src/render/envelope';
import type { PayloadFormat } from '../../src/render/payload-format';
import {
  DEFAULT_PAYLOAD_FORMAT,
  applyPayloadFormat,
  payloadFormatProblems,
  payloadFormatSchema,
} from '../../src/render/payload-format';

const format = (overrides: Partial<PayloadFormat> = {}): PayloadFormat => ({
  ...payloadFormatSchema.parse({}),
  ...overrides,
});

const signalData = (): Record<string, unknown> => ({
  signal_type: 'intent_post',
  classification: 'hot',
  icp_score: 87,
  timestamp: '2026-05-18T14:30:00.000Z',
  prospect: { name: 'Alex Morgan', title: 'VP of Engineering', email: 'alex@acme.com' },
  company: { name: 'Acme Corp', domain: 'acme.com' },
  platform: { name: 'linkedin', post_url: 'https://linkedin.com/posts/123' },
  excerpt: 'We are evaluating new data pipeline solutions.',
  tags: ['data', { nested: { kept: true } }],
});

const signalEvent = (): RenderableEvent => ({
  id: 'sig_a1b2c3d4e5f6',
  type: 'signal.detected',
  occurredAt: '2026-05-18T14:30:00.123Z',
  tenant: { id: 'ten_0123456789abcdef', name: 'Busy Print Co.' },
  data: signalData(),
  idField: 'signal_id',
  envelopeKey: 'signal',
});

const signalPaths = [
  'signal_id',
  'signal_type',
  'classification',
  'icp_score',
  'timestamp',
  'prospect.name',
  'prospect.title',
  'prospect.email',
  'company.name',
  'company.domain',
  'platform.name',
  'platform.post_url',
  'excerpt',
  'tags',
];

describe('envelopes', () => {
  test("flat is the data with the event id first under idField, as in PQ Intel's payload", () => {
    const body = renderPayload(signalEvent(), 'flat', DEFAULT_PAYLOAD_FORMAT);
    expect(Object.keys(body)[0]).toBe('signal_id');
    expect(body).toEqual({ signal_id: 'sig_a1b2c3d4e5f6', ...signalData() });
  });

  test('flat without an idField is the data alone', () => {
    const event: RenderableEvent = { ...signalEvent(), idField: undefined };
    expect(renderPayload(event, 'flat', DEFAULT_PAYLOAD_FORMAT)).toEqual(signalData());
  });

  test('flat keeps the id even when the format leaves it out or the data carries another', () => {
    const event = { ...signalEvent(), data: { ...signalData(), signal_id: 'stale' } };
    const body = renderPayload(event, 'flat', format({ include: ['excerpt'] }));
    expect(body).toEqual({ signal_id: 'sig_a1b2c3d4e5f6', excerpt: signalData().excerpt });
  });

  test("prospektr is Prospektr's {type, tenant, prospect}", () => {
    const prospect = { id: 'uuid', name: 'Sunshine Promo Co.', notable_clients: ['Disney', 'Universal'] };
    const event: RenderableEvent = {
      id: 'evt_1',
      type: 'prospect.added',
      occurredAt: '2026-04-26T12:34:56.000Z',
      tenant: { id: 'ten_1', name: 'Busy Print Co.' },
      data: prospect,
      envelopeKey: 'prospect',
    };
    const body = renderPayload(event, 'prospektr', DEFAULT_PAYLOAD_FORMAT);
    expect(body).toEqual({
      type: 'prospect.added',
      tenant: { id: 'ten_1', name: 'Busy Print Co.' },
      prospect,
    });
    expect(Object.keys(body)).toEqual(['type', 'tenant', 'prospect']);
  });

  test('quintago is {id, type, created, venue, data} with venue lifted out and created to the second, in UTC', () => {
    const lead = { id: 'lead_01', name: 'Ana & Pedro Silva', stage: 'proposal_sent', guests: 120 };
    const event: RenderableEvent = {
      id: 'evt_01HX',
      type: 'lead.stage_changed',
      occurredAt: '2025-05-10T15:32:00.456+01:00',
      tenant: { id: 'ten_1', name: 'Quinta' },
      data: { venue: 'venue_01HX', lead },
      envelopeKey: 'lead',
    };
    const body = renderPayload(event, 'quintago', DEFAULT_PAYLOAD_FORMAT);
    expect(body).toEqual({
      id: 'evt_01HX',
      type: 'lead.stage_changed',
      created: '2025-05-10T14:32:00Z',
      venue: 'venue_01HX',
      data: { lead },
    });
    expect(Object.keys(body)).toEqual(['id', 'type', 'created', 'venue', 'data']);
  });

  test('quintago sends venue null when the data has no string venue', () => {
    const body = renderPayload(
      { ...signalEvent(), data: { lead: { id: 'l' } } },
      'quintago',
      DEFAULT_PAYLOAD_FORMAT,
    );
    expect(body.venue).toBeNull();
    expect(body.data).toEqual({ lead: { id: 'l' } });
  });

  test('standard_webhooks is {type, timestamp, data}', () => {
    const body = renderPayload(signalEvent(), 'standard_webhooks', DEFAULT_PAYLOAD_FORMAT);
    expect(body).toEqual({
      type: 'signal.detected',
      timestamp: '2026-05-18T14:30:00.123Z',
      data: signalData(),
    });
  });

  test('format paths apply to the data inside the envelope, extra keys to the top of the body', () => {
    const body = renderPayload(
      signalEvent(),
      'standard_webhooks',
      format({ include: ['prospect.name'], extra: { source: 'pq', version: 2 } }),
    );
    expect(body).toEqual({
      type: 'signal.detected',
      timestamp: '2026-05-18T14:30:00.123Z',
      data: { prospect: { name: 'Alex Morgan' } },
      source: 'pq',
      version: 2,
    });
  });

  test('an extra key cannot replace a key the envelope wrote', () => {
    const body = renderPayload(
      signalEvent(),
      'quintago',
      format({ extra: { type: 'forged', crm: 'hubspot' } }),
    );
    expect(body.type).toBe('signal.detected');
    expect(body.crm).toBe('hubspot');
  });
});

describe('applyPayloadFormat', () => {
  test('include keeps a nested path together with the parent object that holds it', () => {
    const out = applyPayloadFormat(signalData(), format({ include: ['prospect.email', 'icp_score'] }));
    expect(out).toEqual({ icp_score: 87, prospect: { email: 'alex@acme.com' } });
  });

  test('include of a whole object keeps all its fields', () => {
    expect(applyPayloadFormat(signalData(), format({ include: ['company'] }))).toEqual({
      company: { name: 'Acme Corp', domain: 'acme.com' },
    });
  });

  test('exclude drops a nested path and leaves its siblings', () => {
    const out = applyPayloadFormat(signalData(), format({ exclude: ['prospect.email', 'excerpt'] }));
    const expected = signalData();
    delete expected.excerpt;
    expect(out).toEqual({ ...expected, prospect: { name: 'Alex Morgan', title: 'VP of Engineering' } });
  });

  test('include then exclude: keep prospect, without its email', () => {
    const out = applyPayloadFormat(
      signalData(),
      format({ include: ['prospect'], exclude: ['prospect.email'] }),
    );
    expect(out).toEqual({ prospect: { name: 'Alex Morgan', title: 'VP of Engineering' } });
  });

  test('flatten turns prospect.name into prospect_name and leaves arrays untouched', () => {
    const out = applyPayloadFormat(signalData(), format({ flatten: true }));
    expect(out).toMatchObject({
      signal_type: 'intent_post',
      prospect_name: 'Alex Morgan',
      prospect_email: 'alex@acme.com',
      company_domain: 'acme.com',
      platform_post_url: 'https://linkedin.com/posts/123',
      tags: ['data', { nested: { kept: true } }],
    });
    expect(out).not.toHaveProperty('prospect');
    expect(Object.values(out).filter((v) => typeof v === 'object' && !Array.isArray(v))).toEqual([]);
  });

  test('a flat body with flatten and extra: id first, flattened fields, extra keys at the top', () => {
    const body = renderPayload(
      signalEvent(),
      'flat',
      format({ include: ['prospect.name', 'icp_score'], flatten: true, extra: { pipeline: 'warehouse' } }),
    );
    expect(body).toEqual({
      signal_id: 'sig_a1b2c3d4e5f6',
      icp_score: 87,
      prospect_name: 'Alex Morgan',
      pipeline: 'warehouse',
    });
    expect(Object.keys(body)[0]).toBe('signal_id');
  });

  test('never mutates its input, and the output shares no object with it', () => {
    const data = signalData();
    const before = structuredClone(data);
    const formats = [
      format({ include: ['prospect'], exclude: ['prospect.email'] }),
      format({ exclude: ['company.name'], flatten: true }),
      format(),
    ];
    for (const f of formats) {
      const out = applyPayloadFormat(data, f);
      (out.tags as unknown[] | undefined)?.push('changed');
      if (out.prospect) (out.prospect as Record<string, unknown>).name = 'changed';
    }
    renderPayload({ ...signalEvent(), data }, 'quintago', format({ extra: { a: 1 } }));
    expect(data).toEqual(before);
  });

  test('a field named __proto__ stays a field', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": 1}}') as Record<
      string,
      unknown
    >;
    const out = applyPayloadFormat(data, format({ flatten: true }));
    expect(Object.keys(out).sort()).toEqual(['__proto___polluted', 'a___proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('payloadFormatProblems', () => {
  test('a format built from known paths has no problems', () => {
    const f = format({
      include: ['prospect', 'icp_score'],
      exclude: ['prospect.email'],
      extra: { source: 'pq' },
    });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([]);
    expect(payloadFormatProblems(DEFAULT_PAYLOAD_FORMAT, signalPaths)).toEqual([]);
  });

  test('an unknown include or exclude path is named by its index', () => {
    const f = format({ include: ['icp_score', 'prospect.phone', 'company.name.first'], exclude: ['nope'] });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([
      { field: 'payload_format.include[1]', problem: "'prospect.phone' is not a field of these events" },
      { field: 'payload_format.include[2]', problem: "'company.name.first' is not a field of these events" },
      { field: 'payload_format.exclude[0]', problem: "'nope' is not a field of these events" },
    ]);
  });

  test('a path both included and excluded, or excluded with its parent, is a problem on the exclude', () => {
    const f = format({ include: ['excerpt', 'prospect.name'], exclude: ['excerpt', 'prospect'] });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([
      {
        field: 'payload_format.exclude[0]',
        problem: "'excerpt' is also included (payload_format.include[0])",
      },
      {
        field: 'payload_format.exclude[1]',
        problem: "'prospect' removes 'prospect.name', which payload_format.include[1] keeps",
      },
    ]);
  });

  test('an extra key that collides with a field is named by its key', () => {
    const f = format({ extra: { signal_id: 'x', prospect: 'y', prospect_name: 'z' } });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([
      { field: 'payload_format.extra.signal_id', problem: "'signal_id' is already a key of the payload" },
      { field: 'payload_format.extra.prospect', problem: "'prospect' is already a key of the payload" },
    ]);
  });

  test('with flatten on, collisions are checked against the flattened keys', () => {
    const f = format({ flatten: true, extra: { prospect: 'y', prospect_name: 'z' } });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([
      {
        field: 'payload_format.extra.prospect_name',
        problem: "'prospect_name' is already a key of the payload",
      },
    ]);
  });

  test('an extra key that only collides with an excluded field is fine', () => {
    const f = format({ exclude: ['excerpt'], extra: { excerpt: 'custom' } });
    expect(payloadFormatProblems(f, signalPaths)).toEqual([]);
  });

  test('with a nesting envelope, extra keys are checked against the envelope instead', () => {
    const f = format({ extra: { signal_id: 'x', type: 'y' } });
    expect(payloadFormatProblems(f, signalPaths, envelopeKeys('standard_webhooks', 'signal'))).toEqual([
      { field: 'payload_format.extra.type', problem: "'type' is already a key of the envelope" },
    ]);
    expect(envelopeKeys('prospektr', 'prospect')).toEqual(['type', 'tenant', 'prospect']);
    expect(envelopeKeys('flat', 'signal')).toBeUndefined();
  });

  test('two fields that flatten to one key are a problem of flatten', () => {
    const f = format({ flatten: true });
    expect(payloadFormatProblems(f, ['a_b', 'a.b'])).toEqual([
      { field: 'payload_format.flatten', problem: "'a_b' and 'a.b' both become 'a_b'" },
    ]);
  });
});

describe('payloadFormatSchema', () => {
  test('fills defaults and refuses unknown keys, bad paths and oversized extras', () => {
    expect(payloadFormatSchema.parse({})).toEqual({ include: [], exclude: [], flatten: false, extra: {} });
    expect(payloadFormatSchema.safeParse({ fields: [] }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ include: ['prospect..name'] }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ include: Array(101).fill('a') }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ extra: { 'bad key': 1 } }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ extra: { k: 'x'.repeat(1001) } }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ extra: { k: { nested: 1 } } }).success).toBe(false);
    const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(payloadFormatSchema.safeParse({ extra: fiftyOne }).success).toBe(false);
    expect(payloadFormatSchema.safeParse({ extra: { 'crm.source-id': null, on: true } }).success).toBe(true);
  });

  test('the default format is frozen', () => {
    expect(Object.isFrozen(DEFAULT_PAYLOAD_FORMAT)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PAYLOAD_FORMAT.include)).toBe(true);
  });
});

describe('payloadBytes', () => {
  test('counts UTF-8 bytes of compact JSON, not characters', () => {
    expect(payloadBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(payloadBytes({ a: 'é' })).toBe(10);
    expect(payloadBytes({ e: '🚀' })).toBe(12);
    expect(payloadBytes({ s: '€' })).toBe('{"s":"€"}'.length + 2);
  });
});
