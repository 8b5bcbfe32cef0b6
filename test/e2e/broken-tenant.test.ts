import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { run } from '../../src/cli/main';
import { breakTenant } from '../helpers/break-tenant';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sampleSignal, sendSignal } from '../helpers/fixtures';
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

const breakTenantOf = (tenant: TestTenant) => breakTenant(stack.service.client, stack.taskQueue, tenant.id);

async function cli(...args: string[]) {
  const result = { code: -1, stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (result.stdout += text) },
    stderr: { write: (text: string) => (result.stderr += text) },
  };
  result.code = await run(['node', 'signal-push', ...args, '--address', inject('temporalAddress')], io);
  return result;
}

test('a tenant whose workflow keeps failing answers 503 and is named by readiness, while another tenant delivers as usual', async () => {
  const healthy = await createTenant(stack, 'Healthy');
  await createEndpoint(stack, healthy, { url: receiver.url, label: 'healthy hook' });
  const broken = await createTenant(stack, 'Broken');
  await createEndpoint(stack, broken, { url: receiver.url, label: 'kept' });
  await breakTenantOf(broken);

  const listed = await stack.api.request('GET', '/v1/endpoints', { key: broken.key });
  expect(listed.status).toBe(503);
  expect(listed.body.error.code).toBe('tenant_unavailable');
  expect(listed.body.error.message).toContain(`tenants repair ${broken.id}`);
  const intake = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    body: { tenant_id: broken.id, ...sampleSignal() },
  });
  expect(intake.status).toBe(503);

  // A probe without a key learns how many; the operator learns which, and why.
  const probe = await stack.api.request('GET', '/readyz');
  expect(probe.status).toBe(200);
  expect(probe.body).toEqual({
    ready: true,
    status: 'degraded',
    temporal: 'ok',
    namespace: 'ok',
    search_attributes: 'ok',
    worker: 'ok',
    tenants_unavailable: 1,
  });
  const ready = await stack.api.request('GET', '/readyz', { key: stack.operatorKey });
  expect(ready.body).toMatchObject({ ready: true, status: 'degraded', temporal: 'ok' });
  expect(ready.body.tenants_unavailable).toEqual([
    expect.objectContaining({ tenant_id: broken.id, reason: expect.stringContaining('keeps failing') }),
  ]);
  // The operator's tenant listing still answers: the broken tenant listed from its last known
  // record, or named apart when none can be read; the others as usual.
  const listing = await stack.api.request('GET', '/v1/tenants?limit=100', { key: stack.operatorKey });
  expect(listing.status).toBe(200);
  const listedIds = listing.body.tenants.map((t: { id: string }) => t.id);
  expect([...listedIds, ...listing.body.tenants_unavailable].sort()).toEqual([healthy.id, broken.id].sort());

  // The healthy tenant's intake and deliveries go on while the broken one is asked again and again.
  const sent = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      if (i % 4 === 0) await stack.api.request('GET', '/v1/endpoints', { key: broken.key });
      return sendSignal(stack, healthy);
    }),
  );
  expect(sent.every((accepted) => accepted.deliveries.length === 1)).toBe(true);
  await receiver.waitFor(40);
});

test('`tenants repair` brings a broken tenant back with its endpoints, its key and its deliveries', async () => {
  const tenant = await createTenant(stack, 'Repairable');
  const kept = await createEndpoint(stack, tenant, { url: receiver.url, label: 'first' });
  const second = await createEndpoint(stack, tenant, { url: receiver.url, label: 'second' });
  const paused = await stack.api.request('POST', `/v1/endpoints/${second.id}/pause`, { key: tenant.key });
  expect(paused.status).toBe(200);
  await breakTenantOf(tenant);
  expect((await stack.api.request('GET', '/v1/endpoints', { key: tenant.key })).status).toBe(503);

  const repaired = await cli('tenants', 'repair', tenant.id, '--json');
  expect(repaired.stderr).toBe('');
  expect(repaired.code).toBe(0);
  expect(JSON.parse(repaired.stdout)).toMatchObject({
    tenant_id: tenant.id,
    repaired: true,
    problem: expect.stringContaining('keeps failing'),
    endpoints: 2,
  });

  const listed = await eventually(async () => {
    const res = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
    return res.status === 200 && res;
  });
  const endpoints = listed.body.endpoints as Array<{
    id: string;
    label: string;
    health: { paused: unknown };
  }>;
  expect(endpoints.map((e) => [e.id, e.label])).toEqual([
    [kept.id, 'first'],
    [second.id, 'second'],
  ]);
  expect(endpoints[1]!.health.paused).toMatchObject({ reason: 'manual' });
  const before = receiver.requests.length;
  const { deliveries } = await sendSignal(stack, tenant);
  // Both still take signals; the paused one holds its delivery.
  expect(deliveries.map((d) => d.endpoint_id).sort()).toEqual([kept.id, second.id].sort());
  const [arrived] = (await receiver.waitFor(before + 1)).slice(before);
  expect(arrived!.path).toBe(new URL(receiver.url).pathname);
  const ready = await stack.api.request('GET', '/readyz', { key: stack.operatorKey });
  expect(ready.body.tenants_unavailable).not.toContainEqual(
    expect.objectContaining({ tenant_id: tenant.id }),
  );
});

test('`tenants repair` leaves a healthy tenant alone, and says a missing one is not found', async () => {
  const tenant = await createTenant(stack, 'Fine');
  const healthy = await cli('tenants', 'repair', tenant.id);
  expect(healthy).toMatchObject({ code: 0, stderr: '' });
  expect(healthy.stdout).toContain('is healthy; nothing to repair');
  const missing = await cli('tenants', 'repair', 'ten_0000000000000000');
  expect(missing.code).toBe(4);
  expect(missing.stderr).toBe('signal-push: tenant not found\n');
});
