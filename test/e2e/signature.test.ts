import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

test("a receiver written from PQ Intel's reference code verifies the signature over the parsed body", async () => {
  // Lines from the seed's step 2 and its "Authentication fails" section, unchanged in substance.
  const secret = 'pq-secret-0123456789abcdef';
  const seen: Array<{ parsedOk: boolean; rawOk: boolean }> = [];
  const app = express();
  app.post(
    '/pq-webhooks',
    express.json({ verify: (req, _res, buf) => ((req as any).rawBody = buf) }),
    (req, res) => {
      const signature = req.get('X-PQ-Signature');
      const parsed = crypto.createHmac('sha256', secret).update(JSON.stringify(req.body)).digest('hex');
      const raw = crypto
        .createHmac('sha256', secret)
        .update((req as any).rawBody)
        .digest('hex');
      seen.push({ parsedOk: parsed === signature, rawOk: raw === signature });
      res.status(200).send('OK');
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const tenant = await createTenant(stack);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pq-webhooks`;
    await createEndpoint(stack, tenant, { url, secret });
    const { deliveries } = await sendSignal(stack, tenant, {
      excerpt: 'Ünïcødé “quotes” </script> \u2028 emoji 🚀',
    });
    const delivery = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
    expect(delivery.status).toBe('delivered');
    expect(seen).toEqual([{ parsedOk: true, rawOk: true }]);
  } finally {
    server.close();
  }
});

test('each request carries the content type, user agent, delivery id, attempt number and signature headers', async () => {
  const { startReceiver } = await import('../helpers/receiver');
  const receiver = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: receiver.url });
    const { signal_id, deliveries } = await sendSignal(stack, tenant);
    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^signal-push\//);
    expect(request!.headers['x-signal-push-delivery-id']).toBe(deliveries[0]!.delivery_id);
    expect(request!.headers['x-signal-push-attempt']).toBe('1');
    const expected = crypto.createHmac('sha256', endpoint.secret).update(request!.rawBody).digest('hex');
    expect(request!.headers['x-pq-signature']).toBe(expected);
    // Compact JSON, starting with the id receivers deduplicate on, and no tenant field leaking in.
    const body = request!.rawBody.toString();
    expect(body).toBe(JSON.stringify(JSON.parse(body)));
    expect(JSON.parse(body)).toMatchObject({ signal_id, signal_type: 'intent_post', icp_score: 87 });
    expect(JSON.parse(body)).not.toHaveProperty('tenant_id');
    expect(Object.keys(JSON.parse(body))[0]).toBe('signal_id');
  } finally {
    await receiver.close();
  }
});

test('the signature header name is configurable', async () => {
  const custom = await startStack({ SIGNAL_PUSH_SIGNATURE_HEADER: 'X-Siggnal-Signature' });
  const { startReceiver } = await import('../helpers/receiver');
  const receiver = await startReceiver();
  try {
    const tenant = await createTenant(custom);
    const endpoint = await createEndpoint(custom, tenant, { url: receiver.url });
    await sendSignal(custom, tenant);
    const [request] = await receiver.waitFor(1);
    const expected = crypto.createHmac('sha256', endpoint.secret).update(request!.rawBody).digest('hex');
    expect(request!.headers['x-siggnal-signature']).toBe(expected);
    expect(request!.headers['x-pq-signature']).toBeUndefined();
  } finally {
    await receiver.close();
    await custom.stop();
  }
});
