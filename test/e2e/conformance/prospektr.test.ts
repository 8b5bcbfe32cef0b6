import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closedAfterEachTest, receiversClosedAfterEachTest } from '../../helpers/cleanup';
import { createEndpoint, createTenant, settledDelivery } from '../../helpers/fixtures';
import type { TestTenant } from '../../helpers/fixtures';
import type { Stack } from '../../helpers/stack';
import { startStack } from '../../helpers/stack';
import { changed, jsonBody, startPageReceiver } from './page-receivers';

// Prospektr's "API webhook" help page (shared/seeds/001_699db6560b257bae.txt), checked from the
// receiver's side.

/**
 * The page's "Payload shape" `prospect`, its "..." and "uuid" placeholders filled in. Restated here
 * on purpose, not taken from the catalog's sample: the test holds the preset to the page.
 */
const PAGE_PROSPECT = {
  id: '3f6c2a1e-8b7d-4c5e-9a0f-1d2e3b4c5a6f',
  name: 'Sunshine Promo Co.',
  website: 'https://sunshinepromo.com',
  email: 'sales@sunshinepromo.com',
  phone: '+1 407-555-0101',
  address: '100 N Orange Ave',
  city: 'Orlando',
  state: 'FL',
  postal_code: '32801',
  segment: 'promo',
  lead_potential: 'high',
  lead_reasoning: 'Lists Disney, Universal, ...',
  classification_confidence: '0.85',
  notable_clients: ['Disney', 'Universal'],
  large_run_indicators: [],
  status: 'qualified',
  created_at: '2026-04-26T12:34:56.000Z',
};

// --- from the help page ("Verifying the signature", Node example) ---
function verify(rawBody: Buffer, header: string, secret: string) {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}
// --- end of the help page's code ---

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const closeAfterTest = closedAfterEachTest();

/**
 * An Express receiver around the page's `verify`: the raw body, the X-Prospektr-Signature header
 * and the secret go in; 200 when it holds, 401 when not. (`timingSafeEqual` throws on a header of
 * another length, which Express answers with 500: refused all the same.)
 */
async function startProspektrReceiver(secret: string) {
  const receiver = await startPageReceiver('/webhooks/prospektr', (app) => {
    app.post('/webhooks/prospektr', express.raw({ type: 'application/json' }), (req, res) => {
      const header = String(req.headers['x-prospektr-signature']);
      if (!verify(req.body, header, secret)) {
        res.status(401).send('bad signature');
        return;
      }
      res.sendStatus(200);
    });
  });
  return closeAfterTest(receiver);
}

const plainReceiver = receiversClosedAfterEachTest();

async function sendProspect(tenant: TestTenant) {
  const res = await stack.api.request('POST', '/v1/events', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, type: 'prospect.added', data: PAGE_PROSPECT },
  });
  expect(res.status).toBe(202);
  expect(res.body.deliveries).toHaveLength(1);
  return res.body.deliveries[0].delivery_id as string;
}

describe('Prospektr API webhook (seeds/001)', () => {
  test("posts {type, tenant, prospect} signed sha256=<hex>, which the page's verify() accepts", async () => {
    const secret = randomBytes(24).toString('hex');
    const receiver = await startProspektrReceiver(secret);
    const tenant = await createTenant(stack, 'Busy Print Co.');
    // The page's settings card: URL and (optional) secret.
    await createEndpoint(stack, tenant, { preset: 'prospektr', url: receiver.url, secret });

    await sendProspect(tenant);
    const [delivered] = await receiver.waitFor(1);

    expect(delivered!.status).toBe(200);
    expect(delivered!.headers['content-type']).toBe('application/json');
    expect(delivered!.headers['x-prospektr-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = jsonBody(delivered!);
    expect(body).toEqual({
      type: 'prospect.added',
      tenant: { id: tenant.id, name: 'Busy Print Co.' },
      prospect: PAGE_PROSPECT,
    });
    expect(Object.keys(body)).toEqual(['type', 'tenant', 'prospect']);
    expect(Object.keys(body.prospect)).toEqual(Object.keys(PAGE_PROSPECT));

    // The same code refuses a changed body, and the untouched one under another secret.
    const tampered = changed(delivered!.rawBody, '"high"', '"low!"');
    expect(verify(tampered, String(delivered!.headers['x-prospektr-signature']), secret)).toBe(false);
    expect(await receiver.replay(delivered!, { body: tampered })).toBe(401);
    const otherSecret = await startProspektrReceiver(randomBytes(24).toString('hex'));
    expect(await otherSecret.replay(delivered!)).toBe(401);
    expect(await receiver.replay(delivered!)).toBe(200);
  });

  test('without a secret the request carries no X-Prospektr-Signature header', async () => {
    const receiver = await plainReceiver(() => ({ status: 200 }));
    const tenant = await createTenant(stack, 'Busy Print Co.');
    await createEndpoint(stack, tenant, { preset: 'prospektr', url: receiver.url });

    await sendProspect(tenant);
    const [delivered] = await receiver.waitFor(1);
    expect(delivered!.method).toBe('POST');
    expect(delivered!.headers['x-prospektr-signature']).toBeUndefined();
    expect(JSON.parse(delivered!.rawBody.toString('utf8')).prospect).toEqual(PAGE_PROSPECT);
  });

  test('attempts exactly once and records the failure with the HTTP status and response body', async () => {
    const receiver = await plainReceiver(() => ({ status: 500, body: 'crm is read-only today' }));
    const tenant = await createTenant(stack, 'Busy Print Co.');
    const endpoint = await createEndpoint(stack, tenant, { preset: 'prospektr', url: receiver.url });

    const view = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    expect(view.body.retry_schedule_seconds).toEqual([]);
    // "Your endpoint should respond within 10 seconds." An attempt gives up at its endpoint's
    // timeout: test/unit/attempt-outcomes.test.ts; this preset's 10 s reaches the attempt:
    // test/unit/seed-delivery-profiles.test.ts.
    expect(view.body.timeout_seconds).toBe(10);

    const deliveryId = await sendProspect(tenant);
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({
      http_status: 500,
      error_kind: 'non_2xx',
      response_body: 'crm is read-only today',
    });
    // 'failed' is final: no retry can follow it.
    expect(receiver.requests).toHaveLength(1);
  });
});
