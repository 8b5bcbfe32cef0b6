import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sampleSignal, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const post = (body: unknown, key = stack.operatorKey) =>
  stack.api.request('POST', '/v1/signals', { key, body });

test('a signal is accepted with 202 and one delivery per subscribed endpoint, with a generated sig_ id', async () => {
  const tenant = await createTenant(stack);
  const a = await createEndpoint(stack, tenant, { url: receiver.url });
  const b = await createEndpoint(stack, tenant, { url: receiver.url });
  const res = await post({ tenant_id: tenant.id, ...sampleSignal() });
  expect(res.status).toBe(202);
  expect(res.body.signal_id).toMatch(/^sig_[0-9a-f]{16}$/);
  expect(res.body.deliveries.map((d: any) => d.endpoint_id).sort()).toEqual([a.id, b.id].sort());
  for (const delivery of res.body.deliveries) {
    expect((await settledDelivery(stack, tenant, delivery.delivery_id)).status).toBe('delivered');
  }
});

test('the same signal_id sent twice is delivered once to each endpoint', async () => {
  const target = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: target.url });
    const first = await sendSignal(stack, tenant, { signal_id: 'sig_dedupe_1' });
    const second = await sendSignal(stack, tenant, { signal_id: 'sig_dedupe_1' });
    expect(second.deliveries[0]).toEqual({ ...first.deliveries[0], duplicate: true });
    expect(first.deliveries[0]!.duplicate).toBe(false);
    const deliveryId = first.deliveries[0]!.delivery_id;
    await settledDelivery(stack, tenant, deliveryId);
    const handle = stack.service.client.workflow.getHandle(deliveryId);
    const ended = await handle.describe();
    const third = await sendSignal(stack, tenant, { signal_id: 'sig_dedupe_1' });
    expect(third.deliveries[0]!.duplicate).toBe(true);
    // No new run was started for it (one would be there by the time intake answered), and the one
    // run has ended: its single attempt is all the receiver will get.
    expect((await handle.describe()).runId).toBe(ended.runId);
    expect(ended.status.name).toBe('COMPLETED');
    expect(target.requests).toHaveLength(1);
  } finally {
    await target.close();
  }
});

test('filters route by signal type, classification, ICP profile and minimum score; disabled endpoints get nothing', async () => {
  const tenant = await createTenant(stack);
  const all = await createEndpoint(stack, tenant, { url: receiver.url });
  const funding = await createEndpoint(stack, tenant, {
    url: receiver.url,
    filters: { signal_types: ['funding_event'] },
  });
  const hot = await createEndpoint(stack, tenant, {
    url: receiver.url,
    filters: { classifications: ['hot'] },
  });
  const profile = await createEndpoint(stack, tenant, {
    url: receiver.url,
    filters: { icp_profile_names: ['Mid-market Ops'] },
  });
  const minScore = await createEndpoint(stack, tenant, { url: receiver.url, filters: { min_icp_score: 90 } });
  await createEndpoint(stack, tenant, { url: receiver.url, enabled: false });

  const targets = async (overrides: Record<string, unknown>) =>
    (await sendSignal(stack, tenant, overrides)).deliveries.map((d) => d.endpoint_id).sort();

  expect(await targets({ signal_type: 'intent_post', classification: 'hot', icp_score: 87 })).toEqual(
    [all.id, hot.id].sort(),
  );
  expect(await targets({ signal_type: 'funding_event', classification: 'warm', icp_score: 95 })).toEqual(
    [all.id, funding.id, minScore.id].sort(),
  );
  expect(
    await targets({ icp_profile_name: 'Mid-market Ops', classification: 'cold', icp_score: 90 }),
  ).toEqual([all.id, profile.id, minScore.id].sort());
});

test('a bad signal gets 400 naming every offending field, and starts nothing', async () => {
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: receiver.url });
  const res = await post({
    tenant_id: tenant.id,
    ...sampleSignal({
      signal_id: 'sig with spaces',
      signal_type: 'tweet',
      classification: 'lukewarm',
      icp_score: 101,
      timestamp: 'yesterday',
      excerpt: 'x'.repeat(501),
      profile_url: 'javascript:alert(1)',
      prospect: { title: 'CTO' },
      surprise: true,
    }),
  });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  const fields = res.body.error.fields.map((f: any) => f.field);
  for (const field of [
    'signal_id',
    'signal_type',
    'classification',
    'icp_score',
    'timestamp',
    'excerpt',
    'profile_url',
    'prospect.name',
  ]) {
    expect(fields).toContain(field);
  }
  expect(res.body.error.fields.some((f: any) => f.problem.includes('surprise'))).toBe(true);
  const list = await stack.api.request('GET', '/v1/deliveries', { key: tenant.key });
  expect(list.body.deliveries).toEqual([]);
});

test('malformed JSON, a non-JSON body and a missing tenant are clear 4xx errors', async () => {
  const malformed = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    raw: '{"signal_type":',
  });
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.code).toBe('invalid_json');

  const text = await fetch(`${stack.service.apiUrl}/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.operatorKey}`, 'content-type': 'text/plain' },
    body: 'hello',
  });
  expect(text.status).toBe(415);
  expect(((await text.json()) as any).error.code).toBe('unsupported_media_type');

  const missing = await post(sampleSignal());
  expect(missing.status).toBe(400);
  expect(missing.body.error.fields).toEqual([expect.objectContaining({ field: 'tenant_id' })]);

  const unknown = await post({ tenant_id: 'ten_0000000000000000', ...sampleSignal() });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.fields[0].field).toBe('tenant_id');
});

test('signals need the operator key: none, a wrong one, or a tenant key get 401', async () => {
  const tenant = await createTenant(stack);
  const body = { tenant_id: tenant.id, ...sampleSignal() };
  expect((await stack.api.request('POST', '/v1/signals', { body })).status).toBe(401);
  expect((await post(body, 'spo_wrong_key_wrong_key_wrong_key_wrong')).status).toBe(401);
  const withTenantKey = await post(body, tenant.key);
  expect(withTenantKey.status).toBe(401);
  expect(withTenantKey.body.error.code).toBe('unauthorized');
});

test('the delivery log filters by endpoint, signal and status', async () => {
  const failing = await startReceiver(() => ({ status: 500 }));
  try {
    const tenant = await createTenant(stack);
    const good = await createEndpoint(stack, tenant, { url: receiver.url });
    const bad = await createEndpoint(stack, tenant, {
      url: failing.url,
      retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
    });
    const { signal_id, deliveries } = await sendSignal(stack, tenant);
    await sendSignal(stack, tenant, { signal_id: 'sig_other' });
    for (const delivery of deliveries) await settledDelivery(stack, tenant, delivery.delivery_id);

    const list = (query: string) =>
      eventually(async () => {
        const res = await stack.api.request('GET', `/v1/deliveries?${query}`, { key: tenant.key });
        return (
          res.body.deliveries.every((d: any) => ['delivered', 'failed'].includes(d.status)) &&
          res.body.deliveries
        );
      });
    const bySignal = await eventually(async () => {
      const found = await list(`signal_id=${signal_id}`);
      return found.length === 2 && found;
    });
    expect(bySignal.map((d: any) => d.endpoint_id).sort()).toEqual([good.id, bad.id].sort());
    const failed = await eventually(async () => {
      const found = await list('status=failed');
      return found.length === 2 && found;
    });
    expect(failed.every((d: any) => d.endpoint_id === bad.id)).toBe(true);
    const byEndpoint = await list(`endpoint_id=${good.id}`);
    expect(byEndpoint.every((d: any) => d.endpoint_id === good.id && d.status === 'delivered')).toBe(true);

    const bad400 = await stack.api.request('GET', '/v1/deliveries?status=lost&endpoint_id=x', {
      key: tenant.key,
    });
    expect(bad400.status).toBe(400);
    expect(bad400.body.error.fields.map((f: any) => f.field).sort()).toEqual([
      'query.endpoint_id',
      'query.status',
    ]);
  } finally {
    await failing.close();
  }
});
