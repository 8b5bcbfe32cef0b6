import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Receiver, ReceivedRequest } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

const rotate = (tenant: TestTenant, endpointId: string, body: Record<string, unknown>) =>
  stack.api.request('POST', `/v1/endpoints/${endpointId}/rotate-secret`, { key: tenant.key, body });

const hexHmac = (secret: string, request: ReceivedRequest): string =>
  createHmac('sha256', secret).update(request.rawBody).digest('hex');

/** Sends one signal and returns the request the receiver got for it. */
async function nextRequest(tenant: TestTenant, target: Receiver): Promise<ReceivedRequest> {
  const { deliveries } = await sendSignal(stack, tenant);
  expect((await settledDelivery(stack, tenant, deliveries[0]!.delivery_id)).status).toBe('delivered');
  return target.requests.at(-1)!;
}

test('during a 1 h overlap a hex endpoint gets "new old" in X-PQ-Signature, each verifying with its own secret', async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url });

  const rotated = await rotate(tenant, endpoint.id, { overlap_seconds: 3600 });

  expect(rotated.status).toBe(200);
  const fresh: string = rotated.body.secret;
  expect(fresh).not.toBe(endpoint.secret);
  const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
  expect(expiresIn).toBeGreaterThan(3590_000);
  expect(expiresIn).toBeLessThanOrEqual(3600_000);

  const request = await nextRequest(tenant, target);
  const signatures = String(request.headers['x-pq-signature']).split(' ');
  expect(signatures).toEqual([hexHmac(fresh, request), hexHmac(endpoint.secret, request)]);
});

test('with no overlap only the new secret signs', async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url });
  const chosen = 'rotated-secret-chosen-by-the-tenant-0123';

  const rotated = await rotate(tenant, endpoint.id, { secret: chosen, overlap_seconds: 0 });

  expect(rotated.body).toEqual({ secret: chosen, previous_secret_expires_at: null });
  const request = await nextRequest(tenant, target);
  expect(request.headers['x-pq-signature']).toBe(hexHmac(chosen, request));
  expect(request.headers['x-pq-signature']).not.toContain(hexHmac(endpoint.secret, request));
});

test('the new secret is shown once, in the answer; GET shows a hint and when the old one expires', async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url });

  const rotated = await rotate(tenant, endpoint.id, { overlap_seconds: 3600 });
  const fresh: string = rotated.body.secret;

  const shown = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
  expect(shown.body).toMatchObject({
    secret_hint: `…${fresh.slice(-4)}`,
    previous_secret_expires_at: rotated.body.previous_secret_expires_at,
  });
  expect(shown.body).not.toHaveProperty('secret');
  expect(shown.body).not.toHaveProperty('previous_secret');
  const text = JSON.stringify(shown.body);
  expect(text).not.toContain(fresh);
  expect(text).not.toContain(endpoint.secret);
});

test('a Standard Webhooks endpoint keeps the old secret a day by default: either secret verifies', async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url, preset: 'standard' });

  const rotated = await rotate(tenant, endpoint.id, {});

  expect(rotated.body.secret).toMatch(/^whsec_/);
  const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
  expect(expiresIn).toBeGreaterThan(24 * 3600_000 - 10_000);
  const request = await nextRequest(tenant, target);
  expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
  const headers = {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
  for (const secret of [rotated.body.secret, endpoint.secret]) {
    expect(() => new Webhook(secret).verify(request.rawBody.toString('utf8'), headers)).not.toThrow();
  }
});

test('a given secret that is too short is refused with 400 naming secret, and the old one stays', async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url });

  const res = await rotate(tenant, endpoint.id, { secret: 'short' });

  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: any) => f.field)).toEqual(['secret']);
  const request = await nextRequest(tenant, target);
  expect(request.headers['x-pq-signature']).toBe(hexHmac(endpoint.secret, request));
});

test("a 'standard' endpoint refuses a secret that is not whsec_ with 400 naming secret", async () => {
  const target = await receiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: target.url, preset: 'standard' });

  const res = await rotate(tenant, endpoint.id, { secret: 'plain-hex-style-secret-0123456789' });

  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: any) => f.field)).toEqual(['secret']);
});
