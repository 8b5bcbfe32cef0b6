import { randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventTypeSpec } from '../../../src/events';
import { closedAfterEachTest } from '../../helpers/cleanup';
import { UNLIMITED_PLAN, createEndpoint, settledDelivery } from '../../helpers/fixtures';
import { startReceiver } from '../../helpers/receiver';
import type { Stack } from '../../helpers/stack';
import { startStack } from '../../helpers/stack';
import { changed, jsonBody, keepRawBody, startPageReceiver } from './page-receivers';

// The lead-save API's webhooks help page (shared/seeds/004_9e5fe94681bffa43.txt), checked from the
// receiver's side: a named webhook with a chosen HTTP method and an Authorization header, the
// save_lead event, and the one-off `webhook_url` of an API call.

/** A lead with every field of the page's "Field Descriptions" table, in its order. */
const LEAD = {
  email: 'jane.doe@example.com',
  website: 'https://example.com',
  company: 'Example Inc',
  first_name: 'Jane',
  last_name: 'Doe',
  phone: '+1 415-555-0100',
  position: 'Head of Marketing',
  twitter: '@janedoe',
  linkedin: 'https://www.linkedin.com/in/janedoe',
  notes: 'Met at SaaStr',
  score: 82,
};

/** An email-verifier answer, posted to the call's `webhook_url` as the API would return it. */
const OPERATION = eventTypeSpec('operation.result')!.sample();

/** "Failed webhook deliveries are retried up to 3 times with exponential backoff": 1 s, 5 s, 30 s. */
const SCHEDULE_SECONDS = [1, 5, 30];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const closeAfterTest = closedAfterEachTest();

/**
 * The page's "Example Implementation" is missing (it shows only "Code"), so this is the natural
 * receiver for what the page does say: the notification arrives with the method the webhook was
 * given, the receiver authenticates it by the header it was configured with ("Authorization
 * tokens"; "Consider adding authentication (e.g., via headers)") and validates the data. There is
 * no signature, so the token is all a receiver can check. (`keepRawBody` only keeps a copy of the
 * bytes.)
 */
async function startLeadReceiver(token: string) {
  const receiver = await startPageReceiver('/webhooks/leads', (app) => {
    app.put('/webhooks/leads', express.json({ verify: keepRawBody }), (req, res) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).send('unauthorized');
        return;
      }
      if (typeof req.body?.email !== 'string') {
        res.status(422).send('no lead');
        return;
      }
      res.sendStatus(200);
    });
  });
  return closeAfterTest(receiver);
}

/**
 * The receiver of a one-off `webhook_url`: a POST with JSON content type, signed by signal-push
 * with the tenant's callback secret as Standard Webhooks, checked with the `standardwebhooks` library.
 */
async function startCallbackReceiver(callbackSecret: string) {
  const receiver = await startPageReceiver('/operations/done', (app) => {
    app.post('/operations/done', express.raw({ type: 'application/json' }), (req, res) => {
      try {
        new Webhook(callbackSecret).verify(req.body, req.headers as Record<string, string>);
      } catch {
        res.status(400).send('invalid webhook');
        return;
      }
      res.sendStatus(200);
    });
  });
  return closeAfterTest(receiver);
}

/** A tenant made with the API itself, whose answer is the one place its callback secret is shown. */
async function createTenant() {
  const res = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name: 'Example Inc', plan: UNLIMITED_PLAN },
  });
  expect(res.status).toBe(201);
  expect(res.body.callback_secret).toMatch(/^whsec_/);
  return {
    id: res.body.id as string,
    key: res.body.api_key as string,
    callbackSecret: res.body.callback_secret as string,
  };
}

/** The page's "Basic Setup": a name, the URL, the method, headers, and the status switch. */
async function leadWebhook(tenant: { id: string; key: string }, url: string, token: string, enabled = true) {
  return createEndpoint(stack, tenant, {
    preset: 'leadsave',
    label: 'Lead Tracking Webhook',
    url,
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}` },
    enabled,
  });
}

async function sendEvent(tenantId: string, type: string, data: unknown, webhookUrl?: string) {
  const query = webhookUrl ? `?webhook_url=${encodeURIComponent(webhookUrl)}` : '';
  const res = await stack.api.request('POST', `/v1/events${query}`, {
    key: stack.operatorKey,
    body: { tenant_id: tenantId, type, data },
  });
  expect(res.status).toBe(202);
  return res.body as {
    deliveries: Array<{ delivery_id: string }>;
    callback: { delivery_id: string } | null;
  };
}

const newToken = () => randomBytes(24).toString('base64url');

describe('lead-save API webhooks (seeds/004)', () => {
  test('sends save_lead with the method chosen (PUT) and the Authorization header the receiver expects', async () => {
    const token = newToken();
    const receiver = await startLeadReceiver(token);
    const tenant = await createTenant();
    await leadWebhook(tenant, receiver.url, token);

    const { deliveries } = await sendEvent(tenant.id, 'save_lead', LEAD);
    expect(deliveries).toHaveLength(1);
    const [delivered] = await receiver.waitFor(1);

    expect(delivered!.status).toBe(200);
    expect(delivered!.method).toBe('PUT');
    expect(delivered!.headers['content-type']).toBe('application/json');
    expect(delivered!.headers.authorization).toBe(`Bearer ${token}`);
    expect(jsonBody(delivered!)).toEqual(LEAD);
    expect(Object.keys(jsonBody(delivered!))).toEqual(Object.keys(LEAD));
    // Unsigned, as the page's webhooks are: the token authenticates.
    expect(Object.keys(delivered!.headers).filter((name) => /signature/.test(name))).toEqual([]);

    // The same receiver refuses the request without the token, or holding another token.
    expect(await receiver.replay(delivered!, { drop: 'authorization' })).toBe(401);
    const otherToken = await startLeadReceiver(newToken());
    expect(await otherToken.replay(delivered!)).toBe(401);
    expect(await receiver.replay(delivered!)).toBe(200);
  });

  test('a disabled webhook is sent nothing until it is enabled again', async () => {
    const token = newToken();
    const receiver = await startLeadReceiver(token);
    const tenant = await createTenant();
    const endpoint = await leadWebhook(tenant, receiver.url, token, false);

    expect((await sendEvent(tenant.id, 'save_lead', LEAD)).deliveries).toEqual([]);
    const enabled = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    expect((await sendEvent(tenant.id, 'save_lead', { ...LEAD, score: 90 })).deliveries).toHaveLength(1);
    const received = await receiver.waitFor(1);
    expect(received.map((r) => [r.status, jsonBody(r).score])).toEqual([[200, 90]]);
  });

  test('webhook_url: the endpoint receives the same response data that would be returned by the API call, POSTed as JSON and signed', async () => {
    const tenant = await createTenant();
    const receiver = await startCallbackReceiver(tenant.callbackSecret);

    const { deliveries, callback } = await sendEvent(tenant.id, 'operation.result', OPERATION, receiver.url);
    expect(deliveries).toEqual([]);
    expect(callback).not.toBeNull();
    const [delivered] = await receiver.waitFor(1);

    expect(delivered!.status).toBe(200);
    expect(delivered!.method).toBe('POST');
    expect(delivered!.headers['content-type']).toBe('application/json');
    // The body is the API's response itself (the email-verifier answer), byte for byte as JSON.
    expect(jsonBody(delivered!)).toEqual(OPERATION.result);
    expect(delivered!.rawBody.toString()).toBe(JSON.stringify(OPERATION.result));
    const logged = await settledDelivery(stack, tenant, callback!.delivery_id);
    expect(logged).toMatchObject({ kind: 'callback', status: 'delivered' });

    // The library refuses a changed body, and the untouched one under another secret.
    const tampered = changed(delivered!.rawBody, '"valid"', '"risky"');
    expect(await receiver.replay(delivered!, { body: tampered })).toBe(400);
    const otherTenant = await createTenant();
    const stranger = await startCallbackReceiver(otherTenant.callbackSecret);
    expect(await stranger.replay(delivered!)).toBe(400);
    expect(await receiver.replay(delivered!)).toBe(200);
  });

  test('failed deliveries, to the webhook and to a webhook_url, are retried 3 times', async () => {
    const token = newToken();
    const webhook = closeAfterTest(await startReceiver(() => ({ status: 503 })));
    const oneOff = closeAfterTest(await startReceiver(() => ({ status: 503 })));
    const tenant = await createTenant();
    await leadWebhook(tenant, webhook.url, token);

    const { deliveries, callback } = await sendEvent(tenant.id, 'save_lead', LEAD, oneOff.url);
    for (const id of [deliveries[0]!.delivery_id, callback!.delivery_id]) {
      const delivery = await settledDelivery(stack, tenant, id);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts).toHaveLength(1 + SCHEDULE_SECONDS.length);
    }
    // Each timer set to exactly 1 s, 5 s and 30 s, for both: test/unit/seed-delivery-profiles.test.ts;
    // here the schedule runs at 1/100.
    for (const target of [webhook, oneOff]) expect(target.requests).toHaveLength(1 + SCHEDULE_SECONDS.length);
    // Every retry keeps the webhook's method and token; every one-off attempt is a signed POST.
    expect(
      webhook.requests.every((r) => r.method === 'PUT' && r.headers.authorization === `Bearer ${token}`),
    ).toBe(true);
    for (const attempt of oneOff.requests) {
      expect(attempt.method).toBe('POST');
      expect(() =>
        new Webhook(tenant.callbackSecret).verify(attempt.rawBody, attempt.headers as Record<string, string>),
      ).not.toThrow();
    }
  }, 60_000);
});
