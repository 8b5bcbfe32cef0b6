import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { startDevServer } from '../../src/temporal/dev-server';
import {
  createEndpoint,
  createTenant,
  sampleSignal,
  settledDelivery,
  SETTLE_AFTER_RESTART_MS,
} from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import { freePorts } from '../helpers/free-port';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';
import { startWorkerChild } from '../helpers/worker-child';

// How many signals the worker crash run sends; each goes to two endpoints. The worker dies after a
// quarter of the deliveries arrived, with the rest in flight or still to come; FAULT_TEST_SIGNALS=1000
// makes a longer soak of it.
const SIGNALS = Number(process.env.FAULT_TEST_SIGNALS ?? 60);
// The server restart run sends this many: enough that intake is still under way when the server
// stops a third of the way in.
const RESTART_SIGNALS = 75;

/** Sends `count` signals, 20 at a time, retrying a 5xx as the platform must (same signal_id). */
async function sendMany(
  stack: Stack,
  tenant: TestTenant,
  count: number,
  prefix: string,
  progress = { accepted: 0 },
): Promise<number> {
  let next = 0;
  let retried = 0;
  const sendOne = async (i: number) => {
    for (;;) {
      const res = await stack.api
        .request('POST', '/v1/signals', {
          key: stack.operatorKey,
          body: { tenant_id: tenant.id, ...sampleSignal({ signal_id: `${prefix}_${i}` }) },
        })
        .catch(() => ({ status: 599 }));
      if (res.status === 202) {
        progress.accepted += 1;
        return;
      }
      retried += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) await sendOne(next++);
    }),
  );
  return retried;
}

/** Counts what receivers got, per delivery id. */
function tally(requests: Array<{ headers: Record<string, unknown> }>) {
  const perDelivery = new Map<string, number>();
  for (const request of requests) {
    const id = String(request.headers['x-signal-push-delivery-id']);
    perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
  }
  const duplicates = [...perDelivery.values()].reduce((sum, n) => sum + n - 1, 0);
  return { distinct: perDelivery.size, duplicates };
}

// Each test runs on a service of its own (an API here with workers in child processes, or a whole
// stack on a Temporal server of its own), so no test's worker takes up another's deliveries and the
// three wait out their timeouts and restarts side by side.
const apiOnly = () => startStack({ SIGNAL_PUSH_ROLE: 'api' });

describe.concurrent('faults', () => {
  test(`a worker killed in the middle of ${SIGNALS * 2} deliveries loses none; duplicates keep their delivery id`, async () => {
    const stack = await apiOnly();
    const receiver = await startReceiver();
    let worker = await startWorkerChild(stack.taskQueue);
    try {
      const tenant = await createTenant(stack);
      // A delivery whose task was in flight on the killed worker is taken up after its task timeout,
      // which covers the endpoint's timeout: short endpoints, short wait.
      await createEndpoint(stack, tenant, { url: receiver.url, timeout_seconds: 2 });
      await createEndpoint(stack, tenant, { url: `${receiver.url}?second`, timeout_seconds: 2 });
      const sending = sendMany(stack, tenant, SIGNALS, 'sig_crash');
      await receiver.waitFor(Math.floor(SIGNALS / 2), 120_000);
      await worker.kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      worker = await startWorkerChild(stack.taskQueue);
      await sending;

      await eventually(async () => tally(receiver.requests).distinct === SIGNALS * 2, 240_000);
      const { distinct, duplicates } = tally(receiver.requests);
      console.log(
        `worker crash: ${distinct} deliveries received, ${duplicates} duplicates (same delivery id)`,
      );
      expect(distinct).toBe(SIGNALS * 2);
      const deliveredCount = await eventually(async () => {
        const { count } = await stack.service.client.workflow.count(
          `WorkflowType = 'deliveryWorkflow' AND TenantId = '${tenant.id}' AND DeliveryStatus = 'delivered'`,
        );
        return count === SIGNALS * 2 && count;
      }, 60_000);
      expect(deliveredCount).toBe(SIGNALS * 2);
    } finally {
      await worker.kill();
      await receiver.close();
      await stack.stop();
    }
  }, 400_000);

  test('SIGTERM lets the attempt in flight finish: it is delivered once, not cut off and redone', async () => {
    let answered = 0;
    const stack = await apiOnly();
    const worker = await startWorkerChild(stack.taskQueue);
    try {
      const tenant = await createTenant(stack);
      // The receiver holds the request for 2 s; SIGTERM arrives while it does.
      const { url } = await slowServer(2000, () => (answered += 1));
      await createEndpoint(stack, tenant, { url });
      const res = await stack.api.request('POST', '/v1/signals', {
        key: stack.operatorKey,
        body: { tenant_id: tenant.id, ...sampleSignal() },
      });
      await eventually(async () => slowRequests.length === 1);
      const exitCode = await worker.terminate();
      expect(exitCode).toBe(0);
      expect(answered).toBe(1);
      const restarted = await startWorkerChild(stack.taskQueue);
      try {
        const delivery = await settledDelivery(
          stack,
          tenant,
          res.body.deliveries[0].delivery_id,
          SETTLE_AFTER_RESTART_MS,
        );
        expect(delivery.status).toBe('delivered');
        expect(delivery.attempts).toHaveLength(1);
        expect(slowRequests).toHaveLength(1);
      } finally {
        await restarted.kill();
      }
    } finally {
      await worker.kill();
      await closeSlowServer();
      await stack.stop();
    }
  }, 120_000);

  test('a restart of the Temporal server mid-run loses no accepted signal', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-restart-'));
    const [port, uiPort] = (await freePorts(2)) as [number, number];
    const serverOptions = {
      cliPath: inject('temporalCliPath'),
      port,
      uiPort,
      namespace: 'default',
      dbFile: path.join(dataDir, 'temporal.db'),
    };
    let server = await startDevServer(serverOptions);
    const own = await startStack({ TEMPORAL_ADDRESS: server.address });
    const receiver = await startReceiver();
    const count = RESTART_SIGNALS;
    try {
      const tenant = await createTenant(own);
      await createEndpoint(own, tenant, { url: receiver.url });
      // Stop the server while intake is still under way, so some signals meet it down and are retried.
      const progress = { accepted: 0 };
      const sending = sendMany(own, tenant, count, 'sig_restart', progress);
      await eventually(async () => progress.accepted >= count / 3, 120_000);
      await server.stop();
      const acceptedWhileUp = progress.accepted;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      server = await startDevServer(serverOptions);
      const retried = await sending;
      await eventually(async () => tally(receiver.requests).distinct === count, 240_000);
      const { duplicates } = tally(receiver.requests);
      // Calls made while the server was down wait in the client's retries (or are retried by us).
      console.log(
        `server restart: ${acceptedWhileUp}/${count} accepted before the stop, ${count} delivered, ` +
          `${duplicates} duplicates, ${retried} intake retries`,
      );
      expect(acceptedWhileUp).toBeLessThan(count);
    } finally {
      await own.stop();
      await receiver.close();
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 400_000);
});

const slowRequests: number[] = [];
let slowHttp: http.Server | undefined;
async function slowServer(holdMs: number, onAnswer: () => void): Promise<{ url: string }> {
  slowHttp = http.createServer((req, res) => {
    slowRequests.push(Date.now());
    req.resume();
    setTimeout(() => {
      res.end('ok');
      onAnswer();
    }, holdMs);
  });
  await new Promise<void>((resolve) => slowHttp!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(slowHttp.address() as AddressInfo).port}/slow` };
}
async function closeSlowServer() {
  slowHttp?.closeAllConnections();
  await new Promise((resolve) => slowHttp?.close(resolve));
}
