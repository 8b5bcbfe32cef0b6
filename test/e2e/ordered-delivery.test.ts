import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  createEndpoint,
  createTenant,
  sendSignal,
  settledDelivery,
  SETTLE_AFTER_RESTART_MS,
} from '../helpers/fixtures';
import type { ReceivedRequest } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

// The API runs here; the worker in a child process, so the test can kill it halfway.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_ROLE: 'api' });
});
afterAll(() => stack?.stop());

const signalOf = (request: ReceivedRequest) => JSON.parse(request.rawBody.toString()).signal_id as string;

test('deliveries with the same key arrive one at a time in intake order, through retries and a worker restart, while a failing one holds only its own key', async () => {
  let worker = await startWorkerChild(stack.taskQueue);
  // a1 fails until the test lets it through; a2 fails its first attempt.
  let a1Fails = true;
  const receiver = await startReceiver((request) => {
    const signal = signalOf(request);
    if (signal === 'a1' && a1Fails) return { status: 500 };
    if (signal === 'a2' && !receiver.requests.slice(0, request.n - 1).some((r) => signalOf(r) === 'a2')) {
      return { status: 503 };
    }
    return { status: 200 };
  });
  try {
    const tenant = await createTenant(stack);
    const refused = await stack.api.request('POST', '/v1/endpoints', {
      key: tenant.key,
      body: { url: receiver.url, ordering_key: 'prospect.phone' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['ordering_key']);
    // Retries a second apart here (the tests scale delays by 0.01), many of them.
    await createEndpoint(stack, tenant, {
      url: receiver.url,
      ordering_key: 'prospect.email',
      retry_policy: { delays_seconds: Array(20).fill(100) },
    });
    const send = async (signal_id: string, email: string) =>
      (await sendSignal(stack, tenant, { signal_id, prospect: { name: 'Lead', email } })).deliveries[0]!
        .delivery_id;
    const ids: Record<string, string> = {};
    for (const [signal, email] of [
      ['a1', 'a@lead.example'],
      ['b1', 'b@lead.example'],
      ['a2', 'a@lead.example'],
      ['b2', 'b@lead.example'],
      ['a3', 'a@lead.example'],
    ] as const) {
      ids[signal] = await send(signal, email);
    }

    // Key b flows past the held key a; a2 and a3 wait, each showing what it waits for.
    await settledDelivery(stack, tenant, ids.b2!);
    const get = async (signal: string) =>
      (await stack.api.request('GET', `/v1/deliveries/${ids[signal]}`, { key: tenant.key })).body;
    await eventually(async () => (await get('a3')).status === 'queued');
    expect(await get('a2')).toMatchObject({ status: 'queued', waiting_for: ids.a1 });
    expect(await get('a3')).toMatchObject({ status: 'queued', waiting_for: ids.a2 });
    expect((await get('a1')).status).toBe('retrying');
    expect(receiver.requests.map(signalOf).filter((s) => s === 'a2' || s === 'a3')).toEqual([]);

    // A restart while a1 still holds the key: the new worker keeps the order. A graceful stop: after
    // a SIGKILL, Temporal would hold the workflows' next tasks for the dead worker's sticky queue for
    // 10 s before handing them on (crashes are worker-crash.test.ts's).
    expect(await worker.terminate()).toBe(0);
    a1Fails = false;
    worker = await startWorkerChild(stack.taskQueue);
    for (const signal of ['a1', 'a2', 'a3']) {
      expect((await settledDelivery(stack, tenant, ids[signal]!, SETTLE_AFTER_RESTART_MS)).status).toBe(
        'delivered',
      );
    }

    // Key a: every request of a delivery comes after the one before it was delivered.
    const keyA = receiver.requests.filter((r) => signalOf(r).startsWith('a'));
    const lastOf = (signal: string) => keyA.map(signalOf).lastIndexOf(signal);
    const firstOf = (signal: string) => keyA.map(signalOf).indexOf(signal);
    expect(keyA.length).toBeGreaterThan(4);
    expect(lastOf('a1')).toBeLessThan(firstOf('a2'));
    expect(lastOf('a2')).toBeLessThan(firstOf('a3'));
    expect(keyA.filter((r) => signalOf(r) === 'a2')).toHaveLength(2);
    const keyB = receiver.requests.map(signalOf).filter((s) => s.startsWith('b'));
    expect(keyB).toEqual(['b1', 'b2']);

    // The key's sequencers belong to the tenant: deleting it leaves none running.
    const running = (prefix: string) =>
      stack.service.client.workflow.count(
        `TenantId = '${tenant.id}' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${prefix}'`,
      );
    await eventually(async () => (await running('sequencer-')).count === 2);
    const deleted = await stack.api.request('DELETE', `/v1/tenants/${tenant.id}?force=true`, {
      key: stack.operatorKey,
    });
    expect(deleted.status).toBe(200);
    await eventually(async () => (await running('')).count === 0);
  } finally {
    await worker.kill();
    await receiver.close();
  }
}, 180_000);
