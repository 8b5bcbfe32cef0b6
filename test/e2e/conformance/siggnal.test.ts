import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventTypeSpec } from '../../../src/events';
import { closedAfterEachTest } from '../../helpers/cleanup';
import { createEndpoint, createTenant, settledDelivery } from '../../helpers/fixtures';
import type { TestTenant } from '../../helpers/fixtures';
import type { Stack } from '../../helpers/stack';
import { eventually, startStack } from '../../helpers/stack';
import type { TlsCertificate } from '../../helpers/tls-certificate';
import { makeCertificate } from '../../helpers/tls-certificate';
import { changed, jsonBody, startPageReceiver } from './page-receivers';

// Siggnal's webhooks help page (shared/seeds/003_8be2bc14a45e7cac.txt), checked from the receiver's
// side. Siggnal delivers over HTTPS only, so the receiver is an HTTPS server on 127.0.0.1 with a
// certificate made for this run, which the worker trusts through SIGNAL_PUSH_OUTBOUND_CA_PATH.

/**
 * The page gives a table of the payload's fields, not an example: the catalog's sample fills every
 * one of them, in the table's order.
 */
const SIGNAL = eventTypeSpec('project_signal')!.sample();
const PAGE_FIELDS = [
  'signal_id',
  'project_id',
  'company',
  'event',
  'priority',
  'relevance_explanation',
  'recommended_action',
  'contacts',
];

/** "retries up to 3 times using exponential backoff": the service's 1 s, 5 s, 30 s. */
const SCHEDULE_SECONDS = [1, 5, 30];

/**
 * The page says "Verification example (Node.js):" and then shows nothing: the snippet is missing
 * from the page. This is the natural one for what it does state: X-Siggnal-Signature is "the
 * HMAC-SHA256 of the raw request body, keyed with your secret token", written as Node writes a
 * digest by default, lowercase hex, and compared in constant time.
 */
function verifySiggnalSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  if (header === undefined || header.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

let tls: TlsCertificate;
let stack: Stack;
const closeAfterTest = closedAfterEachTest();

beforeAll(async () => {
  tls = await makeCertificate();
  stack = await startStack({ SIGNAL_PUSH_OUTBOUND_CA_PATH: tls.certPath });
});
afterAll(async () => {
  await stack?.stop();
  await tls?.remove();
});

/**
 * An HTTPS receiver that checks X-Siggnal-Signature with the code above: 200 when it holds, 401
 * when not. `mode` makes it fail (503), to see retries.
 */
async function startSiggnalReceiver(secret: string) {
  const state = { mode: 'verify' as 'verify' | 'down' };
  const receiver = await startPageReceiver(
    '/webhooks/siggnal',
    (app) => {
      app.post('/webhooks/siggnal', express.raw({ type: 'application/json' }), (req, res) => {
        if (state.mode === 'down') {
          res.status(503).send('maintenance');
          return;
        }
        const header = req.headers['x-siggnal-signature'];
        if (!verifySiggnalSignature(req.body, typeof header === 'string' ? header : undefined, secret)) {
          res.status(401).send('invalid signature');
          return;
        }
        res.sendStatus(200);
      });
    },
    tls,
  );
  return closeAfterTest({ ...receiver, state });
}

/** What the page has the customer set: the HTTPS URL, projects and priorities, a secret token. */
async function siggnalEndpoint(tenant: TestTenant, url: string, secret: string) {
  return createEndpoint(stack, tenant, {
    preset: 'siggnal',
    url,
    secret,
    filters: { projects: ['proj_warehouse_automation'], priorities: ['high', 'medium'] },
  });
}

async function sendSignal(tenant: TestTenant, overrides: Record<string, unknown> = {}) {
  const res = await stack.api.request('POST', '/v1/events', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, type: 'project_signal', data: { ...SIGNAL, ...overrides } },
  });
  expect(res.status).toBe(202);
  return res.body as { deliveries: Array<{ delivery_id: string }> };
}

const newSecret = () => randomBytes(24).toString('hex');

describe('Siggnal webhooks (seeds/003)', () => {
  test('posts the signal over HTTPS, X-Siggnal-Signature the HMAC-SHA256 of the raw body', async () => {
    const secret = newSecret();
    const receiver = await startSiggnalReceiver(secret);
    const tenant = await createTenant(stack);
    await siggnalEndpoint(tenant, receiver.url, secret);

    const { deliveries } = await sendSignal(tenant);
    expect(deliveries).toHaveLength(1);
    const [delivered] = await receiver.waitFor(1);

    expect(delivered!.status).toBe(200);
    expect(delivered!.method).toBe('POST');
    expect(delivered!.headers['content-type']).toBe('application/json');
    expect(delivered!.headers['x-siggnal-signature']).toMatch(/^[0-9a-f]{64}$/);
    const body = jsonBody(delivered!);
    expect(body).toEqual(SIGNAL);
    expect(Object.keys(body)).toEqual(PAGE_FIELDS);

    // The same code refuses a changed body, and the untouched one under another secret.
    const tampered = changed(delivered!.rawBody, '"priority":"high"', '"priority":"low"');
    expect(await receiver.replay(delivered!, { body: tampered })).toBe(401);
    const otherSecret = await startSiggnalReceiver(newSecret());
    expect(await otherSecret.replay(delivered!)).toBe(401);
    expect(await receiver.replay(delivered!)).toBe(200);
  });

  test('sends only the projects and priorities the endpoint selected', async () => {
    const secret = newSecret();
    const receiver = await startSiggnalReceiver(secret);
    const tenant = await createTenant(stack);
    await siggnalEndpoint(tenant, receiver.url, secret);

    expect((await sendSignal(tenant, { signal_id: 'sig_low', priority: 'low' })).deliveries).toEqual([]);
    expect(
      (await sendSignal(tenant, { signal_id: 'sig_other', project_id: 'proj_fleet' })).deliveries,
    ).toEqual([]);
    expect(
      (await sendSignal(tenant, { signal_id: 'sig_medium', priority: 'medium' })).deliveries,
    ).toHaveLength(1);
  });

  test('refuses an http:// endpoint URL with 400 naming url', async () => {
    const tenant = await createTenant(stack);
    const res = await stack.api.request('POST', '/v1/endpoints', {
      key: tenant.key,
      body: { preset: 'siggnal', url: 'http://127.0.0.1:8443/webhooks/siggnal', secret: newSecret() },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: any) => f.field)).toEqual(['url']);
  });

  test('shows its schedule and timeout; a delivery that fails every attempt, each signed, is logged as failed', async () => {
    const secret = newSecret();
    const receiver = await startSiggnalReceiver(secret);
    receiver.state.mode = 'down';
    const tenant = await createTenant(stack);
    const endpoint = await siggnalEndpoint(tenant, receiver.url, secret);

    const view = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    // "Siggnal expects a 200 OK response from your endpoint within 10 seconds."
    expect(view.body).toMatchObject({
      retry_schedule_seconds: SCHEDULE_SECONDS,
      timeout_seconds: 10,
      https_only: true,
    });

    // The three retries on timers of exactly 1 s, 5 s and 30 s, each signed, and an attempt giving
    // up at the endpoint's timeout, are the unit tier's (test/unit/seed-delivery-profiles.test.ts,
    // test/unit/attempt-outcomes.test.ts). Here, where each timer takes about a second whatever its
    // length, the endpoint is given one retry.
    const patched = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { retry_policy: { delays_seconds: [1] } },
    });
    expect(patched.status).toBe(200);
    const { deliveries } = await sendSignal(tenant);
    const deliveryId = deliveries[0]!.delivery_id;
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: any) => a.http_status)).toEqual([503, 503]);
    expect(receiver.received).toHaveLength(2);
    for (const attempt of receiver.received) {
      const header = attempt.headers['x-siggnal-signature'];
      expect(verifySiggnalSignature(attempt.rawBody, String(header), secret)).toBe(true);
    }

    // "the delivery is marked as failed and visible in your webhook delivery log"
    const logged = await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/deliveries?endpoint_id=${endpoint.id}&status=failed`, {
        key: tenant.key,
      });
      return res.body.deliveries?.length > 0 && res.body.deliveries;
    });
    expect(logged.map((d: any) => d.id)).toEqual([deliveryId]);
  }, 60_000);

  test('Send test dispatches a signed sample the receiver accepts', async () => {
    const secret = newSecret();
    const receiver = await startSiggnalReceiver(secret);
    const tenant = await createTenant(stack);
    const endpoint = await siggnalEndpoint(tenant, receiver.url, secret);

    const res = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/test`, { key: tenant.key });
    expect(res.body).toMatchObject({ delivered: true, http_status: 200, event_type: 'project_signal' });
    expect(receiver.received).toHaveLength(1);
    expect(Object.keys(jsonBody(receiver.received[0]!))).toEqual(PAGE_FIELDS);
  });
});
