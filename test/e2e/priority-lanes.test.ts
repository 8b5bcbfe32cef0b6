import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AcceptedEvent } from '../../src/deliveries/render-for-endpoint';
import type { DeliverySettings } from '../../src/deliveries/start-deliveries';
import { startDeliveries } from '../../src/deliveries/start-deliveries';
import { TenantStore } from '../../src/store/tenant-store';
import { createEndpoint, createTenant, sampleSignal } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

// The API runs here; the worker in a child process, so the test can queue deliveries with no worker
// polling and see in what order a worker started afterwards takes them.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_ROLE: 'api' });
});
afterAll(() => stack?.stop());

const BACKLOG = 20;

test("a hot signal overtakes its tenant's queued cold backlog, and another tenant's signal is not starved by it", async () => {
  let worker = await startWorkerChild(stack.taskQueue);
  const receiver = await startReceiver();
  try {
    const flooding = await createTenant(stack, 'Flood');
    const other = await createTenant(stack, 'Other');
    const refused = await stack.api.request('POST', '/v1/endpoints', {
      key: flooding.key,
      body: { url: receiver.url, hot_when: { classifications: ['urgent'] } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
      'hot_when.classifications.0',
    ]);
    // Unsigned, so the records read below carry everything a delivery needs.
    await createEndpoint(stack, flooding, { url: `${receiver.url}?t=flood`, secret: null });
    await createEndpoint(stack, other, { url: `${receiver.url}?t=other`, secret: null });
    // The intake's reads need a worker (tenants live in workflows): they are made now and reused.
    const store = new TenantStore(stack.service.client, stack.taskQueue);
    const records = async (tenantId: string) => ({
      tenant: (await store.get(tenantId))!,
      endpoints: await store.listEndpoints(tenantId),
    });
    const [flood, quiet] = [await records(flooding.id), await records(other.id)];
    expect(flood.endpoints[0]!.hot_when).toEqual({
      classifications: ['hot'],
      priorities: ['high'],
      min_icp_score: null,
    });
    await worker.kill();

    const settings: DeliverySettings = {
      taskQueue: stack.taskQueue,
      signatureHeader: 'X-PQ-Signature',
      retryDelayScale: 0.01,
      deadLetterRetentionMs: 60_000,
      maxPayloadBytes: 256 * 1024,
    };
    const starts = { client: stack.service.client, eager: false };
    const accept = (to: typeof flood, id: string, classification: string) => {
      const event: AcceptedEvent = {
        id,
        type: 'buying_signal',
        occurredAt: new Date().toISOString(),
        data: sampleSignal({ classification, signal_id: id }),
      };
      return startDeliveries(starts, settings, to.tenant, event, to.endpoints);
    };
    // In this order, each started before the next: the backlog, then the other tenant's cold
    // signal, then the flooding tenant's hot one.
    for (let i = 0; i < BACKLOG; i++) await accept(flood, `sig_cold_${i}`, 'cold');
    await accept(quiet, 'sig_other_cold', 'cold');
    await accept(flood, 'sig_hot', 'hot');

    // Two deliveries at a time (the fewest a worker takes): they reach the receiver in about the
    // order Temporal handed them out.
    worker = await startWorkerChild(stack.taskQueue, { SIGNAL_PUSH_WORKER_DELIVERY_SLOTS: '2' });
    const arrived = (await receiver.waitFor(BACKLOG + 2, 180_000)).map(
      (request) => JSON.parse(request.rawBody.toString()).signal_id as string,
    );
    expect(new Set(arrived).size).toBe(BACKLOG + 2);
    // In arrival order both would come last. Temporal orders tasks within each of the task queue's
    // partitions, not across them, so "first" would be too strict: ahead of most of the backlog is
    // what priority and fairness promise.
    expect(arrived.indexOf('sig_hot')).toBeLessThan(BACKLOG / 3);
    expect(arrived.indexOf('sig_other_cold')).toBeLessThan(BACKLOG / 3);
  } finally {
    await worker.kill();
    await receiver.close();
  }
}, 240_000);
