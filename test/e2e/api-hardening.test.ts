import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import express from 'express';
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { tenantWorkflowId } from '../../workflows/ids';
import { createEndpoint, createTenant, sampleSignal } from '../helpers/fixtures';
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

const get = (path: string, key?: string) => stack.api.request('GET', path, { key });
const post = (path: string, key: string | undefined, body?: unknown) =>
  stack.api.request('POST', path, { key, body });

test('rotating a tenant key issues a new one and the old one stops working at once', async () => {
  const tenant = await createTenant(stack, 'Rotating');
  const bystander = await createTenant(stack, 'Bystander');
  const { id: endpointId } = await createEndpoint(stack, tenant, { url: 'https://hooks.example.com/a' });

  const rotated = await post(`/v1/tenants/${tenant.id}/api-keys/rotate`, stack.operatorKey);
  expect(rotated.status).toBe(200);
  expect(rotated.body).toEqual({
    id: tenant.id,
    api_key: expect.any(String),
    rotated_at: expect.any(String),
  });
  const newKey: string = rotated.body.api_key;
  expect(newKey).toMatch(new RegExp(`^spk_${tenant.id}_[A-Za-z0-9_-]{43}$`));
  expect(newKey).not.toBe(tenant.key);

  const old = await get('/v1/endpoints', tenant.key);
  expect(old.status).toBe(401);
  expect(old.body.error.code).toBe('unauthorized');
  const fresh = await get('/v1/endpoints', newKey);
  expect(fresh.status).toBe(200);
  expect(fresh.body.endpoints.map((e: any) => e.id)).toEqual([endpointId]);
  expect((await get('/v1/endpoints', bystander.key)).status).toBe(200);

  // Rotating again retires the second key too.
  const again = await post(`/v1/tenants/${tenant.id}/api-keys/rotate`, stack.operatorKey);
  expect((await get('/v1/endpoints', newKey)).status).toBe(401);
  expect((await get('/v1/endpoints', again.body.api_key)).status).toBe(200);
});

test('rotating an unknown or malformed tenant id answers 404; a tenant key cannot rotate', async () => {
  const unknown = await post('/v1/tenants/ten_0000000000000000/api-keys/rotate', stack.operatorKey);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('not_found');
  expect((await post('/v1/tenants/ten_../api-keys/rotate', stack.operatorKey)).status).toBe(404);

  const tenant = await createTenant(stack, 'Self-rotating');
  const own = await post(`/v1/tenants/${tenant.id}/api-keys/rotate`, tenant.key);
  expect(own.status).toBe(401);
  expect((await get('/v1/endpoints', tenant.key)).status).toBe(200);
});

test('operator and tenant keys open disjoint routes', async () => {
  const tenant = await createTenant(stack, 'Separate');
  const deliveryId = 'dlv_ep_0000000000000000_sig_x';
  for (const [method, path] of [
    ['POST', '/v1/tenants'],
    ['POST', '/v1/signals'],
    ['POST', `/v1/tenants/${tenant.id}/api-keys/rotate`],
  ] as const) {
    const res = await stack.api.request(method, path, { key: tenant.key, body: { name: 'x' } });
    expect(res.status, `tenant key on ${method} ${path}`).toBe(401);
  }
  for (const [method, path] of [
    ['GET', '/v1/endpoints'],
    ['POST', '/v1/endpoints'],
    ['GET', '/v1/deliveries'],
    ['GET', `/v1/deliveries/${deliveryId}`],
    ['POST', `/v1/deliveries/${deliveryId}/replay`],
    ['GET', '/v1/dead-letters'],
  ] as const) {
    const body = method === 'POST' ? { url: 'https://hooks.example.com/' } : undefined;
    const res = await stack.api.request(method, path, { key: stack.operatorKey, body });
    expect(res.status, `operator key on ${method} ${path}`).toBe(401);
  }
  expect((await get('/v1/endpoints', tenant.key)).body.endpoints).toEqual([]);
});

test('a body over 512 KB is refused with 413 in JSON', async () => {
  const res = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    body: { ...sampleSignal(), excerpt: 'x'.repeat(600 * 1024) },
  });
  expect(res.status).toBe(413);
  expect(res.body).toEqual({ error: { code: 'body_too_large', message: expect.any(String) } });
});

test('deeply nested JSON is a 400, also where the signal schema takes open objects', async () => {
  const deep = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    raw: '['.repeat(10_000) + ']'.repeat(10_000),
  });
  expect(deep.status).toBe(400);
  expect(deep.body.error.code).toBe('body_too_deep');

  // `prospect` keeps unknown keys, so only the depth check stands between this and a workflow input
  // too deep to serialize.
  const tenant = await createTenant(stack, 'Deep');
  await createEndpoint(stack, tenant, { url: receiver.url });
  const signal = sampleSignal({ prospect: { name: 'Alex Morgan', extra: '$extra' } });
  // Written as text: JSON.stringify itself runs out of stack on such a value.
  const extra = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const raw = JSON.stringify({ tenant_id: tenant.id, ...signal }).replace('"$extra"', extra);
  const res = await stack.api.request('POST', '/v1/signals', { key: stack.operatorKey, raw });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('body_too_deep');
  expect((await get('/v1/deliveries', tenant.key)).body.deliveries).toEqual([]);
});

test('each key has its own rate limit: 429 with Retry-After for one, 200 for another tenant', async () => {
  const limited = await startStack({ SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE: '5' });
  try {
    const a = await createTenant(limited, 'Busy');
    const b = await createTenant(limited, 'Quiet');
    for (let i = 0; i < 5; i++) {
      expect((await limited.api.request('GET', '/v1/endpoints', { key: a.key })).status).toBe(200);
    }
    const refused = await limited.api.request('GET', '/v1/endpoints', { key: a.key });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The limiter's headers identify the key only by a digest of a digest.
    for (const [, value] of refused.headers) expect(value).not.toContain(a.key);

    expect((await limited.api.request('GET', '/v1/endpoints', { key: b.key })).status).toBe(200);
    // Requests without a key are counted per client address, apart from every key.
    const anonymous = await Promise.all(
      Array.from({ length: 6 }, () => limited.api.request('GET', '/v1/endpoints')),
    );
    expect(anonymous.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429]);
  } finally {
    await limited.stop();
  }
});

test('every answer carries safe headers and Cache-Control: no-store', async () => {
  const tenant = await createTenant(stack, 'Headers');
  const answers = [
    await get('/healthz'),
    await get('/v1/endpoints', tenant.key),
    await get('/v1/endpoints'),
    await get('/v1/nothing', tenant.key),
    await stack.api.request('POST', '/v1/signals', { key: stack.operatorKey, raw: '{' }),
  ];
  expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 400]);
  for (const { headers } of answers) {
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-powered-by')).toBeNull();
  }
});

test('a tenant whose workflow an operator terminated answers 503 naming the repair command', async () => {
  const tenant = await createTenant(stack, 'Terminated');
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    await new Client({ connection }).workflow.getHandle(tenantWorkflowId(tenant.id)).terminate('test');
  } finally {
    await connection.close();
  }
  const res = await post('/v1/endpoints', tenant.key, { url: 'https://hooks.example.com/' });
  expect(res.status).toBe(503);
  expect(res.body.error).toMatchObject({ code: 'tenant_unavailable' });
  expect(res.body.error.message).toContain('its workflow is terminated');
  expect(res.body.error.message).toContain(`signal-push tenants repair ${tenant.id}`);
});

test('an unexpected failure answers {error: {code: "internal"}} and nothing more', async () => {
  const app = express();
  app.get('/boom', () => {
    throw new Error('a detail the client must not see');
  });
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const { port } = server.address() as net.AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
  } finally {
    errors.mockRestore();
    server.close();
  }
});

test('a 20 KB Authorization header gets 431 and the server keeps serving', async () => {
  const { hostname, port } = new URL(stack.service.apiUrl!);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `GET /v1/endpoints HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `Authorization: Bearer ${'k'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`,
      );
    });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  expect((await get('/healthz')).status).toBe(200);
});
