import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// Receivers that misbehave in every way a socket can, beside one that behaves.
const servers: Array<{ close(): unknown; closeAllConnections?(): void }> = [];
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections?.();
    server.close();
  }
  await stack?.stop();
});

async function listen(server: net.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`;
}

const hangs = () => listen(http.createServer(() => undefined));
const resets = () =>
  listen(net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy())));
const garbage = () =>
  listen(
    net.createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n\0\0garbage'))),
  );
/** Answers 200 and then streams forever, as fast as the client reads. */
const endless = () =>
  listen(
    http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    }),
  );

test('slow, resetting, garbage-speaking and endless receivers neither stall a healthy endpoint nor bloat the worker', async () => {
  const healthy = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const retry = { max_retries: 1, interval_seconds: 30, backoff: 'fixed' };
    const bad = {
      timeout: await createEndpoint(stack, tenant, {
        url: await hangs(),
        timeout_seconds: 2,
        retry_policy: retry,
      }),
      reset: await createEndpoint(stack, tenant, { url: await resets(), retry_policy: retry }),
      garbage: await createEndpoint(stack, tenant, { url: await garbage(), retry_policy: retry }),
      endless: await createEndpoint(stack, tenant, { url: await endless(), retry_policy: retry }),
    };
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
    // Stuck behind the hanging endpoint, a healthy delivery would wait out its 2 s timeout.
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(2_000);
    expect(latencies[latencies.length - 1]).toBeLessThan(10_000);

    const kinds = async (endpointId: string) => {
      const ids = accepted.filter((d) => d.endpoint_id === endpointId).slice(0, 3);
      const settled = await Promise.all(ids.map((d) => settledDelivery(stack, tenant, d.delivery_id)));
      return new Set(settled.flatMap((d) => d.attempts.map((a: any) => a.error_kind)));
    };
    expect(await kinds(bad.timeout.id)).toEqual(new Set(['timeout']));
    expect(await kinds(bad.reset.id)).toEqual(new Set(['connection_error']));
    expect(await kinds(bad.garbage.id)).toEqual(new Set(['connection_error']));
    // An endless 200 is still a 200: only the first 1 KB is read, then the connection is dropped.
    const endlessDelivery = await settledDelivery(
      stack,
      tenant,
      accepted.find((d) => d.endpoint_id === bad.endless.id)!.delivery_id,
    );
    expect(endlessDelivery.status).toBe('delivered');
    expect(endlessDelivery.attempts[0].response_body).toHaveLength(1024);

    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(growthMb).toBeLessThan(200);
  } finally {
    await healthy.close();
  }
}, 120_000);
