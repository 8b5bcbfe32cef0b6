import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventType } from '../../src/events';
import { eventTypeSpec } from '../../src/events';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});
/** A receiver of its own, for a test that reads what it got; closed when the test ends. */
const ownReceiver = receiversClosedAfterEachTest();

const hmacHex = (secret: string, body: Buffer | string): string =>
  createHmac('sha256', secret).update(body).digest('hex');

const createRaw = (tenant: TestTenant, body: Record<string, unknown>) =>
  stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body });
const patch = (tenant: TestTenant, id: string, body: Record<string, unknown>) =>
  stack.api.request('PATCH', `/v1/endpoints/${id}`, { key: tenant.key, body });
const getEndpoint = async (tenant: TestTenant, id: string) => {
  const res = await stack.api.request('GET', `/v1/endpoints/${id}`, { key: tenant.key });
  expect(res.status).toBe(200);
  return res.body;
};
const fieldsOf = (body: { error: { fields: Array<{ field: string }> } }): string[] =>
  body.error.fields.map((f) => f.field);

/** Sends the type's catalog sample through POST /v1/events and waits for its one delivery to settle. */
async function deliverSample(tenant: TestTenant, type: EventType) {
  const res = await stack.api.request('POST', '/v1/events', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, type, data: eventTypeSpec(type)!.sample() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.deliveries).toHaveLength(1);
  return settledDelivery(stack, tenant, res.body.deliveries[0].delivery_id);
}

describe('presets', () => {
  test('pq: X-PQ-Signature hex over the raw body and in the body, 60 a minute, paused after 20', async () => {
    const target = await ownReceiver();
    // The plan allows more than the preset's 60, so 60 can only come from the preset.
    const tenant = await createTenant(stack, 'PQ tenant', {
      max_endpoints: 10,
      rate_limit_per_minute: 120,
    });
    const { id, secret } = await createEndpoint(stack, tenant, { preset: 'pq', url: target.url });
    expect(await getEndpoint(tenant, id)).toMatchObject({
      preset: 'pq',
      event_types: ['buying_signal'],
      envelope: 'flat',
      signature: { scheme: 'hex', header: 'X-PQ-Signature', body_field: 'signature' },
      rate_limit_per_minute: 60,
      pause_threshold: 20,
      retry_schedule_seconds: [1, 5, 30],
      secret_hint: `…${secret.slice(-4)}`,
    });

    const delivery = await settledDelivery(
      stack,
      tenant,
      (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id,
    );
    expect(delivery.status).toBe('delivered');
    const [request] = target.requests;
    expect(request!.headers['x-pq-signature']).toBe(hmacHex(secret, request!.rawBody));
    const { signature, ...rest } = JSON.parse(request!.rawBody.toString('utf8'));
    expect(signature).toBe(hmacHex(secret, JSON.stringify(rest)));
  });

  test('quintago: retries after 5 s, 25 s, 2 min, 10 min and 30 min, paused after 100', async () => {
    const tenant = await createTenant(stack);
    const { id } = await createEndpoint(stack, tenant, { preset: 'quintago', url: receiver.url });
    expect(await getEndpoint(tenant, id)).toMatchObject({
      event_types: ['lead.*', 'proposal.*', 'payment.received', 'message.received'],
      envelope: 'quintago',
      signature: { scheme: 'sha256_prefixed', header: 'x-quintago-signature' },
      retry_policy: { delays_seconds: [5, 25, 120, 600, 1800] },
      retry_schedule_seconds: [5, 25, 120, 600, 1800],
      pause_threshold: 100,
    });
  });

  test('prospektr without a secret: secret_hint null, and requests carry no signature header', async () => {
    const target = await ownReceiver();
    const tenant = await createTenant(stack);
    const created = await createRaw(tenant, { preset: 'prospektr', url: target.url });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBeNull();
    expect(await getEndpoint(tenant, created.body.id)).toMatchObject({
      event_types: ['prospect.added'],
      envelope: 'prospektr',
      secret_hint: null,
      retry_schedule_seconds: [],
      timeout_seconds: 10,
      pause_threshold: null,
    });

    const delivered = await deliverSample(tenant, 'prospect.added');
    expect(delivered.status).toBe('delivered');
    const [request] = target.requests;
    const signatureHeaders = Object.keys(request!.headers).filter(
      (name) => name.includes('signature') || name.startsWith('webhook-'),
    );
    expect(signatureHeaders).toEqual([]);
    expect(request!.headers['x-signal-push-delivery-id']).toBe(delivered.id);
  });

  test("explicit fields override the preset's", async () => {
    const tenant = await createTenant(stack);
    const { id } = await createEndpoint(stack, tenant, {
      preset: 'quintago',
      url: receiver.url,
      event_types: ['lead.created'],
      envelope: 'flat',
      retry_policy: { delays_seconds: [1, 2] },
      pause_threshold: 7,
      signature: { header: 'X-Venue-Signature' },
    });
    expect(await getEndpoint(tenant, id)).toMatchObject({
      preset: 'quintago',
      event_types: ['lead.created'],
      envelope: 'flat',
      retry_schedule_seconds: [1, 2],
      pause_threshold: 7,
      // The scheme the override left alone is still the preset's.
      signature: { scheme: 'sha256_prefixed', header: 'X-Venue-Signature' },
    });
  });
});

describe('custom headers', () => {
  test('are sent to the receiver and shown in GET only as hints', async () => {
    const target = await ownReceiver();
    const tenant = await createTenant(stack);
    const token = 'Bearer tok_live_9f8e7d6c5b4a3210';
    const { id } = await createEndpoint(stack, tenant, {
      url: target.url,
      headers: { Authorization: token, 'X-Team': 'growth-ops' },
    });
    expect(
      (await settledDelivery(stack, tenant, (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id))
        .status,
    ).toBe('delivered');
    expect(target.requests[0]!.headers).toMatchObject({ authorization: token, 'x-team': 'growth-ops' });

    const shown = await getEndpoint(tenant, id);
    // A short value shows nothing at all: its last four characters would be most of it.
    expect(shown.headers).toEqual({ Authorization: '…3210', 'X-Team': '…' });
    expect(JSON.stringify(shown)).not.toContain('tok_live');
    const listed = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
    expect(JSON.stringify(listed.body)).not.toContain('tok_live');
  });

  test('a value with CR or LF, or a header signal-push sets itself, gets 400 naming headers.<Name>', async () => {
    const tenant = await createTenant(stack);
    const refused = async (headers: Record<string, string>, extra: Record<string, unknown> = {}) => {
      const res = await createRaw(tenant, { url: receiver.url, headers, ...extra });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      return fieldsOf(res.body);
    };
    expect(await refused({ 'X-Evil': 'a\r\nX-Injected: 1' })).toEqual(['headers.X-Evil']);
    expect(await refused({ 'X-Evil': 'line\nbreak' })).toEqual(['headers.X-Evil']);
    for (const name of ['content-type', 'Host', 'X-Signal-Push-Attempt', 'webhook-signature']) {
      expect(await refused({ [name]: 'forged' })).toEqual([`headers.${name}`]);
    }
    // The endpoint's own signature header, whichever name it has.
    expect(await refused({ 'X-PQ-Signature': 'forged' })).toEqual(['headers.X-PQ-Signature']);
    expect(
      await refused({ 'X-Hub-Signature': 'forged' }, { signature: { header: 'X-Hub-Signature' } }),
    ).toEqual(['headers.X-Hub-Signature']);

    const { id } = await createEndpoint(stack, tenant, { url: receiver.url });
    const patched = await patch(tenant, id, { headers: { 'x-pq-signature': 'forged' } });
    expect(patched.status).toBe(400);
    expect(fieldsOf(patched.body)).toEqual(['headers.x-pq-signature']);
  });
});

test('methods PUT and PATCH reach the receiver with that method', async () => {
  const target = await ownReceiver();
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: `${target.url}/put`, method: 'PUT' });
  await createEndpoint(stack, tenant, { url: `${target.url}/patch`, method: 'PATCH' });
  const { deliveries } = await sendSignal(stack, tenant);
  for (const d of deliveries) {
    expect((await settledDelivery(stack, tenant, d.delivery_id)).status).toBe('delivered');
  }
  const seen = target.requests.map((r) => `${r.method} ${r.path}`).sort();
  expect(seen).toEqual(['PATCH /hook/patch', 'PUT /hook/put']);
});

describe('labels', () => {
  test('are unique per tenant ignoring case: 409 label_taken naming label on create and on rename', async () => {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: receiver.url, label: 'CRM sync' });
    const clash = await createRaw(tenant, { url: receiver.url, label: 'crm SYNC' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('label_taken');
    expect(fieldsOf(clash.body)).toEqual(['label']);

    const other = await createEndpoint(stack, tenant, { url: receiver.url, label: 'Slack' });
    const rename = await patch(tenant, other.id, { label: 'CRM Sync' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('label_taken');
    expect(fieldsOf(rename.body)).toEqual(['label']);
    expect((await getEndpoint(tenant, other.id)).label).toBe('Slack');

    // Another tenant may use the same label.
    const neighbour = await createTenant(stack);
    expect((await createRaw(neighbour, { url: receiver.url, label: 'CRM sync' })).status).toBe(201);
  });

  test('of two concurrent creates with the same label exactly one gets 201', async () => {
    const tenant = await createTenant(stack);
    const answers = await Promise.all([
      createRaw(tenant, { url: receiver.url, label: 'Race' }),
      createRaw(tenant, { url: receiver.url, label: 'race' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const listed = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
    expect(listed.body.endpoints).toHaveLength(1);
  });
});

describe('plan limits', () => {
  test('a plan of 10 endpoints refuses the 11th with 409 endpoint_quota_reached', async () => {
    const tenant = await createTenant(stack, 'Pro', { max_endpoints: 10, rate_limit_per_minute: null });
    for (let i = 1; i <= 10; i++)
      await createEndpoint(stack, tenant, { url: receiver.url, label: `ep ${i}` });
    const eleventh = await createRaw(tenant, { url: receiver.url, label: 'ep 11' });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error.code).toBe('endpoint_quota_reached');
    const listed = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
    expect(listed.body.endpoints).toHaveLength(10);
  });

  test("rate_limit_per_minute above the plan's gets 400 naming it, on create and on PATCH", async () => {
    const tenant = await createTenant(stack, 'Pro', { max_endpoints: null, rate_limit_per_minute: 60 });
    const over = await createRaw(tenant, { url: receiver.url, rate_limit_per_minute: 61 });
    expect(over.status).toBe(400);
    expect(fieldsOf(over.body)).toEqual(['rate_limit_per_minute']);
    const unlimited = await createRaw(tenant, { url: receiver.url, rate_limit_per_minute: null });
    expect(unlimited.status).toBe(400);
    expect(fieldsOf(unlimited.body)).toEqual(['rate_limit_per_minute']);

    const { id } = await createEndpoint(stack, tenant, { url: receiver.url, rate_limit_per_minute: 60 });
    const raised = await patch(tenant, id, { rate_limit_per_minute: 100 });
    expect(raised.status).toBe(400);
    expect(fieldsOf(raised.body)).toEqual(['rate_limit_per_minute']);
  });
});

test('a disabled endpoint gets no delivery; re-enabled, it gets the next one', async () => {
  const target = await ownReceiver();
  const tenant = await createTenant(stack);
  const { id } = await createEndpoint(stack, tenant, { url: target.url });
  expect((await patch(tenant, id, { enabled: false })).status).toBe(200);
  const whileDisabled = await sendSignal(stack, tenant);
  expect(whileDisabled.deliveries).toEqual([]);

  expect((await patch(tenant, id, { enabled: true })).status).toBe(200);
  const next = await sendSignal(stack, tenant);
  expect(next.deliveries.map((d) => d.endpoint_id)).toEqual([id]);
  expect((await settledDelivery(stack, tenant, next.deliveries[0]!.delivery_id)).status).toBe('delivered');
  expect(target.requests.map((r) => JSON.parse(r.rawBody.toString('utf8')).signal_id)).toEqual([
    next.signal_id,
  ]);
});

test('https_only with an http URL gets 400 naming url, on create, from the siggnal preset and on PATCH', async () => {
  const tenant = await createTenant(stack);
  const explicit = await createRaw(tenant, { url: receiver.url, https_only: true });
  expect(explicit.status).toBe(400);
  expect(fieldsOf(explicit.body)).toEqual(['url']);
  const siggnal = await createRaw(tenant, { preset: 'siggnal', url: receiver.url });
  expect(siggnal.status).toBe(400);
  expect(fieldsOf(siggnal.body)).toEqual(['url']);

  const { id } = await createEndpoint(stack, tenant, { url: receiver.url });
  const patched = await patch(tenant, id, { https_only: true });
  expect(patched.status).toBe(400);
  expect(fieldsOf(patched.body)).toEqual(['url']);
});
