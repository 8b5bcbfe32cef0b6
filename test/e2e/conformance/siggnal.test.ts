import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventTypeSpec } from '../../../src/events';
import { closedAfterEachTest } from '../../helpers/cleanup';
import { createEndpoint, createTenant, settledDelivery } from '../../helpers/fixtures';
import type { TestTenant } from '../../helpers/fixtures';
import type { Stack } from '../../helpers/stack';
import { eventually, startStack } from '../../helpers/stack';
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
 * The unit tier proves each retry timer is set to exactly 1 s, 5 s and 30 s; here, from the
 * receiver's side, the schedule runs at a tenth (0.1 s, 0.5 s, 3 s), so the backoff still shows.
 */
const DELAY_SCALE = 0.1;

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

let tls: { dir: string; certPath: string; cert: string; key: string };
let stack: Stack;
const closeAfterTest = closedAfterEachTest();

/** A certificate for IP 127.0.0.1, self-signed, made with the openssl CLI for this run only. */
async function makeCertificate() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'siggnal-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`the Siggnal tests make their HTTPS certificate with the openssl CLI: ${String(error)}`);
  }
  return {
    dir,
    certPath,
    cert: await fs.readFile(certPath, 'utf8'),
    key: await fs.readFile(keyPath, 'utf8'),
  };
}

beforeAll(async () => {
  tls = await makeCertificate();
  stack = await startStack({
    SIGNAL_PUSH_OUTBOUND_CA_PATH: tls.certPath,
    SIGNAL_PUSH_RETRY_DELAY_SCALE: String(DELAY_SCALE),
  });
});
afterAll(async () => {
  await stack?.stop();
  if (tls) await fs.rm(tls.dir, { recursive: true, force: true });
});

/**
 * An HTTPS receiver that checks X-Siggnal-Signature with the code above: 200 when it holds, 401
 * when not. `mode` makes it fail (503) or never answer, to see retries and the timeout.
 */
async function startSiggnalReceiver(secret: string) {
  const state = { mode: 'verify' as 'verify' | 'down' | 'hang' };
  const receiver = await startPageReceiver(
    '/webhooks/siggnal',
    (app) => {
      app.post('/webhooks/siggnal', express.raw({ type: 'application/json' }), (req, res) => {
        if (state.mode === 'hang') return;
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

  test('retries 3 times with exponential backoff, each attempt signed, then logs the delivery as failed', async () => {
    const secret = newSecret();
    const receiver = await startSiggnalReceiver(secret);
    receiver.state.mode = 'down';
    const tenant = await createTenant(stack);
    const endpoint = await siggnalEndpoint(tenant, receiver.url, secret);

    const view = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    expect(view.body).toMatchObject({ retry_schedule_seconds: SCHEDULE_SECONDS, https_only: true });

    const { deliveries } = await sendSignal(tenant);
    const deliveryId = deliveries[0]!.delivery_id;
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: any) => a.http_status)).toEqual([503, 503, 503, 503]);
    expect(receiver.received).toHaveLength(4);

    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    SCHEDULE_SECONDS.forEach((seconds, i) =>
      expect(gaps[i]).toBeGreaterThanOrEqual(seconds * 1000 * DELAY_SCALE),
    );
    // 0.1 s and 0.5 s both sit under Temporal's timer resolution of about a second.
    expect(gaps[1]).toBeLessThan(gaps[2]!);
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

  test("checks the receiver's certificate: a worker without the extra CA refuses it as a TLS failure", async () => {
    const untrusting = await startStack();
    try {
      const secret = newSecret();
      const receiver = await startSiggnalReceiver(secret);
      const tenant = await createTenant(untrusting);
      const endpoint = await createEndpoint(untrusting, tenant, {
        preset: 'siggnal',
        url: receiver.url,
        secret,
      });
      const res = await untrusting.api.request('POST', `/v1/endpoints/${endpoint.id}/test`, {
        key: tenant.key,
      });
      expect(res.body).toMatchObject({ delivered: false, error_kind: 'tls', http_status: null });
      expect(receiver.received).toEqual([]);
    } finally {
      await untrusting.stop();
    }
  });

  test('expects the answer within 10 seconds', async () => {
    const receiver = await startSiggnalReceiver(newSecret());
    receiver.state.mode = 'hang';
    const tenant = await createTenant(stack);
    const endpoint = await siggnalEndpoint(tenant, receiver.url, newSecret());

    // A send-test makes one attempt, so the 10 s can be seen once rather than on every retry.
    const res = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/test`, { key: tenant.key });
    expect(res.body).toMatchObject({ delivered: false, error_kind: 'timeout' });
    expect(res.body.latency_ms).toBeGreaterThanOrEqual(9_900);
    expect(res.body.latency_ms).toBeLessThan(12_000);
  }, 45_000);
});
