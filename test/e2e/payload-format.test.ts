import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventType } from '../../src/events';
import { eventTypeSpec } from '../../src/events';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sampleSignal, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

const sample = (type: EventType): Record<string, unknown> => eventTypeSpec(type)!.sample();
const fieldsOf = (body: { error: { fields: Array<{ field: string }> } }): string[] =>
  body.error.fields.map((f) => f.field);
const bodyOf = (target: Receiver, index = 0): Record<string, unknown> =>
  JSON.parse(target.requests[index]!.rawBody.toString('utf8'));

const createRaw = (s: Stack, tenant: TestTenant, body: Record<string, unknown>) =>
  s.api.request('POST', '/v1/endpoints', { key: tenant.key, body });
/**
 * Proves previews started no delivery: a real signal sent now (the sentinel) is delivered and
 * listed; a delivery a preview had started would have been started before it, so by then the
 * tenant's log holds the sentinel and `earlier` only, and the receiver got the sentinel alone.
 */
async function expectOnlyDeliveries(
  s: Stack,
  tenant: TestTenant,
  target: Receiver,
  earlier: string[],
  sendSentinel = async () => (await sendSignal(s, tenant)).deliveries[0]!.delivery_id,
) {
  const sentinel = await sendSentinel();
  await settledDelivery(s, tenant, sentinel);
  const listed = await eventually(async () => {
    const log = await s.api.request('GET', '/v1/deliveries', { key: tenant.key });
    const ids: string[] = log.body.deliveries.map((d: { id: string }) => d.id);
    return ids.includes(sentinel) && ids;
  });
  expect(listed.sort()).toEqual([sentinel, ...earlier].sort());
  expect(target.requests.map((r) => r.headers['x-signal-push-delivery-id'])).toEqual([sentinel]);
}

const preview = (s: Stack, tenant: TestTenant, id: string, body: Record<string, unknown> = {}) =>
  s.api.request('POST', `/v1/endpoints/${id}/preview`, { key: tenant.key, body });

/** Sends a signal and waits for its one delivery to be delivered. */
async function deliverSignal(s: Stack, tenant: TestTenant): Promise<string> {
  const { signal_id: id, deliveries } = await sendSignal(s, tenant);
  expect(deliveries).toHaveLength(1);
  expect((await settledDelivery(s, tenant, deliveries[0]!.delivery_id)).status).toBe('delivered');
  return id;
}

describe('the format applied to what the receiver gets', () => {
  test('exclude, flatten and extra shape the body, and the signature verifies over the raw body', async () => {
    const target = await receiver();
    const tenant = await createTenant(stack);
    const secret = 'format-secret-0123456789abcdef';
    await createEndpoint(stack, tenant, {
      url: target.url,
      secret,
      event_types: ['buying_signal'],
      payload_format: { exclude: ['excerpt', 'prospect.email'], flatten: true, extra: { source: 'pq' } },
    });
    const id = await deliverSignal(stack, tenant);

    const request = target.requests[0]!;
    expect(request.headers['x-pq-signature']).toBe(
      createHmac('sha256', secret).update(request.rawBody).digest('hex'),
    );
    const body = bodyOf(target);
    expect(body).toMatchObject({
      signal_id: id,
      prospect_name: 'Alex Morgan',
      prospect_title: 'VP of Engineering',
      company_name: 'Acme Corp',
      source: 'pq',
    });
    expect(body).not.toHaveProperty('excerpt');
    expect(body).not.toHaveProperty('prospect_email');
    expect(body).not.toHaveProperty('prospect');
  });

  test('include keeps only the fields it names, and the id field signal_id', async () => {
    const target = await receiver();
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, {
      url: target.url,
      event_types: ['buying_signal'],
      payload_format: { include: ['prospect.name', 'icp_score'] },
    });
    const id = await deliverSignal(stack, tenant);
    expect(bodyOf(target)).toEqual({ signal_id: id, prospect: { name: 'Alex Morgan' }, icp_score: 87 });
  });
});

describe('format validation', () => {
  test('an unknown field in include or exclude gets 400 naming payload_format.include[i] or exclude[i], on create and on PATCH', async () => {
    const tenant = await createTenant(stack);
    const url = 'http://127.0.0.1:9/hook';
    const create = await createRaw(stack, tenant, {
      url,
      event_types: ['buying_signal'],
      payload_format: { include: ['prospect.shoe_size', 'icp_score'], exclude: ['excerpt', 'nonsense'] },
    });
    expect(create.status).toBe(400);
    expect(fieldsOf(create.body)).toEqual(['payload_format.include[0]', 'payload_format.exclude[1]']);

    const { id } = await createEndpoint(stack, tenant, { url, event_types: ['buying_signal'] });
    const patched = await stack.api.request('PATCH', `/v1/endpoints/${id}`, {
      key: tenant.key,
      body: { payload_format: { include: ['icp_score', 'excerpt', 'lead.guests'] } },
    });
    expect(patched.status).toBe(400);
    expect(fieldsOf(patched.body)).toEqual(['payload_format.include[2]']);

    // A field of another event type becomes known once the endpoint subscribes to that type.
    const widened = await stack.api.request('PATCH', `/v1/endpoints/${id}`, {
      key: tenant.key,
      body: { event_types: ['buying_signal', 'lead.created'], payload_format: { exclude: ['lead.guests'] } },
    });
    expect(widened.status).toBe(200);
  });

  test('an extra key that collides with a field gets 400 naming it', async () => {
    const tenant = await createTenant(stack);
    const url = 'http://127.0.0.1:9/hook';
    const plain = await createRaw(stack, tenant, {
      url,
      event_types: ['buying_signal'],
      payload_format: { extra: { icp_score: 100 } },
    });
    expect(plain.status).toBe(400);
    expect(fieldsOf(plain.body)).toEqual(['payload_format.extra.icp_score']);

    const flattened = await createRaw(stack, tenant, {
      url,
      event_types: ['buying_signal'],
      payload_format: { flatten: true, extra: { prospect_name: 'Someone else' } },
    });
    expect(flattened.status).toBe(400);
    expect(fieldsOf(flattened.body)).toEqual(['payload_format.extra.prospect_name']);
  });
});

describe('preview', () => {
  test('renders the sample with the saved format, a trial format or given data, and sends nothing', async () => {
    const target = await receiver();
    const tenant = await createTenant(stack);
    const { id } = await createEndpoint(stack, tenant, {
      url: target.url,
      event_types: ['buying_signal'],
      payload_format: { include: ['prospect.name'], extra: { source: 'pq' } },
    });
    const signalId = sample('buying_signal').signal_id;

    const saved = await preview(stack, tenant, id);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ event_type: 'buying_signal', envelope: 'flat', sendable: true });
    expect(saved.body.body).toEqual({
      signal_id: signalId,
      prospect: { name: 'Alex Morgan' },
      source: 'pq',
    });
    expect(saved.body.size_bytes).toBe(Buffer.byteLength(JSON.stringify(saved.body.body)));

    const trial = await preview(stack, tenant, id, {
      payload_format: { include: ['company.name'], flatten: true },
    });
    expect(trial.status).toBe(200);
    expect(trial.body.body).toEqual({ signal_id: signalId, company_name: 'Acme Corp' });

    const given = await preview(stack, tenant, id, {
      data: sampleSignal({ signal_id: 'sig_preview_given', prospect: { name: 'Dana Reyes' } }),
    });
    expect(given.status).toBe(200);
    expect(given.body.body).toEqual({
      signal_id: 'sig_preview_given',
      prospect: { name: 'Dana Reyes' },
      source: 'pq',
    });

    // The trial format was not saved.
    const shown = await stack.api.request('GET', `/v1/endpoints/${id}`, { key: tenant.key });
    expect(shown.body.payload_format).toMatchObject({ include: ['prospect.name'], flatten: false });
    await expectOnlyDeliveries(stack, tenant, target, []);
  });

  test('of an event type the endpoint does not take gets 400 naming event_type', async () => {
    const tenant = await createTenant(stack);
    const { id } = await createEndpoint(stack, tenant, {
      url: 'http://127.0.0.1:9/hook',
      event_types: ['lead.*'],
    });
    const res = await preview(stack, tenant, id, { event_type: 'proposal.sent' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['event_type']);
    expect((await preview(stack, tenant, id, { event_type: 'lead.archived' })).status).toBe(200);
  });
});

describe('envelopes', () => {
  test("prospektr's is {type, tenant: {id, name}, prospect} with the tenant's name", async () => {
    const target = await receiver();
    const tenant = await createTenant(stack, 'Sunshine Print Shop');
    await createEndpoint(stack, tenant, { preset: 'prospektr', url: target.url });
    const res = await stack.api.request('POST', '/v1/events', {
      key: stack.operatorKey,
      body: { tenant_id: tenant.id, type: 'prospect.added', data: sample('prospect.added') },
    });
    expect(res.status).toBe(202);
    await settledDelivery(stack, tenant, res.body.deliveries[0].delivery_id);
    expect(bodyOf(target)).toEqual({
      type: 'prospect.added',
      tenant: { id: tenant.id, name: 'Sunshine Print Shop' },
      prospect: sample('prospect.added'),
    });
  });

  test("quintago's is {id, type, created, venue, data}, created in whole UTC seconds", async () => {
    const target = await receiver();
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { preset: 'quintago', url: target.url });
    const { venue, lead } = sample('lead.created');
    const res = await stack.api.request('POST', '/v1/events', {
      key: stack.operatorKey,
      body: {
        tenant_id: tenant.id,
        type: 'lead.created',
        id: 'evt_quintago_envelope',
        occurred_at: '2025-05-10T16:32:00.456+02:00',
        data: { venue, lead },
      },
    });
    expect(res.status).toBe(202);
    await settledDelivery(stack, tenant, res.body.deliveries[0].delivery_id);
    const body = bodyOf(target);
    expect(Object.keys(body)).toEqual(['id', 'type', 'created', 'venue', 'data']);
    expect(body).toEqual({
      id: 'evt_quintago_envelope',
      type: 'lead.created',
      created: '2025-05-10T14:32:00Z',
      venue,
      data: { lead },
    });
  });
});

describe('payload size limit', () => {
  let small: Stack;
  beforeAll(async () => {
    small = await startStack({ SIGNAL_PUSH_MAX_PAYLOAD_BYTES: '2048' });
  });
  afterAll(() => small?.stop());

  test('a payload over the limit is rejected at intake, never sent, and previews as not sendable', async () => {
    const target = await receiver();
    const tenant = await createTenant(small);
    const { id } = await createEndpoint(small, tenant, { url: target.url, event_types: ['save_lead'] });
    const large = { ...sample('save_lead'), notes: 'n'.repeat(3000) };

    const res = await small.api.request('POST', '/v1/events', {
      key: small.operatorKey,
      body: { tenant_id: tenant.id, type: 'save_lead', data: large },
    });
    expect(res.status).toBe(202);
    const [started] = res.body.deliveries;
    expect(started.rejected).toMatch(/over the 2048-byte limit/);

    const delivery = await eventually(async () => {
      const got = await small.api.request('GET', `/v1/deliveries/${started.delivery_id}`, {
        key: tenant.key,
      });
      return got.status === 200 && got.body.status === 'rejected' && got.body;
    });
    expect(delivery.rejected_reason).toBe(started.rejected);
    expect(delivery.attempts).toEqual([]);

    const tooLarge = await preview(small, tenant, id, { data: large });
    expect(tooLarge.status).toBe(200);
    expect(tooLarge.body).toMatchObject({ max_bytes: 2048, sendable: false });
    expect(tooLarge.body.size_bytes).toBeGreaterThan(2048);
    const fits = await preview(small, tenant, id);
    expect(fits.body).toMatchObject({ max_bytes: 2048, sendable: true });
    await expectOnlyDeliveries(small, tenant, target, [started.delivery_id], async () => {
      const sent = await small.api.request('POST', '/v1/events', {
        key: small.operatorKey,
        body: { tenant_id: tenant.id, type: 'save_lead', data: sample('save_lead') },
      });
      return sent.body.deliveries[0].delivery_id;
    });
  });
});
