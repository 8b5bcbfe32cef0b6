import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const startReceiver = receiversClosedAfterEachTest();

test('a delivered delivery is sent again as a new delivery that names the original', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: receiver.url });
  const { deliveries } = await sendSignal(stack, tenant);
  const original = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
  expect(original.status).toBe('delivered');

  const res = await stack.api.request('POST', `/v1/deliveries/${original.id}/resend`, { key: tenant.key });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ resent_from: original.id, signal_id: original.signal_id, rejected: null });
  expect(res.body.delivery_id).not.toBe(original.id);
  const resent = await settledDelivery(stack, tenant, res.body.delivery_id);
  expect(resent).toMatchObject({
    status: 'delivered',
    resent_from: original.id,
    signal_id: original.signal_id,
  });

  // The receiver sees the same body twice, under two delivery ids.
  const [first, second] = await receiver.waitFor(2);
  expect(second!.rawBody.toString()).toBe(first!.rawBody.toString());
  expect(first!.headers['x-signal-push-delivery-id']).toBe(original.id);
  expect(second!.headers['x-signal-push-delivery-id']).toBe(res.body.delivery_id);
  const listed = await eventually(async () => {
    const list = await stack.api.request('GET', `/v1/deliveries?signal_id=${original.signal_id}`, {
      key: tenant.key,
    });
    return list.body.deliveries.length === 2 && list.body.deliveries;
  });
  expect(listed.find((d: { id: string }) => d.id === res.body.delivery_id).resent_from).toBe(original.id);
  expect(listed.find((d: { id: string }) => d.id === original.id).resent_from).toBeNull();
});

test('a failed delivery is resent under the endpoint as it is now, and a resend of a resend names its own original', async () => {
  let status = 500;
  const receiver = await startReceiver(() => ({ status }));
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: receiver.url, retry_policy: { delays_seconds: [] } });
  const { deliveries } = await sendSignal(stack, tenant);
  const failed = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
  expect(failed.status).toBe('failed');
  status = 200;
  const res = await stack.api.request('POST', `/v1/deliveries/${failed.id}/resend`, { key: tenant.key });
  expect(res.status).toBe(202);
  expect(await settledDelivery(stack, tenant, res.body.delivery_id)).toMatchObject({ status: 'delivered' });
  const again = await stack.api.request('POST', `/v1/deliveries/${res.body.delivery_id}/resend`, {
    key: tenant.key,
  });
  expect(again.status).toBe(202);
  expect(again.body.resent_from).toBe(res.body.delivery_id);
  // Ids do not grow with each resend: they come from the endpoint and the event.
  expect(again.body.delivery_id.length).toBe(res.body.delivery_id.length);
});

test("another tenant's delivery, an unknown one, and one whose endpoint is gone cannot be resent", async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: receiver.url });
  const { deliveries } = await sendSignal(stack, tenant);
  const id = deliveries[0]!.delivery_id;
  await settledDelivery(stack, tenant, id);
  const other = await createTenant(stack);
  const foreign = await stack.api.request('POST', `/v1/deliveries/${id}/resend`, { key: other.key });
  expect(foreign.status).toBe(404);
  const unknown = await stack.api.request('POST', '/v1/deliveries/dlv_ep_0000000000000000_nope/resend', {
    key: tenant.key,
  });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('not_found');
  await stack.api.request('DELETE', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
  const gone = await stack.api.request('POST', `/v1/deliveries/${id}/resend`, { key: tenant.key });
  expect(gone.status).toBe(409);
  expect(gone.body.error.code).toBe('endpoint_deleted');
  expect(receiver.requests).toHaveLength(1);
});
