import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

/** One sample's value from a Prometheus text exposition, by metric name and labels; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('the API process', () => {
  let stack: Stack;
  let receiver: Receiver;
  let failing: Receiver;
  beforeAll(async () => {
    stack = await startStack();
    receiver = await startReceiver();
    failing = await startReceiver(() => ({ status: 503 }));
  });
  afterAll(async () => {
    await receiver?.close();
    await failing?.close();
    await stack?.stop();
  });

  test('/readyz names each check for the roles it runs: Temporal, namespace, search attributes, worker', async () => {
    const res = await stack.api.request('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ready: true,
      status: 'ok',
      temporal: 'ok',
      namespace: 'ok',
      search_attributes: 'ok',
      worker: 'ok',
      tenants_unavailable: 0,
    });
  });

  test('/readyz answers a burst of probes from one round of checks, and checks afresh a second later', async () => {
    const describeNamespace = vi.spyOn(stack.service.client.workflowService, 'describeNamespace');
    try {
      const burst = await Promise.all(Array.from({ length: 20 }, () => stack.api.request('GET', '/readyz')));
      expect(burst.map((res) => res.status)).toEqual(Array(20).fill(200));
      // One round, or two when the burst straddles the second (the previous test's may still serve).
      expect(describeNamespace.mock.calls.length).toBeLessThanOrEqual(2);
      const before = describeNamespace.mock.calls.length;
      await sleep(1_100);
      expect((await stack.api.request('GET', '/readyz')).body.ready).toBe(true);
      expect(describeNamespace.mock.calls.length).toBe(before + 1);
    } finally {
      describeNamespace.mockRestore();
    }
  });

  test('/metrics counts intake, deliveries by outcome, attempts by status class, retries, pauses and resumes, with no id in any label', async () => {
    const tenant = await createTenant(stack);
    const good = await createEndpoint(stack, tenant, { url: receiver.url });
    const bad = await createEndpoint(stack, tenant, {
      url: failing.url,
      retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
    });
    const { deliveries } = await sendSignal(stack, tenant);
    for (const { delivery_id } of deliveries) await settledDelivery(stack, tenant, delivery_id);
    await stack.api.request('POST', `/v1/endpoints/${good.id}/pause`, { key: tenant.key });
    await stack.api.request('POST', `/v1/endpoints/${good.id}/resume`, { key: tenant.key });

    // The workflows' counters reach the runtime's exporter on its next export.
    const text = await eventually(async () => {
      const scraped = await scrape(stack.service.apiUrl!);
      return sample(scraped, 'signal_push_endpoint_resumes_total') >= 1 && scraped;
    });
    expect(sample(text, 'signal_push_http_requests_total', { route: '/v1/signals', status: '202' })).toBe(1);
    expect(sample(text, 'signal_push_http_request_duration_seconds_count', { route: '/v1/signals' })).toBe(1);
    expect(sample(text, 'signal_push_deliveries_started_total', { kind: 'event' })).toBe(2);
    expect(sample(text, 'signal_push_delivery_attempts_total', { status_class: '2xx' })).toBe(1);
    expect(
      sample(text, 'signal_push_delivery_attempts_total', { status_class: '5xx', error_kind: 'non_2xx' }),
    ).toBe(2);
    expect(sample(text, 'signal_push_delivery_attempt_duration_seconds_count', { status_class: '5xx' })).toBe(
      2,
    );
    expect(sample(text, 'signal_push_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(sample(text, 'signal_push_deliveries_total', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'signal_push_delivery_retries_total')).toBe(1);
    expect(sample(text, 'signal_push_endpoint_pauses_total', { reason: 'manual' })).toBe(1);
    // The Temporal SDK's own metrics come with the same scrape.
    expect(text).toMatch(/^temporal_workflow_completed_total\{/m);
    // A route's pattern, never its path: no id of a tenant, endpoint or delivery is a label.
    for (const id of [tenant.id, good.id, bad.id, deliveries[0]!.delivery_id]) expect(text).not.toContain(id);
    expect(sample(text, 'signal_push_http_requests_total', { route: '/v1/endpoints/:id/pause' })).toBe(1);
  });
});

describe('a worker-only process', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SIGNAL_PUSH_ROLE: 'api' });
  });
  afterAll(() => stack?.stop());

  test('serves /healthz, /readyz and /metrics on its ops port, with the attempts it made', async () => {
    const worker = await startWorkerChild(stack.taskQueue);
    const receiver = await startReceiver();
    try {
      expect((await fetch(`${worker.opsUrl}/healthz`)).status).toBe(200);
      const ready = await fetch(`${worker.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      // No tenants here: only the API knows them.
      expect(await ready.json()).toEqual({
        ready: true,
        status: 'ok',
        temporal: 'ok',
        namespace: 'ok',
        search_attributes: 'ok',
        worker: 'ok',
      });

      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, { url: receiver.url });
      const { deliveries } = await sendSignal(stack, tenant);
      await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
      const text = await scrape(worker.opsUrl);
      expect(sample(text, 'signal_push_delivery_attempts_total', { status_class: '2xx' })).toBe(1);
      // The API process started it; only the worker made the attempt.
      expect(sample(await scrape(stack.service.apiUrl!), 'signal_push_delivery_attempts_total')).toBe(0);
    } finally {
      await worker.kill();
      await receiver.close();
    }
  });
});
