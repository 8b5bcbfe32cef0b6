import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import { receiversClosedAfterEachTest } from '../helpers/cleanup';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_DEAD_LETTER_RETENTION_SECONDS: '600' });
});
afterAll(async () => {
  await stack?.stop();
});

const startReceiver = receiversClosedAfterEachTest();

/** Every page of a listing, following next_cursor until it is null; the ids in the order given. */
async function walk(key: string, path: string, field: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await stack.api.request('GET', url, { key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body[field].length).toBeLessThanOrEqual(limit);
    ids.push(...res.body[field].map((item: { id: string }) => item.id));
    cursor = res.body.next_cursor;
  } while (cursor);
  return ids;
}

async function signals(tenant: TestTenant, count: number): Promise<string[]> {
  const accepted = await Promise.all(Array.from({ length: count }, () => sendSignal(stack, tenant)));
  return accepted.map((answer) => answer.deliveries[0]!.delivery_id);
}

const visible = (tenant: TestTenant, path: string, field: string, count: number) =>
  eventually(async () => {
    const res = await stack.api.request('GET', path, { key: tenant.key });
    return res.body[field]?.length === count;
  });

test('the delivery log pages through every delivery once, newest first, and ends with a null cursor', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: receiver.url });
  const ids = await signals(tenant, 5);
  await visible(tenant, '/v1/deliveries', 'deliveries', 5);
  const walked = await walk(tenant.key, '/v1/deliveries', 'deliveries', 2);
  expect(walked).toHaveLength(5);
  expect(new Set(walked)).toEqual(new Set(ids));
});

test('since and until bound the delivery log by when each delivery started', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: receiver.url });
  const before = await signals(tenant, 2);
  // Every delivery of the first batch was recorded before its 202: they all started before this.
  const between = new Date().toISOString();
  const after = await signals(tenant, 2);
  await visible(tenant, '/v1/deliveries', 'deliveries', 4);
  const later = await walk(tenant.key, `/v1/deliveries?since=${between}`, 'deliveries', 10);
  const earlier = await walk(tenant.key, `/v1/deliveries?until=${between}`, 'deliveries', 10);
  expect(new Set(later)).toEqual(new Set(after));
  expect(new Set(earlier)).toEqual(new Set(before));
});

test('a cursor edited by hand, or reused with other filters, is a 400 naming query.cursor', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: receiver.url });
  await signals(tenant, 3);
  await visible(tenant, '/v1/deliveries', 'deliveries', 3);
  const first = await stack.api.request('GET', '/v1/deliveries?limit=1', { key: tenant.key });
  const cursor: string = first.body.next_cursor;
  expect(cursor).toEqual(expect.any(String));
  const [body, mac] = cursor.split('.') as [string, string];
  const flipped = `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${mac}`;
  const refusals = [
    `/v1/deliveries?limit=1&cursor=${flipped}`,
    `/v1/deliveries?limit=1&cursor=not-a-cursor`,
    `/v1/deliveries?limit=1&status=failed&cursor=${cursor}`,
    `/v1/deliveries?limit=1&endpoint_id=${endpoint.id}&cursor=${cursor}`,
    `/v1/dead-letters?limit=1&cursor=${cursor}`,
    `/v1/endpoints?limit=1&cursor=${cursor}`,
  ];
  for (const path of refusals) {
    const res = await stack.api.request('GET', path, { key: tenant.key });
    expect(res.status, path).toBe(400);
    expect(res.body.error.fields, path).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  }
  // Another tenant cannot continue this tenant's listing either.
  const other = await createTenant(stack);
  const foreign = await stack.api.request('GET', `/v1/deliveries?limit=1&cursor=${cursor}`, {
    key: other.key,
  });
  expect(foreign.status).toBe(400);
  const next = await stack.api.request('GET', `/v1/deliveries?limit=1&cursor=${cursor}`, { key: tenant.key });
  expect(next.status).toBe(200);
});

test('a range that ends before it starts, or a date that is not one, is a 400 naming the field', async () => {
  const tenant = await createTenant(stack);
  for (const [path, field] of [
    ['/v1/deliveries?since=2026-05-18T00:00:00Z&until=2026-05-17T00:00:00Z', 'query.until'],
    ['/v1/dead-letters?until=yesterday', 'query.until'],
    ['/v1/endpoints?since=2026-13-01T00:00:00Z', 'query.since'],
    ['/v1/deliveries?limit=0', 'query.limit'],
  ] as const) {
    const res = await stack.api.request('GET', path, { key: tenant.key });
    expect(res.status, path).toBe(400);
    expect(res.body.error.fields, path).toEqual([expect.objectContaining({ field })]);
  }
  const tenants = await stack.api.request(
    'GET',
    '/v1/tenants?until=2026-01-01T00:00:00Z&since=2026-02-01T00:00:00Z',
    {
      key: stack.operatorKey,
    },
  );
  expect(tenants.status).toBe(400);
  expect(tenants.body.error.fields).toEqual([expect.objectContaining({ field: 'query.until' })]);
});

test('dead letters page by cursor and are bounded by when they were dead-lettered', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, {
    url: receiver.url,
    dead_letter_queue: true,
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  const ids = await signals(tenant, 3);
  await visible(tenant, '/v1/dead-letters', 'dead_letters', 3);
  expect(new Set(await walk(tenant.key, '/v1/dead-letters', 'dead_letters', 2))).toEqual(new Set(ids));
  const future = new Date(Date.now() + 60_000).toISOString();
  const none = await stack.api.request('GET', `/v1/dead-letters?since=${future}`, { key: tenant.key });
  expect(none.body).toEqual({ dead_letters: [], next_cursor: null });
  const all = await walk(tenant.key, `/v1/dead-letters?until=${future}`, 'dead_letters', 10);
  expect(all).toHaveLength(3);
});

test('endpoints and tenants page oldest first within since and until, by when they were created', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack);
  const first = await createEndpoint(stack, tenant, { url: receiver.url, label: 'first' });
  const between = new Date().toISOString();
  const second = await createEndpoint(stack, tenant, { url: receiver.url, label: 'second' });
  const third = await createEndpoint(stack, tenant, { url: receiver.url, label: 'third' });
  expect(await walk(tenant.key, '/v1/endpoints', 'endpoints', 2)).toEqual([first.id, second.id, third.id]);
  expect(await walk(tenant.key, `/v1/endpoints?since=${between}`, 'endpoints', 1)).toEqual([
    second.id,
    third.id,
  ]);
  expect(await walk(tenant.key, `/v1/endpoints?until=${between}`, 'endpoints', 1)).toEqual([first.id]);

  const since = new Date().toISOString();
  const made: string[] = [];
  for (const name of ['T1', 'T2', 'T3']) made.push((await createTenant(stack, name)).id);
  const until = new Date(Date.now() + 1).toISOString();
  // Other test files share the namespace and may create tenants meanwhile: ours come in order.
  const listed = await eventually(async () => {
    const ids = await walk(stack.operatorKey, `/v1/tenants?since=${since}&until=${until}`, 'tenants', 2);
    return made.every((id) => ids.includes(id)) && ids;
  });
  expect(listed.filter((id) => made.includes(id))).toEqual(made);
  expect(new Set(listed).size).toBe(listed.length);
});
