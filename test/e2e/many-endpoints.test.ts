import { afterAll, beforeAll, expect, test } from 'vitest';
import pLimit from 'p-limit';
import type { TestTenant } from '../helpers/fixtures';
import { createTenant, sendSignal } from '../helpers/fixtures';
import { maxSizeEndpoint } from '../helpers/max-endpoint';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

/**
 * A tenant as full as its plan lets it be, every endpoint at its largest. The hard maximum of a
 * thousand is held by the tenant workflow itself in test/unit/tenant-at-hard-maximum.test.ts; through
 * the API each endpoint costs two workflow starts and a tenant update (about 0.14 CPU-s here), so a
 * thousand would be a fifth of the suite's CPU. MANY_ENDPOINTS=1000 runs this at the hard maximum, as
 * `npm run bench:tenant` does.
 */
const ENDPOINTS = Number(process.env.MANY_ENDPOINTS ?? 120);
const MATCHING = [0, 1, 2, 3].map((quarter) => Math.floor((quarter * ENDPOINTS) / 4)).concat(ENDPOINTS - 1);

let stack: Stack;
let receiver: Receiver;
let tenant: TestTenant;
const ids: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
  tenant = await createTenant(stack, 'Thousand', {
    max_endpoints: ENDPOINTS,
    rate_limit_per_minute: null,
  });
  const limit = pLimit(8);
  const created = await Promise.all(
    Array.from({ length: ENDPOINTS }, (_, i) =>
      limit(async () => {
        const body = maxSizeEndpoint(i, receiver.url, MATCHING.includes(i));
        const res = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body });
        if (res.status !== 201) throw new Error(`endpoint ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.id as string;
      }),
    ),
  );
  ids.push(...created);
}, 600_000);
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

async function listAll(): Promise<Array<{ id: string; label: string; description: string }>> {
  const all = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${cursor}` : '?limit=100';
    const res = await stack.api.request('GET', `/v1/endpoints${query}`, { key: tenant.key });
    expect(res.status).toBe(200);
    all.push(...res.body.endpoints);
    cursor = res.body.next_cursor;
  } while (cursor);
  return all;
}

test(`a tenant holds ${ENDPOINTS} endpoints with every field at its largest, lists them all, and refuses one more`, async () => {
  const all = await listAll();
  expect(all.map((endpoint) => endpoint.id).sort()).toEqual([...ids].sort());
  expect(all.every((endpoint) => endpoint.description.length === 1000)).toBe(true);
  const extra = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: maxSizeEndpoint(ENDPOINTS, receiver.url, false),
  });
  expect(extra.status).toBe(409);
  expect(extra.body.error.code).toBe('endpoint_quota_reached');
}, 120_000);

test('a signal to that tenant reaches exactly the endpoints whose filters take it', async () => {
  const { deliveries } = await sendSignal(stack, tenant);
  expect(deliveries.map((d) => d.endpoint_id).sort()).toEqual(MATCHING.map((i) => ids[i]).sort());
  const arrived = await receiver.waitFor(MATCHING.length, 60_000);
  expect(arrived.map((request) => new URL(request.path, 'http://x').searchParams.get('n')).sort()).toEqual(
    MATCHING.map(String).sort(),
  );
}, 120_000);

test('patch and delete work at the maximum, and a deleted endpoint frees its place', async () => {
  const target = ids[10]!;
  const patched = await stack.api.request('PATCH', `/v1/endpoints/${target}`, {
    key: tenant.key,
    body: { label: 'renamed at the maximum', enabled: false },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ label: 'renamed at the maximum', enabled: false });
  const deleted = await stack.api.request('DELETE', `/v1/endpoints/${ids[11]}`, { key: tenant.key });
  expect(deleted.status).toBe(204);
  const again = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: maxSizeEndpoint(ENDPOINTS + 1, receiver.url, false),
  });
  expect(again.status).toBe(201);
  const all = await listAll();
  expect(all).toHaveLength(ENDPOINTS);
  expect(all.find((endpoint) => endpoint.id === target)?.label).toBe('renamed at the maximum');
  expect(all.some((endpoint) => endpoint.id === ids[11])).toBe(false);
}, 120_000);
