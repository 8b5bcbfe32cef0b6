import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { createEndpoint, sampleSignal, settledDelivery } from '../helpers/fixtures';
import type { ReceivedRequest } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// `?webhook_url=` on an intake call: the event also goes once to that URL, signed with the tenant's
// callback secret (Standard Webhooks) and retried on the default schedule, scaled to 10, 50, 300 ms.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

interface CallbackTenant {
  id: string;
  key: string;
  callbackSecret: string;
}

async function createTenant(): Promise<CallbackTenant> {
  const res = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name: 'Email Verifier Inc', plan: { max_endpoints: null, rate_limit_per_minute: null } },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, key: res.body.api_key, callbackSecret: res.body.callback_secret };
}

const operationData = {
  operation: 'email-verifier',
  result: { email: 'jane.doe@example.com', status: 'valid', score: 97, checks: { mx: true, smtp: true } },
};

/** The two intake routes that take a `webhook_url`, each with what its callback body must be. */
const intakes = {
  '/v1/events': {
    body: (tenant: CallbackTenant, id?: string) => ({
      tenant_id: tenant.id,
      type: 'operation.result',
      ...(id ? { id } : {}),
      data: operationData,
    }),
    // The operation's result alone: what the API call itself answered.
    expectedBody: () => operationData.result,
  },
  '/v1/signals': {
    body: (tenant: CallbackTenant, id?: string) => ({
      tenant_id: tenant.id,
      ...sampleSignal(id ? { signal_id: id } : {}),
    }),
    expectedBody: (answer: any) => ({ signal_id: answer.signal_id, ...sampleSignal() }),
  },
} as const;
type IntakePath = keyof typeof intakes;

const intake = (path: IntakePath, tenant: CallbackTenant, webhookUrl: string, id?: string) =>
  stack.api.request('POST', `${path}?webhook_url=${encodeURIComponent(webhookUrl)}`, {
    key: stack.operatorKey,
    body: intakes[path].body(tenant, id),
  });

/** Verifies a request as a Standard Webhooks receiver would; throws when it does not verify. */
function verify(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.rawBody.toString('utf8'), {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

test.each(Object.keys(intakes) as IntakePath[])(
  '%s?webhook_url= posts the body once to that URL, signed with the tenant’s callback secret',
  async (path) => {
    const target = await receiver();
    const tenant = await createTenant();

    const res = await intake(path, tenant, target.url);

    expect(res.status).toBe(202);
    expect(res.body.callback).toMatchObject({ duplicate: false, rejected: null });
    expect(res.body.callback.delivery_id).toMatch(/^dlv_cb_[0-9a-f]{16}_/);
    const delivery = await settledDelivery(stack, tenant, res.body.callback.delivery_id);
    expect(delivery).toMatchObject({ kind: 'callback', status: 'delivered', attempt_count: 1 });

    expect(target.requests).toHaveLength(1);
    const [request] = target.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(res.body.callback.delivery_id);
    expect(verify(tenant.callbackSecret, request!)).toEqual(intakes[path].expectedBody(res.body));
    // Another tenant's callback secret does not verify it.
    const stranger = await createTenant();
    expect(() => verify(stranger.callbackSecret, request!)).toThrow();
  },
);

// Both routes start a callback the same way (src/deliveries/callback-delivery.ts); its schedule of
// exactly 1 s, 5 s and 30 s and the signature of every attempt are test/unit/seed-delivery-profiles.test.ts.
test('a failing callback URL is retried, 4 attempts in all, and logged as kind callback', async () => {
  const target = await receiver(() => ({ status: 500, body: 'not now' }));
  const tenant = await createTenant();

  const res = await intake('/v1/events', tenant, target.url);

  expect(res.status).toBe(202);
  const delivery = await settledDelivery(stack, tenant, res.body.callback.delivery_id);
  expect(delivery).toMatchObject({ kind: 'callback', status: 'failed', attempt_count: 4 });
  expect(delivery.attempts.map((a: any) => [a.attempt, a.http_status])).toEqual([
    [1, 500],
    [2, 500],
    [3, 500],
    [4, 500],
  ]);
  expect(target.requests.map((r) => r.headers['x-signal-push-attempt'])).toEqual(['1', '2', '3', '4']);
  // Every attempt is the same message: a receiver can deduplicate on webhook-id.
  expect(new Set(target.requests.map((r) => r.headers['webhook-id']))).toEqual(
    new Set([res.body.callback.delivery_id]),
  );
});

test('an endpoint subscribed to the event still gets its own delivery next to the callback', async () => {
  const callbackTarget = await receiver();
  const endpointTarget = await receiver();
  const tenant = await createTenant();
  const endpoint = await createEndpoint(stack, tenant, {
    url: endpointTarget.url,
    event_types: ['operation.result'],
  });

  const res = await intake('/v1/events', tenant, callbackTarget.url);

  expect(res.status).toBe(202);
  expect(res.body.deliveries).toEqual([
    expect.objectContaining({ endpoint_id: endpoint.id, duplicate: false, rejected: null }),
  ]);
  for (const id of [res.body.deliveries[0].delivery_id, res.body.callback.delivery_id]) {
    expect((await settledDelivery(stack, tenant, id)).status).toBe('delivered');
  }
  expect(callbackTarget.requests).toHaveLength(1);
  expect(endpointTarget.requests).toHaveLength(1);
  expect(JSON.parse(endpointTarget.requests[0]!.rawBody.toString('utf8'))).toEqual(operationData);
});

test.each([
  ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
  ['a private address', 'http://10.0.0.1/hook'],
])(
  'a webhook_url pointing at %s is refused with 400 naming query.webhook_url, and nothing is started',
  async (_what, url) => {
    const endpointTarget = await receiver();
    const tenant = await createTenant();
    await createEndpoint(stack, tenant, { url: endpointTarget.url, event_types: ['*'] });
    const id = `op_${randomBytes(8).toString('hex')}`;

    for (const path of Object.keys(intakes) as IntakePath[]) {
      const refused = await intake(path, tenant, url, id);
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields.map((f: any) => f.field)).toEqual(['query.webhook_url']);
    }

    // The same event accepted now is new everywhere: the refused calls started nothing.
    const accepted = await intake('/v1/events', tenant, (await receiver()).url, id);
    expect(accepted.status).toBe(202);
    expect(accepted.body.callback.duplicate).toBe(false);
    expect(accepted.body.deliveries.map((d: any) => d.duplicate)).toEqual([false]);
    await endpointTarget.waitFor(1);
    expect(endpointTarget.requests).toHaveLength(1);
  },
);

test.each(['not a url', 'ftp://files.example.com/result', 'http://user:pass@example.com/hook'])(
  'a malformed webhook_url (%s) is refused with 400 naming query.webhook_url',
  async (url) => {
    const tenant = await createTenant();
    const res = await intake('/v1/events', tenant, url);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: any) => f.field)).toEqual(['query.webhook_url']);
  },
);
