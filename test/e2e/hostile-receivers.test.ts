import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { HostileServer } from '../helpers/hostile-servers';
import { HOSTILE_KINDS, startHostileServer } from '../helpers/hostile-servers';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// Receivers that misbehave in every way a socket can, beside one that behaves, all at once on one
// worker. What each one's attempt records (timeout, connection error, the first 1 KB of an endless
// 200) is test/unit/attempt-outcomes.test.ts; here, that together they hold nothing up.
const servers: HostileServer[] = [];
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await stack?.stop();
});

test('slow, resetting, garbage-speaking and endless receivers neither stall a healthy endpoint nor bloat the worker', async () => {
  const healthy = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const noRetry = { delays_seconds: [] };
    const bad: Record<string, { id: string }> = {};
    for (const kind of HOSTILE_KINDS) {
      const server = await startHostileServer(kind);
      servers.push(server);
      bad[kind] = await createEndpoint(stack, tenant, {
        url: server.url,
        // Stuck behind this one, a healthy delivery would wait out its 2 s.
        ...(kind === 'hangs' ? { timeout_seconds: 2 } : {}),
        retry_policy: noRetry,
      });
    }
    await createEndpoint(stack, tenant, { url: healthy.url });
    const rssBefore = process.memoryUsage().rss;

    const sentAt = new Map<string, number>();
    const accepted: Array<{ endpoint_id: string; delivery_id: string }> = [];
    for (let i = 0; i < 30; i++) {
      const started = Date.now();
      const { deliveries } = await sendSignal(stack, tenant);
      accepted.push(...deliveries);
      for (const d of deliveries) sentAt.set(d.delivery_id, started);
    }
    await healthy.waitFor(30, 30_000);
    const latencies = healthy.requests.map(
      (r) => r.at - sentAt.get(String(r.headers['x-signal-push-delivery-id']))!,
    );
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(2_000);
    expect(latencies[latencies.length - 1]).toBeLessThan(10_000);

    // The endless receivers' 30 answers have all been read (their first 1 KB each) before the
    // worker's growth is measured.
    const endless = accepted.filter((d) => d.endpoint_id === bad.endless!.id);
    for (const { delivery_id } of endless) {
      expect((await settledDelivery(stack, tenant, delivery_id)).status).toBe('delivered');
    }
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(growthMb).toBeLessThan(200);
  } finally {
    await healthy.close();
  }
}, 120_000);
