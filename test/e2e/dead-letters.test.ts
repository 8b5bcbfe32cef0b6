import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import { startReceiver, startSwitchableReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { replaySignal } from '../../workflows/delivery-contract';
import { signalsReceived } from '../helpers/history';
import { eventually, startStack } from '../helpers/stack';

// The dead-letter queue through the API. Endpoints here make a single attempt, so a failing delivery
// is a dead letter at once; rounds with retries, replays and expiry on real timers are the unit
// tier's (test/unit/dead-letter-rounds.test.ts). Two stacks: dead letters that wait long enough to be
// replayed, and ones that expire in 2 s.
let stack: Stack;
let shortLived: Stack;
beforeAll(async () => {
  [stack, shortLived] = await Promise.all([
    startStack({ SIGNAL_PUSH_DEAD_LETTER_RETENTION_SECONDS: '600' }),
    startStack({ SIGNAL_PUSH_DEAD_LETTER_RETENTION_SECONDS: '2' }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), shortLived?.stop()]);
});

/** One attempt and no retry: its round ends with its first failure. */
const noRetry = { delays_seconds: [] };

async function deliveryIn(on: Stack, tenant: TestTenant, id: string, status: string) {
  return eventually(async () => {
    const res = await on.api.request('GET', `/v1/deliveries/${id}`, { key: tenant.key });
    return res.body.status === status && res.body;
  });
}

/** An endpoint with the dead-letter queue on and no retry, so a failing delivery dead-letters at once. */
function dlqEndpoint(on: Stack, tenant: TestTenant, url: string) {
  return createEndpoint(on, tenant, { url, dead_letter_queue: true, retry_policy: noRetry });
}

async function deadLetter(on: Stack, tenant: TestTenant, endpointId: string) {
  const { deliveries } = await sendSignal(on, tenant);
  const id = deliveries.find((d) => d.endpoint_id === endpointId)!.delivery_id;
  return deliveryIn(on, tenant, id, 'dead_lettered');
}

test('with the dead-letter queue on, a delivery whose round failed waits as a dead letter and is listed', async () => {
  const { receiver } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await dlqEndpoint(stack, tenant, receiver.url);
    const delivery = await deadLetter(stack, tenant, endpoint.id);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.completed_at).toBeNull();
    expect(Date.parse(delivery.expires_at) - Date.parse(delivery.dead_lettered_at)).toBe(600_000);
    const listed = await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/dead-letters?endpoint_id=${endpoint.id}`, {
        key: tenant.key,
      });
      return res.body.dead_letters.length === 1 && res.body.dead_letters;
    });
    expect(listed[0]).toMatchObject({ id: delivery.id, status: 'dead_lettered', endpoint_id: endpoint.id });
  } finally {
    await receiver.close();
  }
});

test("a replay runs a fresh round under the endpoint's current URL and ends delivered", async () => {
  const { receiver } = await startSwitchableReceiver({ status: 500 });
  const moved = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const endpoint = await dlqEndpoint(stack, tenant, receiver.url);
    const delivery = await deadLetter(stack, tenant, endpoint.id);
    await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { url: moved.url },
    });

    const replay = await stack.api.request('POST', `/v1/deliveries/${delivery.id}/replay`, {
      key: tenant.key,
    });
    expect(replay.status).toBe(202);
    const done = await deliveryIn(stack, tenant, delivery.id, 'delivered');
    expect(done.replays).toBe(1);
    expect(done.attempts.map((a: any) => a.attempt)).toEqual([1, 2]);
    expect(moved.requests).toHaveLength(1);
    expect(moved.requests[0]!.headers['x-signal-push-delivery-id']).toBe(delivery.id);
    expect(receiver.requests).toHaveLength(1);

    const again = await stack.api.request('POST', `/v1/deliveries/${delivery.id}/replay`, {
      key: tenant.key,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_dead_lettered');
  } finally {
    await receiver.close();
    await moved.close();
  }
});

test('a replay that fails again dead-letters the delivery again', async () => {
  const { receiver } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await dlqEndpoint(stack, tenant, receiver.url);
    const delivery = await deadLetter(stack, tenant, endpoint.id);
    await stack.api.request('POST', `/v1/deliveries/${delivery.id}/replay`, { key: tenant.key });
    const again = await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/deliveries/${delivery.id}`, { key: tenant.key });
      return res.body.status === 'dead_lettered' && res.body.replays === 1 && res.body;
    });
    expect(again.attempts).toHaveLength(2);
  } finally {
    await receiver.close();
  }
});

test('replaying an endpoint replays each of its dead letters, and only those since the time given', async () => {
  const { receiver, set } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await dlqEndpoint(stack, tenant, receiver.url);
    const older = await deadLetter(stack, tenant, endpoint.id);
    // Taken once the older one is a dead letter; the newer ones are dead-lettered after it.
    const since = new Date().toISOString();
    const newer = await Promise.all([
      deadLetter(stack, tenant, endpoint.id),
      deadLetter(stack, tenant, endpoint.id),
    ]);
    await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/dead-letters?endpoint_id=${endpoint.id}`, {
        key: tenant.key,
      });
      return res.body.dead_letters.length === 3;
    });
    set({ status: 200 });

    const partial = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/replay`, {
      key: tenant.key,
      body: { since },
    });
    expect(partial.status).toBe(202);
    expect(partial.body.delivery_ids.sort()).toEqual(newer.map((d) => d.id).sort());
    for (const d of newer) await deliveryIn(stack, tenant, d.id, 'delivered');
    expect(
      (await stack.api.request('GET', `/v1/deliveries/${older.id}`, { key: tenant.key })).body.status,
    ).toBe('dead_lettered');

    const rest = await eventually(async () => {
      const res = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/replay`, { key: tenant.key });
      return res.body.replayed === 1 && res.body;
    });
    expect(rest.delivery_ids).toEqual([older.id]);
    await deliveryIn(stack, tenant, older.id, 'delivered');
  } finally {
    await receiver.close();
  }
});

test("another tenant's dead letter cannot be listed or replayed", async () => {
  const { receiver } = await startSwitchableReceiver({ status: 500 });
  try {
    const owner = await createTenant(stack);
    const other = await createTenant(stack);
    const endpoint = await dlqEndpoint(stack, owner, receiver.url);
    const delivery = await deadLetter(stack, owner, endpoint.id);
    const replay = await stack.api.request('POST', `/v1/deliveries/${delivery.id}/replay`, {
      key: other.key,
    });
    expect(replay.status).toBe(404);
    const listed = await stack.api.request('GET', '/v1/dead-letters', { key: other.key });
    expect(listed.body.dead_letters).toEqual([]);
    // A replay signal would be in the history by the time the 404 came back: there is none.
    expect(await signalsReceived(stack.service.client, delivery.id, replaySignal.name)).toBe(0);
    const still = await stack.api.request('GET', `/v1/deliveries/${delivery.id}`, { key: owner.key });
    expect(still.body).toMatchObject({ status: 'dead_lettered', replays: 0 });
  } finally {
    await receiver.close();
  }
});

test('a dead letter nobody replays expires when its retention runs out', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  try {
    const tenant = await createTenant(shortLived);
    const endpoint = await dlqEndpoint(shortLived, tenant, receiver.url);
    const delivery = await deadLetter(shortLived, tenant, endpoint.id);
    const expired = await deliveryIn(shortLived, tenant, delivery.id, 'expired');
    expect(expired.completed_at).not.toBeNull();
    const replay = await shortLived.api.request('POST', `/v1/deliveries/${delivery.id}/replay`, {
      key: tenant.key,
    });
    expect(replay.status).toBe(409);
  } finally {
    await receiver.close();
  }
});

test('with the dead-letter queue off, an exhausted delivery ends as failed and is not a dead letter', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: receiver.url, retry_policy: noRetry });
    const { deliveries } = await sendSignal(stack, tenant);
    const failed = await deliveryIn(stack, tenant, deliveries[0]!.delivery_id, 'failed');
    expect(failed.completed_at).not.toBeNull();
    // Once visibility lists it as failed, a dead-letter listing reads the same state.
    await eventually(async () => {
      const all = await stack.api.request('GET', `/v1/deliveries?endpoint_id=${endpoint.id}&status=failed`, {
        key: tenant.key,
      });
      return all.body.deliveries.length === 1;
    });
    const listed = await stack.api.request('GET', `/v1/dead-letters?endpoint_id=${endpoint.id}`, {
      key: tenant.key,
    });
    expect(listed.body.dead_letters).toEqual([]);
  } finally {
    await receiver.close();
  }
});
