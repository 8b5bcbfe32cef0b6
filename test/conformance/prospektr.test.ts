import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createEndpoint, createTenant, settledDelivery } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// Prospektr's "API webhook" help page (shared/seeds/001_699db6560b257bae.txt), checked from the
// receiver's side.

/** The page's "Payload shape" `prospect`, its "..." and "uuid" placeholders filled in. */
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

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/**
 * An Express receiver around the page's `verify`: the raw body, the X-Prospektr-Signature header
 * and the secret go in; 200 when it holds, 401 when not. (`timingSafeEqual` throws on a header of
 * another length, which Express answers with 500: refused all the same.)
 */
async function startProspektrReceiver(secret: string) {
  const app = express();
  const received: Received[] = [];
  app.post('/webhooks/prospektr', express.raw({ type: 'application/json' }), (req, res) => {
    res.on('finish', () => received.push({ headers: req.headers, body: req.body, status: res.statusCode }));
    const header = String(req.headers['x-prospektr-signature']);
    if (!verify(req.body, header, secret)) {
      res.status(401).send('bad signature');
      return;
    }
    res.sendStatus(200);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver = {
    url: `http://127.0.0.1:${port}/webhooks/prospektr`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  closers.push(() => receiver.close());
  return receiver;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

/** Sends a request the receiver got once more, to `url`, with the same headers and `body`. */
async function replay(url: string, original: Received, body?: Buffer): Promise<number> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(original.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = String(value);
  }
  const response = await request(url, { method: 'POST', headers, body: body ?? original.body });
  await response.body.dump();
  return response.statusCode;
}

let stack: Stack;
const closers: Array<() => Promise<void>> = [];
beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => stack?.stop());

async function plainReceiver(reply: (request: unknown) => Reply) {
  const receiver = await startReceiver(reply);
  closers.push(() => receiver.close());
  return receiver;
}

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
    await eventually(async () => receiver.received.length >= 1);
    const [delivered] = receiver.received;

    expect(delivered!.status).toBe(200);
    expect(delivered!.headers['content-type']).toBe('application/json');
    expect(delivered!.headers['x-prospektr-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = JSON.parse(delivered!.body.toString('utf8'));
    expect(body).toEqual({
      type: 'prospect.added',
      tenant: { id: tenant.id, name: 'Busy Print Co.' },
      prospect: PAGE_PROSPECT,
    });
    expect(Object.keys(body)).toEqual(['type', 'tenant', 'prospect']);
    expect(Object.keys(body.prospect)).toEqual(Object.keys(PAGE_PROSPECT));

    // The same code refuses a changed body, and the untouched one under another secret.
    const tampered = Buffer.from(delivered!.body.toString('utf8').replace('"high"', '"low!"'));
    expect(tampered.equals(delivered!.body)).toBe(false);
    expect(verify(tampered, String(delivered!.headers['x-prospektr-signature']), secret)).toBe(false);
    expect(await replay(receiver.url, delivered!, tampered)).toBe(401);
    const otherSecret = await startProspektrReceiver(randomBytes(24).toString('hex'));
    expect(await replay(otherSecret.url, delivered!)).toBe(401);
    expect(await replay(receiver.url, delivered!)).toBe(200);
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

  test('gives up after 10 s on a receiver that does not answer', async () => {
    const receiver = await plainReceiver(() => ({ hang: true }));
    const tenant = await createTenant(stack, 'Busy Print Co.');
    const endpoint = await createEndpoint(stack, tenant, { preset: 'prospektr', url: receiver.url });

    const view = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    expect(view.body.timeout_seconds).toBe(10);

    const deliveryId = await sendProspect(tenant);
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].error_kind).toBe('timeout');
    expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(9_900);
    expect(delivery.attempts[0].latency_ms).toBeLessThan(12_000);
  }, 45_000);
});
