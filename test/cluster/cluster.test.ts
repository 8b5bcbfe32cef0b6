import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inject } from 'vitest';
import os from 'node:os';
import { sampleSignal } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant } from '../helpers/fixtures';
import type { Cluster } from '../helpers/cluster';
import { testCluster } from '../helpers/cluster';
import { historyOf } from '../helpers/history';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';

// Against the cluster's own processes: one API, two workers, Temporal and PostgreSQL, each its own
// OS process, which these tests kill. Every test sends signals through the API the way a client
// that follows the API's promise does: a signal whose intake failed is sent again, same signal_id.

let cluster: Cluster;
let client: Client;
let connection: Connection;
beforeAll(async () => {
  cluster = await testCluster();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(() => connection?.close());

/** A tenant with one endpoint at a fresh receiver that answers 200. */
async function setUp(): Promise<{ tenant: TestTenant; receiver: Receiver }> {
  const tenant = await createTenant(cluster);
  const receiver = await startReceiver();
  await createEndpoint(cluster, tenant, { url: receiver.url });
  return { tenant, receiver };
}

/** Intakes refused or unanswered during the current test: the outage as a client saw it. */
let refusedIntakes = 0;

/** Sends one signal until the API accepts it (202), and returns its delivery id. */
async function sendUntilAccepted(tenant: TestTenant, signalId: string): Promise<string> {
  for (;;) {
    try {
      const res = await cluster.api.request('POST', '/v1/signals', {
        key: cluster.operatorKey,
        body: { tenant_id: tenant.id, ...sampleSignal({ signal_id: signalId }) },
      });
      if (res.status === 202) return res.body.deliveries[0].delivery_id;
    } catch {
      // The API itself may be unreachable for a moment; the signal is sent again.
    }
    refusedIntakes += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Sends `count` signals, `concurrency` at a time, calling `midway` once a third of the deliveries
 * have arrived; resolves with the delivery ids once all were accepted.
 */
async function sendAll(
  tenant: TestTenant,
  receiver: Receiver,
  count: number,
  midway: () => Promise<void> = async () => {},
): Promise<string[]> {
  const prefix = `sig_${Date.now().toString(36)}`;
  refusedIntakes = 0;
  const ids: string[] = [];
  let next = 0;
  const sending = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const n = next++;
        ids[n] = await sendUntilAccepted(tenant, `${prefix}_${n}`);
      }
    }),
  );
  await receiver.waitFor(Math.ceil(count / 3), 120_000);
  await midway();
  await sending;
  return ids;
}

/** Waits until every delivery id has arrived at least once; returns how many arrived twice or more. */
async function everyDeliveryArrives(receiver: Receiver, ids: string[]): Promise<number> {
  const expected = new Set(ids);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const arrived = receiver.requests.map((r) => String(r.headers['x-signal-push-delivery-id']));
    const distinct = new Set(arrived);
    if ([...expected].every((id) => distinct.has(id))) {
      expect([...distinct].filter((id) => !expected.has(id))).toEqual([]);
      return arrived.length - distinct.size;
    }
    if (Date.now() > deadline) {
      const missing = [...expected].filter((id) => !distinct.has(id));
      throw new Error(`${missing.length} of ${expected.size} deliveries never arrived, e.g. ${missing[0]}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('deliveries the API process starts are executed by both worker processes', async () => {
  const { tenant, receiver } = await setUp();
  try {
    const ids = await sendAll(tenant, receiver, 40);
    await everyDeliveryArrives(receiver, ids);
    const identities = new Set<string>();
    for (const id of ids) {
      for (const event of await historyOf(client, id)) {
        const identity = event.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    // The TypeScript SDK names a worker pid@hostname.
    const workers = [await cluster.pidOf('worker-1'), await cluster.pidOf('worker-2')];
    expect([...identities].sort()).toEqual(workers.map((pid) => `${pid}@${os.hostname()}`).sort());
  } finally {
    await receiver.close();
  }
});

test('a worker process killed mid-run loses no delivery: the other one takes its work over', async () => {
  const { tenant, receiver } = await setUp();
  try {
    const ids = await sendAll(tenant, receiver, 300, () => cluster.restart('worker-1', 'SIGKILL'));
    const duplicates = await everyDeliveryArrives(receiver, ids);
    console.log(
      `worker killed: ${refusedIntakes} intakes refused and sent again; 300 deliveries arrived, ${duplicates} of them twice or more`,
    );
  } finally {
    await receiver.close();
  }
}, 300_000);

test('restarting the Temporal server mid-run loses no delivery', async () => {
  const { tenant, receiver } = await setUp();
  try {
    const ids = await sendAll(tenant, receiver, 300, () => cluster.restart('temporal', 'SIGTERM'));
    const duplicates = await everyDeliveryArrives(receiver, ids);
    console.log(
      `Temporal restarted: ${refusedIntakes} intakes refused and sent again; 300 deliveries arrived, ${duplicates} of them twice or more`,
    );
  } finally {
    await receiver.close();
  }
}, 300_000);

test('restarting PostgreSQL mid-run loses no delivery', async () => {
  const { tenant, receiver } = await setUp();
  try {
    // SIGINT is PostgreSQL's fast shutdown: sessions are cut, as in a restart or a failover.
    const ids = await sendAll(tenant, receiver, 300, () => cluster.restart('postgres', 'SIGINT'));
    const duplicates = await everyDeliveryArrives(receiver, ids);
    console.log(
      `PostgreSQL restarted: ${refusedIntakes} intakes refused and sent again; 300 deliveries arrived, ${duplicates} of them twice or more`,
    );
  } finally {
    await receiver.close();
  }
}, 300_000);
