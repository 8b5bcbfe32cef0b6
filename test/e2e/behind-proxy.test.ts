import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTenant } from '../helpers/fixtures';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

/**
 * The service behind a proxy that ends TLS on loopback (SIGNAL_PUSH_TRUST_PROXY=loopback): the
 * proxy's X-Forwarded-Proto marks session cookies Secure, and its X-Forwarded-For tells clients
 * apart for the per-address rate limit.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    SIGNAL_PUSH_TRUST_PROXY: 'loopback',
    SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE: '3',
  });
});
afterAll(() => stack?.stop());

const viaProxy = (proto: 'https' | 'http', client = '203.0.113.9') => ({
  'x-forwarded-proto': proto,
  'x-forwarded-for': client,
});

test('the codec session cookie is Secure when the proxy says the client came over https, and only then', async () => {
  const signIn = (proto: 'https' | 'http') =>
    fetch(`${stack.service.apiUrl}/codec/login`, {
      method: 'POST',
      headers: { ...viaProxy(proto), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: stack.operatorKey }).toString(),
    });
  const overHttps = await signIn('https');
  expect(overHttps.status).toBe(200);
  expect(overHttps.headers.get('set-cookie')).toMatch(/; Secure/);
  const overHttp = await signIn('http');
  expect(overHttp.status).toBe(200);
  expect(overHttp.headers.get('set-cookie')).not.toMatch(/; Secure/);
});

test("the portal's session cookie is Secure when the proxy says https", async () => {
  const tenant = await createTenant(stack, 'Behind a proxy');
  const link = await stack.api.request('POST', `/v1/tenants/${tenant.id}/portal-sessions`, {
    key: stack.operatorKey,
    body: {},
  });
  expect(link.status).toBe(201);
  const path = new URL(link.body.url as string).pathname + new URL(link.body.url as string).search;
  const res = await fetch(`${stack.service.apiUrl}${path}`, {
    headers: viaProxy('https'),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
});

test('requests without a key are counted per client address as the proxy gives it, not per proxy', async () => {
  const unauthenticated = (client: string) =>
    stack.api.request('GET', '/v1/endpoints', { headers: viaProxy('https', client) });
  for (let i = 0; i < 3; i++) expect((await unauthenticated('198.51.100.1')).status).toBe(401);
  const fourth = await unauthenticated('198.51.100.1');
  expect(fourth.status).toBe(429);
  expect(fourth.body.error.code).toBe('rate_limited');
  // Another client behind the same proxy has its own count.
  expect((await unauthenticated('198.51.100.2')).status).toBe(401);
});
