import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
let tenant: TestTenant;
beforeAll(async () => {
  stack = await startStack();
  tenant = await createTenant(stack);
});
afterAll(() => stack?.stop());

const as = (key: string) => ({
  get: (path: string) => stack.api.request('GET', path, { key }),
  post: (path: string, body?: unknown) => stack.api.request('POST', path, { key, body }),
  patch: (path: string, body: unknown) => stack.api.request('PATCH', path, { key, body }),
  delete: (path: string) => stack.api.request('DELETE', path, { key }),
});

test("an endpoint is created with the seed's defaults and a generated secret shown only once", async () => {
  const created = await as(tenant.key).post('/v1/endpoints', {
    url: 'https://hooks.example.com/pq',
    label: 'Warehouse',
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    url: 'https://hooks.example.com/pq',
    label: 'Warehouse',
    enabled: true,
    timeout_seconds: 30,
    retry_policy: null,
    retry_schedule_seconds: [1, 5, 30],
    filters: { signal_types: [], icp_profile_names: [], classifications: [], min_icp_score: null },
  });
  expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  expect(created.body.secret_hint).toBe(`…${created.body.secret.slice(-4)}`);

  const fetched = await as(tenant.key).get(`/v1/endpoints/${created.body.id}`);
  expect(fetched.status).toBe(200);
  expect(fetched.body).not.toHaveProperty('secret');
  expect(JSON.stringify(fetched.body)).not.toContain(created.body.secret);
  const listed = await as(tenant.key).get('/v1/endpoints');
  expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  expect(listed.body.endpoints.map((e: any) => e.id)).toContain(created.body.id);
});

test('PATCH changes only the fields given and DELETE removes the endpoint', async () => {
  const { id } = await createEndpoint(stack, tenant, { url: 'https://hooks.example.com/a' });
  const patched = await as(tenant.key).patch(`/v1/endpoints/${id}`, {
    enabled: false,
    retry_policy: { max_retries: 5, interval_seconds: 60 },
    timeout_seconds: 10,
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({
    url: 'https://hooks.example.com/a',
    enabled: false,
    timeout_seconds: 10,
    retry_policy: { max_retries: 5, interval_seconds: 60, backoff: 'exponential' },
    retry_schedule_seconds: [60, 120, 240, 480, 960],
  });
  expect((await as(tenant.key).delete(`/v1/endpoints/${id}`)).status).toBe(204);
  expect((await as(tenant.key).get(`/v1/endpoints/${id}`)).status).toBe(404);
  expect((await as(tenant.key).delete(`/v1/endpoints/${id}`)).status).toBe(404);
});

test('endpoint settings outside the documented bounds get 400 naming each field', async () => {
  const res = await as(tenant.key).post('/v1/endpoints', {
    url: 'ftp://files.example.com',
    timeout_seconds: 31,
    retry_policy: { max_retries: 11, interval_seconds: 29 },
    filters: { signal_types: ['tweet'], min_icp_score: 101 },
    secret: 'short',
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: any) => f.field).sort()).toEqual(
    [
      'url',
      'timeout_seconds',
      'retry_policy.max_retries',
      'retry_policy.interval_seconds',
      'filters.signal_types.0',
      'filters.min_icp_score',
      'secret',
    ].sort(),
  );
  const credentials = await as(tenant.key).post('/v1/endpoints', {
    url: 'https://user:pw@hooks.example.com/',
  });
  expect(credentials.status).toBe(400);
  expect(credentials.body.error.fields[0].field).toBe('url');
  const empty = await as(tenant.key).patch(`/v1/endpoints/ep_0000000000000000`, {});
  expect(empty.status).toBe(400);
});

test("a tenant can neither see nor change another tenant's endpoints or deliveries", async () => {
  const other = await createTenant(stack, 'Other');
  const { id } = await createEndpoint(stack, tenant, { url: 'http://127.0.0.1:9/closed' });
  const { deliveries } = await sendSignal(stack, tenant);
  const deliveryId = deliveries.find((d) => d.endpoint_id === id)!.delivery_id;

  const intruder = as(other.key);
  expect((await intruder.get(`/v1/endpoints/${id}`)).status).toBe(404);
  expect((await intruder.patch(`/v1/endpoints/${id}`, { enabled: false })).status).toBe(404);
  expect((await intruder.delete(`/v1/endpoints/${id}`)).status).toBe(404);
  expect((await intruder.get('/v1/endpoints')).body.endpoints).toEqual([]);
  expect((await intruder.get(`/v1/deliveries/${deliveryId}`)).status).toBe(404);
  expect((await intruder.get(`/v1/deliveries?endpoint_id=${id}`)).body.deliveries).toEqual([]);

  // Nothing changed for the owner.
  const mine = await as(tenant.key).get(`/v1/endpoints/${id}`);
  expect(mine.status).toBe(200);
  expect(mine.body.enabled).toBe(true);
  expect((await settledDelivery(stack, tenant, deliveryId)).id).toBe(deliveryId);
});

test('tenant routes refuse a missing, malformed, forged or operator key', async () => {
  const forged = tenant.key.slice(0, -4) + (tenant.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  for (const key of [undefined, 'nonsense', forged, stack.operatorKey]) {
    const res = await stack.api.request('GET', '/v1/endpoints', { key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  }
});

test('tenants are created only with the operator key, and need a name', async () => {
  expect((await as(tenant.key).post('/v1/tenants', { name: 'x' })).status).toBe(401);
  const unnamed = await as(stack.operatorKey).post('/v1/tenants', { name: '  ' });
  expect(unnamed.status).toBe(400);
  expect(unnamed.body.error.fields[0].field).toBe('name');
});

test('unknown routes and ids answer 404 in JSON', async () => {
  const route = await as(tenant.key).get('/v1/nothing-here');
  expect(route.status).toBe(404);
  expect(route.body.error.code).toBe('not_found');
  expect((await as(tenant.key).get('/v1/deliveries/not-a-delivery')).status).toBe(404);
  expect((await as(tenant.key).get('/v1/endpoints/ep_../../etc')).status).toBe(404);
});
