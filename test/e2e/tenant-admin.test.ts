import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { endpointConfigWorkflowId, endpointHealthWorkflowId, tenantWorkflowId } from '../../workflows/ids';
import { createEndpoint, createTenant, sampleSignal, sendSignal } from '../helpers/fixtures';
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
const operator = (method: string, path: string, body?: unknown) =>
  stack.api.request(method, path, { key: stack.operatorKey, ...(body === undefined ? {} : { body }) });

test('an operator reads a tenant without its key hash or callback secret; a tenant key cannot', async () => {
  const tenant = await createTenant(stack, 'Readable', { max_endpoints: 3, rate_limit_per_minute: 60 });
  const res = await operator('GET', `/v1/tenants/${tenant.id}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    id: tenant.id,
    name: 'Readable',
    owner_email: null,
    plan: { max_endpoints: 3, rate_limit_per_minute: 60 },
    signal_completed_events: false,
    created_at: expect.any(String),
  });
  expect((await operator('GET', '/v1/tenants/ten_0000000000000000')).status).toBe(404);
  expect((await operator('GET', '/v1/tenants/not-an-id')).status).toBe(404);
  const asTenant = await stack.api.request('GET', `/v1/tenants/${tenant.id}`, { key: tenant.key });
  expect(asTenant.status).toBe(401);
});

test('PATCH renames a tenant and changes one plan field, keeping the other', async () => {
  const tenant = await createTenant(stack, 'Before', { max_endpoints: 3, rate_limit_per_minute: 60 });
  const res = await operator('PATCH', `/v1/tenants/${tenant.id}`, {
    name: 'After',
    plan: { max_endpoints: 5 },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ name: 'After', plan: { max_endpoints: 5, rate_limit_per_minute: 60 } });
  expect((await operator('GET', `/v1/tenants/${tenant.id}`)).body.name).toBe('After');
  // The tenant's key still works, and the new quota holds for its endpoints.
  expect((await stack.api.request('GET', '/v1/endpoints', { key: tenant.key })).status).toBe(200);
});

test('a bad change is a 400 naming the field, and a plan below what the tenant uses is a 409', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack, 'Busy', { max_endpoints: 3, rate_limit_per_minute: 60 });
  await createEndpoint(stack, tenant, { url: receiver.url, label: 'a' });
  await createEndpoint(stack, tenant, { url: receiver.url, label: 'b', rate_limit_per_minute: 50 });
  for (const [body, field] of [
    [{}, '(body)'],
    [{ name: '' }, 'name'],
    [{ plan: { max_endpoints: 0 } }, 'plan.max_endpoints'],
    [{ plan: { rate_limit_per_minute: 'fast' } }, 'plan.rate_limit_per_minute'],
    [{ plan: {} }, 'plan'],
    [{ owner_email: 'x@y.z' }, '(body)'],
  ] as const) {
    const res = await operator('PATCH', `/v1/tenants/${tenant.id}`, body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(res.body.error.fields, JSON.stringify(body)).toEqual([expect.objectContaining({ field })]);
  }
  const quota = await operator('PATCH', `/v1/tenants/${tenant.id}`, { plan: { max_endpoints: 1 } });
  expect(quota.status).toBe(409);
  expect(quota.body.error).toMatchObject({
    code: 'plan_below_usage',
    fields: [{ field: 'plan.max_endpoints' }],
  });
  const ceiling = await operator('PATCH', `/v1/tenants/${tenant.id}`, {
    plan: { rate_limit_per_minute: 40 },
  });
  expect(ceiling.status).toBe(409);
  expect(ceiling.body.error.fields).toEqual([
    expect.objectContaining({ field: 'plan.rate_limit_per_minute' }),
  ]);
  expect((await operator('GET', `/v1/tenants/${tenant.id}`)).body.plan).toEqual({
    max_endpoints: 3,
    rate_limit_per_minute: 60,
  });
  expect((await operator('PATCH', '/v1/tenants/ten_0000000000000000', { name: 'x' })).status).toBe(404);
});

test('a tenant with a delivery still running is kept (409) unless forced; forced, nothing of it is left running', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  const tenant = await createTenant(stack, 'Doomed');
  const endpoint = await createEndpoint(stack, tenant, {
    url: receiver.url,
    dead_letter_queue: true,
    retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
  });
  const { deliveries } = await sendSignal(stack, tenant);
  const deliveryId = deliveries[0]!.delivery_id;
  await eventually(async () => {
    const res = await stack.api.request('GET', `/v1/deliveries/${deliveryId}`, { key: tenant.key });
    return res.body.status === 'dead_lettered';
  });
  const { client } = stack.service;
  const running = `TenantId = '${tenant.id}' AND ExecutionStatus = 'Running'`;
  await eventually(async () => (await client.workflow.count(running)).count === 4);

  const refused = await operator('DELETE', `/v1/tenants/${tenant.id}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({
    code: 'deliveries_in_flight',
    fields: [{ field: 'query.force' }],
  });
  expect((await operator('GET', `/v1/tenants/${tenant.id}`)).status).toBe(200);
  expect((await operator('DELETE', `/v1/tenants/${tenant.id}?force=yes`)).body.error.fields).toEqual([
    expect.objectContaining({ field: 'query.force' }),
  ]);

  const deleted = await operator('DELETE', `/v1/tenants/${tenant.id}?force=true`);
  expect(deleted.status).toBe(200);
  expect(deleted.body).toEqual({ tenant_id: tenant.id, deleted_workflows: 3, cancelled_deliveries: 1 });

  // Its own workflow, its endpoint's config and health workflows are gone with their histories...
  for (const id of [
    tenantWorkflowId(tenant.id),
    endpointConfigWorkflowId(endpoint.id),
    endpointHealthWorkflowId(endpoint.id),
  ]) {
    await expect(client.workflow.getHandle(id).describe(), id).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }
  // ...its delivery ended, and nothing of it runs.
  expect((await client.workflow.getHandle(deliveryId).describe()).status.name).toBe('TERMINATED');
  await eventually(async () => (await client.workflow.count(running)).count === 0);

  // Its key opens nothing, its signals find no tenant, and it is gone from reads.
  expect((await stack.api.request('GET', '/v1/endpoints', { key: tenant.key })).status).toBe(401);
  const intake = await operator('POST', '/v1/signals', { tenant_id: tenant.id, ...sampleSignal() });
  expect(intake.status).toBe(404);
  expect((await operator('GET', `/v1/tenants/${tenant.id}`)).status).toBe(404);
  expect((await operator('DELETE', `/v1/tenants/${tenant.id}`)).status).toBe(404);
});

test('a tenant whose deliveries have all ended is deleted without force', async () => {
  const receiver = await startReceiver();
  const tenant = await createTenant(stack, 'Quiet');
  await createEndpoint(stack, tenant, { url: receiver.url });
  const { deliveries } = await sendSignal(stack, tenant);
  const { client } = stack.service;
  await eventually(
    async () =>
      (await client.workflow.getHandle(deliveries[0]!.delivery_id).describe()).status.name === 'COMPLETED',
  );
  await eventually(
    async () =>
      (
        await client.workflow.count(
          `TenantId = '${tenant.id}' AND WorkflowType = 'deliveryWorkflow' AND ExecutionStatus = 'Running'`,
        )
      ).count === 0,
  );
  const deleted = await operator('DELETE', `/v1/tenants/${tenant.id}`);
  expect(deleted.status).toBe(200);
  expect(deleted.body).toMatchObject({ cancelled_deliveries: 0 });
  // The finished delivery keeps its history until the namespace's retention, as every delivery does.
  expect((await client.workflow.getHandle(deliveries[0]!.delivery_id).describe()).status.name).toBe(
    'COMPLETED',
  );
});
