import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buyingSignalSample } from '../../src/events/samples';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import { createEndpoint, createTenant } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const receiver = receiversClosedAfterEachTest();

/** A tenant and a PQ-style endpoint (hex X-PQ-Signature) that pauses at its first failure. */
async function endpointFor(target: Receiver, body: Record<string, unknown> = {}) {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, {
    url: target.url,
    event_types: ['buying_signal', 'prospect.added'],
    pause_threshold: 1,
    ...body,
  });
  return { tenant, endpoint };
}

const sendTest = (tenant: TestTenant, endpointId: string, body: Record<string, unknown> = {}) =>
  stack.api.request('POST', `/v1/endpoints/${endpointId}/test`, { key: tenant.key, body });

test("answers with the receiver's status, latency and body excerpt", async () => {
  const target = await receiver(() => ({ status: 201, body: 'got it' }));
  const { tenant, endpoint } = await endpointFor(target);

  const asked = Date.now();
  const res = await sendTest(tenant, endpoint.id);
  const elapsed = Date.now() - asked;

  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    event_type: 'buying_signal',
    delivered: true,
    http_status: 201,
    error_kind: null,
    response_body: 'got it',
    rejected: null,
  });
  // Whole milliseconds of the POST alone, so within the send-test call's own duration.
  expect(Number.isInteger(res.body.latency_ms)).toBe(true);
  expect(res.body.latency_ms).toBeGreaterThanOrEqual(0);
  expect(res.body.latency_ms).toBeLessThanOrEqual(elapsed);
  expect(res.body.delivery_id).toMatch(new RegExp(`^dlv_${endpoint.id}_test_[0-9a-f]+$`));
  expect(target.requests).toHaveLength(1);
});

test('the test request is rendered and signed like a real one: a subscribed type’s sample with a test_ id', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const { tenant, endpoint } = await endpointFor(target);

  const res = await sendTest(tenant, endpoint.id);

  const [request] = target.requests;
  expect(request!.method).toBe('POST');
  expect(request!.headers['content-type']).toBe('application/json');
  expect(request!.headers['x-signal-push-delivery-id']).toBe(res.body.delivery_id);
  expect(request!.headers['x-pq-signature']).toBe(
    createHmac('sha256', endpoint.secret).update(request!.rawBody).digest('hex'),
  );
  const body = JSON.parse(request!.rawBody.toString('utf8'));
  expect(body.signal_id).toMatch(/^test_[0-9a-f]{16}$/);
  expect(body).toEqual({ ...buyingSignalSample(), signal_id: body.signal_id });
});

test('a failing receiver: delivered false, one attempt, no retry, and no count towards a pause', async () => {
  const target = await receiver(() => ({ status: 500, body: 'down' }));
  const { tenant, endpoint } = await endpointFor(target);

  const res = await sendTest(tenant, endpoint.id);

  expect(res.body).toMatchObject({
    delivered: false,
    http_status: 500,
    error_kind: 'non_2xx',
    response_body: 'down',
  });
  const delivery = await stack.api.request('GET', `/v1/deliveries/${res.body.delivery_id}`, {
    key: tenant.key,
  });
  expect(delivery.body).toMatchObject({ kind: 'test', status: 'failed', attempt_count: 1 });
  // The send-test's workflow has ended (failed) after one attempt: no retry can follow.
  expect(target.requests).toHaveLength(1);

  // pause_threshold 1: a real failure would have paused the endpoint.
  const after = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
  expect(after.body).toMatchObject({ consecutive_failures: 0, health: { paused: null, failing: false } });
});

test('a send-test is listed in the delivery log with kind test', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const { tenant, endpoint } = await endpointFor(target);

  const res = await sendTest(tenant, endpoint.id);

  const listed = await eventually(async () => {
    const list = await stack.api.request('GET', `/v1/deliveries?endpoint_id=${endpoint.id}`, {
      key: tenant.key,
    });
    return list.body.deliveries.find((d: any) => d.id === res.body.delivery_id && d.status === 'delivered');
  });
  expect(listed).toMatchObject({ kind: 'test', endpoint_id: endpoint.id, event_type: 'buying_signal' });
});

test('an event type the endpoint does not subscribe to is refused with 400 naming event_type', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const { tenant, endpoint } = await endpointFor(target);

  const res = await sendTest(tenant, endpoint.id, { event_type: 'lead.created' });

  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: any) => f.field)).toEqual(['event_type']);
  expect(target.requests).toHaveLength(0);
});

test('a send-test goes out while the endpoint is paused', async () => {
  const target = await receiver(() => ({ status: 200 }));
  const { tenant, endpoint } = await endpointFor(target);
  const paused = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/pause`, { key: tenant.key });
  expect(paused.body.paused).toMatchObject({ reason: 'manual' });

  const res = await sendTest(tenant, endpoint.id, { event_type: 'buying_signal' });

  expect(res.body).toMatchObject({ delivered: true, http_status: 200 });
  expect(target.requests).toHaveLength(1);
});
