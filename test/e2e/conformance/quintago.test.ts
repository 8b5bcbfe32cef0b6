import crypto from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closedAfterEachTest } from '../../helpers/cleanup';
import { createEndpoint, createTenant } from '../../helpers/fixtures';
import type { TestTenant } from '../../helpers/fixtures';
import { startReceiver } from '../../helpers/receiver';
import type { Stack } from '../../helpers/stack';
import { eventually, startStack } from '../../helpers/stack';
import { changed, jsonBody, startPageReceiver } from './page-receivers';

// QuintaGo's help page (shared/seeds/002_f22ff2c9422c045a.txt), checked from the receiver's side.

/**
 * The page's "Payload structure" example, word for word. Restated here on purpose, not taken from
 * the catalog's sample: the test holds the preset to the page.
 */
const PAGE_PAYLOAD = {
  id: 'evt_01HXXXXXXXXXX',
  type: 'lead.stage_changed',
  created: '2025-05-10T14:32:00Z',
  venue: 'venue_01HXXXXXXXXXX',
  data: {
    lead: {
      id: 'lead_01HXXXXXXXXXX',
      name: 'Ana & Pedro Silva',
      email: 'ana@example.com',
      phone: '+351912345678',
      stage: 'proposal_sent',
      previousStage: 'visit_booked',
      eventDate: '2025-10-15',
      guests: 120,
    },
  },
};

const SCHEDULE_SECONDS = [5, 25, 120, 600, 1800];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const closeAfterTest = closedAfterEachTest();

/**
 * The page's "Webhook endpoint example (Node.js / Express)", ported line for line. Two stand-ins:
 * `secret` for `process.env.WEBHOOK_SECRET`, and `events.push` for its `console.log`.
 */
async function quintagoReceiver(secret: string) {
  /** What the page's handler parsed out of each request it accepted. */
  const events: Array<{ type: string; data: unknown }> = [];
  const receiver = await startPageReceiver('/quintago-webhook', (app) => {
    // --- from the help page ---
    app.post('/quintago-webhook', express.raw({ type: 'application/json' }), (req, res) => {
      const sig = req.headers['x-quintago-signature'];
      const payload = req.body;

      // Verify signature
      const expected = crypto.createHmac('sha256', secret).update(payload).digest('hex');

      if (sig !== `sha256=${expected}`) {
        res.status(401).send('Invalid signature');
        return; // the page writes `return res.status(401)…`, which noImplicitReturns refuses
      }

      const event = JSON.parse(payload);
      events.push({ type: event.type, data: event.data });

      res.sendStatus(200);
    });
    // --- end of the help page's code ---
  });
  return closeAfterTest({ ...receiver, events });
}

/** What the page has the customer provide: URL, events, secret. */
async function quintagoEndpoint(tenant: TestTenant, url: string, secret: string) {
  return createEndpoint(stack, tenant, {
    preset: 'quintago',
    url,
    event_types: ['lead.stage_changed', 'proposal.signed'],
    secret,
  });
}

async function sendStageChanged(tenant: TestTenant, overrides: Record<string, unknown> = {}) {
  const { id, type, created, venue, data } = PAGE_PAYLOAD;
  const res = await stack.api.request('POST', '/v1/events', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, type, id, occurred_at: created, data: { venue, ...data }, ...overrides },
  });
  expect(res.status).toBe(202);
  return res.body as { deliveries: Array<{ delivery_id: string }> };
}

const newSecret = () => crypto.randomBytes(24).toString('hex');

describe('QuintaGo webhooks (seeds/002)', () => {
  test("delivers lead.stage_changed as the page's payload, and the page's Express handler verifies it", async () => {
    const secret = newSecret();
    const receiver = await quintagoReceiver(secret);
    const tenant = await createTenant(stack, 'Quinta do Lago');
    await quintagoEndpoint(tenant, receiver.url, secret);

    const { deliveries } = await sendStageChanged(tenant);
    expect(deliveries).toHaveLength(1);
    const [delivered] = await receiver.waitFor(1);

    expect(delivered!.status).toBe(200);
    expect(receiver.events).toEqual([{ type: 'lead.stage_changed', data: PAGE_PAYLOAD.data }]);
    expect(delivered!.method).toBe('POST');
    expect(delivered!.headers['content-type']).toBe('application/json');
    expect(delivered!.headers['x-quintago-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = jsonBody(delivered!);
    expect(body).toEqual(PAGE_PAYLOAD);
    expect(Object.keys(body)).toEqual(['id', 'type', 'created', 'venue', 'data']);
    expect(Object.keys(body.data.lead)).toEqual(Object.keys(PAGE_PAYLOAD.data.lead));

    // The same handler refuses the request with one byte of the body changed, and refuses the
    // untouched request when it holds another secret; the untouched request still passes.
    const tampered = changed(delivered!.rawBody, '"guests":120', '"guests":121');
    expect(await receiver.replay(delivered!, { body: tampered })).toBe(401);
    const otherSecret = await quintagoReceiver(newSecret());
    expect(await otherSecret.replay(delivered!)).toBe(401);
    expect(await receiver.replay(delivered!)).toBe(200);
  });

  test('sends only the events the endpoint subscribed to', async () => {
    const secret = newSecret();
    const receiver = await quintagoReceiver(secret);
    const tenant = await createTenant(stack);
    await quintagoEndpoint(tenant, receiver.url, secret);

    const { deliveries } = await sendStageChanged(tenant, { type: 'lead.created', id: 'evt_01HCREATED' });
    expect(deliveries).toEqual([]);
  });

  test('shows the schedule of 5 s, 25 s, 2 m, 10 m, 30 m; a delivery that fails every attempt, each signed, is kept to replay', async () => {
    const secret = newSecret();
    const failing = closeAfterTest(
      await startReceiver(() => ({ status: 503, body: 'down for maintenance' })),
    );
    const tenant = await createTenant(stack);
    const endpoint = await quintagoEndpoint(tenant, failing.url, secret);

    const view = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    expect(view.body.retry_schedule_seconds).toEqual(SCHEDULE_SECONDS);
    // "An endpoint is automatically disabled after 100 consecutive failures."
    expect(view.body.pause_threshold).toBe(100);
    expect(view.body.dead_letter_queue).toBe(true);

    // The five retries on timers of exactly 5 s to 30 min, each signed, ending as a dead letter, run
    // on the time-skipping server (test/unit/seed-delivery-profiles.test.ts). Here, where each
    // timer takes a second whatever its length, the endpoint is given one retry.
    const patched = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { retry_policy: { delays_seconds: [5] } },
    });
    expect(patched.status).toBe(200);
    const { deliveries } = await sendStageChanged(tenant);
    const delivery = await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/deliveries/${deliveries[0]!.delivery_id}`, {
        key: tenant.key,
      });
      return res.body.status === 'dead_lettered' && res.body;
    }, 60_000);

    // "You can re-enable it and replay missed events from the webhook delivery log."
    expect(delivery.attempts.map((a: any) => a.http_status)).toEqual([503, 503]);
    expect(failing.requests).toHaveLength(2);
    // Every retry is signed afresh: the page's handler accepts each attempt as it was sent.
    const verifier = await quintagoReceiver(secret);
    for (const attempt of failing.requests) {
      expect(await verifier.replay(attempt)).toBe(200);
    }
  }, 90_000);
});
