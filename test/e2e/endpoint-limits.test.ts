import { afterAll, beforeAll, expect, test } from 'vitest';
import { ENDPOINT_FIELD_LIMITS } from '../../src/endpoints/endpoint-limits';
import { createEndpoint, createTenant } from '../helpers/fixtures';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const URL_OK = 'https://hooks.example.com/in';

async function endpointCount(key: string): Promise<number> {
  const res = await stack.api.request('GET', '/v1/endpoints', { key });
  return res.body.endpoints.length;
}

test('a label of 200 control characters takes 1,202 bytes as stored: 413 naming label and its limit, and nothing is stored', async () => {
  const tenant = await createTenant(stack);
  const res = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: { url: URL_OK, label: '\u0001'.repeat(200) },
  });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('limit_exceeded');
  expect(res.body.error.fields).toEqual([
    { field: 'label', problem: expect.stringContaining('1202 bytes'), limit: ENDPOINT_FIELD_LIMITS.label },
  ]);
  expect(await endpointCount(tenant.key)).toBe(0);
});

test('filter names of control characters grow sixfold when encoded: 413 naming filters', async () => {
  const tenant = await createTenant(stack);
  const res = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: {
      url: URL_OK,
      filters: { icp_profile_names: Array.from({ length: 30 }, () => '\u0001'.repeat(200)) },
    },
  });
  expect(res.status).toBe(413);
  expect(res.body.error.fields).toEqual([
    expect.objectContaining({ field: 'filters', limit: ENDPOINT_FIELD_LIMITS.filters }),
  ]);
  expect(await endpointCount(tenant.key)).toBe(0);
});

test('a custom header value of backslashes over its limit: 413 naming that header', async () => {
  const tenant = await createTenant(stack);
  const res = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: { url: URL_OK, headers: { 'X-Token': '\\'.repeat(3000) } },
  });
  expect(res.status).toBe(413);
  expect(res.body.error.fields).toEqual([
    expect.objectContaining({ field: 'headers.X-Token', limit: ENDPOINT_FIELD_LIMITS.headerValue }),
  ]);
});

test('twenty headers each within its limit but together over the headers limit: 413 naming headers', async () => {
  const tenant = await createTenant(stack);
  const headers = Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`X-Custom-${i}`, 'v'.repeat(1000)]),
  );
  const res = await stack.api.request('POST', '/v1/endpoints', {
    key: tenant.key,
    body: { url: URL_OK, headers },
  });
  expect(res.status).toBe(413);
  expect(res.body.error.fields).toEqual([
    expect.objectContaining({ field: 'headers', limit: ENDPOINT_FIELD_LIMITS.headers }),
  ]);
});

test('a PATCH over a limit is refused with 413 and the endpoint stays as it was', async () => {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: URL_OK, description: 'before' });
  const res = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
    key: tenant.key,
    body: { description: '\u0002'.repeat(1000) },
  });
  expect(res.status).toBe(413);
  expect(res.body.error.fields[0]).toMatchObject({
    field: 'description',
    limit: ENDPOINT_FIELD_LIMITS.description,
  });
  const shown = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
  expect(shown.body.description).toBe('before');
});

test('no plan raises a tenant past 1000 endpoints', async () => {
  const res = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name: 'Greedy', plan: { max_endpoints: 1001 } },
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([
    expect.objectContaining({ field: 'plan.max_endpoints', problem: expect.stringContaining('1000') }),
  ]);
});

test('a tenant name of control characters is measured as stored: 400 naming name', async () => {
  const res = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name: '\u0003'.repeat(200) },
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([expect.objectContaining({ field: 'name' })]);
});

test('concurrent creates at the quota: exactly the allowed number succeed, and no refused one leaves a workflow behind', async () => {
  const tenant = await createTenant(stack, 'Quota', { max_endpoints: 5, rate_limit_per_minute: null });
  for (let i = 0; i < 3; i++) await createEndpoint(stack, tenant, { url: URL_OK, label: `before ${i}` });
  const answers = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      stack.api.request('POST', '/v1/endpoints', {
        key: tenant.key,
        body: { url: URL_OK, label: `race ${i}` },
      }),
    ),
  );
  const statuses = answers.map((res) => res.status).sort();
  expect(statuses, JSON.stringify(answers.map((res) => res.body))).toEqual([201, 201, 409, 409, 409, 409]);
  expect(await endpointCount(tenant.key)).toBe(5);
  // Visibility catches up with a retired workflow a moment after it ends.
  await eventually(async () => {
    const { count } = await stack.service.client.workflow.count(
      `WorkflowType = 'endpointConfigWorkflow' AND TenantId = '${tenant.id}' AND ExecutionStatus = 'Running'`,
    );
    return count === 5;
  });
});

test('the endpoint list pages oldest first with a cursor, and a made-up cursor is a 400 naming it', async () => {
  const tenant = await createTenant(stack);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await createEndpoint(stack, tenant, { url: URL_OK, label: `p${i}` })).id);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
    const res = await stack.api.request('GET', `/v1/endpoints${query}`, { key: tenant.key });
    expect(res.status).toBe(200);
    seen.push(...res.body.endpoints.map((e: { id: string }) => e.id));
    cursor = res.body.next_cursor;
    pages += 1;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual(ids);
  const bad = await stack.api.request('GET', '/v1/endpoints?cursor=not-a-cursor', { key: tenant.key });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
});
