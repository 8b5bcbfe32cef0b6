import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  UNLIMITED_PLAN,
  createEndpoint,
  createTenant,
  sendSignal,
  settledDelivery,
} from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver, startSwitchableReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// A real SMTP server and a real operational-event receiver on loopback.
const OPS_SECRET = 'ops-secret-0123456789abcdef';
const mails: ParsedMail[] = [];
let smtp: SMTPServer;
let ops: Receiver;
let stack: Stack;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  ops = await startReceiver();
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    SMTP_FROM: 'signal-push <alerts@signal-push.test>',
    SIGNAL_PUSH_OPS_WEBHOOK_URL: ops.url,
    SIGNAL_PUSH_OPS_WEBHOOK_SECRET: OPS_SECRET,
  });
});
afterAll(async () => {
  await stack?.stop();
  await ops?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const endpointState = async (tenant: TestTenant, id: string) =>
  (await stack.api.request('GET', `/v1/endpoints/${id}`, { key: tenant.key })).body;

const deliveryStatus = async (tenant: TestTenant, id: string) =>
  (await stack.api.request('GET', `/v1/deliveries/${id}`, { key: tenant.key })).body.status;

/**
 * One attempt and no retry: a failing delivery fails at once. That a delivery with retries counts
 * once, and the streak rules on their own, are test/unit/endpoint-pause-rules.test.ts.
 */
const noRetry = { delays_seconds: [] };

test('pauses the endpoint at exactly the 3rd consecutive failed delivery when its threshold is 3', async () => {
  const { receiver } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, {
      url: receiver.url,
      pause_threshold: 3,
      retry_policy: noRetry,
    });
    for (const n of [1, 2]) {
      const { deliveries } = await sendSignal(stack, tenant);
      expect((await settledDelivery(stack, tenant, deliveries[0]!.delivery_id)).status).toBe('failed');
      const state = await eventually(async () => {
        const current = await endpointState(tenant, endpoint.id);
        return current.consecutive_failures === n && current;
      });
      expect(state.health.paused).toBeNull();
    }
    const { deliveries } = await sendSignal(stack, tenant);
    await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
    const paused = await eventually(async () => {
      const current = await endpointState(tenant, endpoint.id);
      return current.health.paused && current;
    });
    expect(paused.health.paused.reason).toBe('failure_streak');
    expect(paused.consecutive_failures).toBe(3);
  } finally {
    await receiver.close();
  }
});

test('a success resets the streak, so failures must be consecutive to pause', async () => {
  const { receiver, set } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, {
      url: receiver.url,
      pause_threshold: 3,
      retry_policy: noRetry,
    });
    const deliverOne = async () => {
      const { deliveries } = await sendSignal(stack, tenant);
      return (await settledDelivery(stack, tenant, deliveries[0]!.delivery_id)).status;
    };
    expect([await deliverOne(), await deliverOne()]).toEqual(['failed', 'failed']);
    await eventually(async () => (await endpointState(tenant, endpoint.id)).consecutive_failures === 2);
    set({ status: 200 });
    expect(await deliverOne()).toBe('delivered');
    await eventually(async () => (await endpointState(tenant, endpoint.id)).consecutive_failures === 0);
    set({ status: 500 });
    expect([await deliverOne(), await deliverOne()]).toEqual(['failed', 'failed']);
    const state = await eventually(async () => {
      const current = await endpointState(tenant, endpoint.id);
      return current.consecutive_failures === 2 && current;
    });
    expect(state.health.paused).toBeNull();
  } finally {
    await receiver.close();
  }
});

test('while paused, new and retrying deliveries are held; on resume each is delivered once and the streak restarts', async () => {
  const { receiver, set } = await startSwitchableReceiver({ status: 500 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, {
      url: receiver.url,
      retry_policy: { max_retries: 3, interval_seconds: 30, backoff: 'fixed' },
    });
    // One delivery fails its first attempt and is waiting to retry when the endpoint is paused.
    const retrying = (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id;
    await receiver.waitFor(1);
    const pause = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/pause`, { key: tenant.key });
    expect(pause.status).toBe(200);
    expect(pause.body.paused.reason).toBe('manual');
    set({ status: 200 });
    const fresh = [];
    for (let i = 0; i < 3; i++) fresh.push((await sendSignal(stack, tenant)).deliveries[0]!.delivery_id);

    for (const id of [retrying, ...fresh]) {
      await eventually(async () => (await deliveryStatus(tenant, id)) === 'held');
    }
    expect(receiver.requests).toHaveLength(1);
    expect((await endpointState(tenant, endpoint.id)).held_deliveries).toBe(4);

    const resume = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/resume`, {
      key: tenant.key,
    });
    expect(resume.body).toMatchObject({ paused: null, consecutive_failures: 0 });
    for (const id of [retrying, ...fresh]) {
      expect((await settledDelivery(stack, tenant, id)).status).toBe('delivered');
    }
    // Every delivery's workflow has ended delivered: the receiver has seen all it will see.
    const deliveredIds = receiver.requests.slice(1).map((r) => r.headers['x-signal-push-delivery-id']);
    expect(deliveredIds.sort()).toEqual([retrying, ...fresh].sort());
  } finally {
    await receiver.close();
  }
});

test('a 410 Gone pauses the endpoint at once and holds the delivery instead of retrying', async () => {
  const { receiver, set } = await startSwitchableReceiver({ status: 410 });
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: receiver.url });
    const id = (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id;
    await eventually(async () => (await deliveryStatus(tenant, id)) === 'held');
    const state = await endpointState(tenant, endpoint.id);
    expect(state.health.paused.reason).toBe('gone');
    // Held: the workflow waits for the endpoint's resume and makes no attempt meanwhile.
    expect((await stack.api.request('GET', `/v1/deliveries/${id}`, { key: tenant.key })).body).toMatchObject({
      status: 'held',
      attempt_count: 1,
    });
    expect(receiver.requests).toHaveLength(1);

    set({ status: 200 });
    await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/resume`, { key: tenant.key });
    const delivery = await settledDelivery(stack, tenant, id);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a: any) => a.http_status)).toEqual([410, 200]);
  } finally {
    await receiver.close();
  }
});

test('the owner is e-mailed and the operator gets signed endpoint.paused and endpoint.resumed events', async () => {
  const { receiver } = await startSwitchableReceiver({ status: 503 });
  try {
    const res = await stack.api.request('POST', '/v1/tenants', {
      key: stack.operatorKey,
      body: { name: 'Notified', owner_email: 'owner@customer.test', plan: UNLIMITED_PLAN },
    });
    const tenant = { id: res.body.id, key: res.body.api_key };
    const endpoint = await createEndpoint(stack, tenant, {
      url: receiver.url,
      label: 'Data warehouse pipeline',
      pause_threshold: 1,
      retry_policy: noRetry,
    });
    await sendSignal(stack, tenant);

    const pausedMail = await eventually(async () =>
      mails.find((m) => m.subject?.includes('Data warehouse pipeline') && m.subject.includes('paused')),
    );
    expect(pausedMail.to && 'text' in pausedMail.to ? pausedMail.to.text : '').toContain(
      'owner@customer.test',
    );
    expect(pausedMail.subject).toContain('1 consecutive failed deliver');
    expect(pausedMail.text).toContain(`/v1/endpoints/${endpoint.id}/resume`);
    expect(pausedMail.text).not.toContain(receiver.url);

    const pausedEvent = await eventually(async () =>
      ops.requests.find((r) => JSON.parse(r.rawBody.toString()).endpoint_id === endpoint.id),
    );
    const body = JSON.parse(pausedEvent.rawBody.toString());
    expect(body).toMatchObject({
      type: 'endpoint.paused',
      tenant_id: tenant.id,
      endpoint_id: endpoint.id,
      endpoint_label: 'Data warehouse pipeline',
      reason: 'failure_streak',
      consecutive_failures: 1,
      threshold: 1,
    });
    const expected = crypto.createHmac('sha256', OPS_SECRET).update(pausedEvent.rawBody).digest('hex');
    expect(pausedEvent.headers['x-signal-push-signature']).toBe(expected);

    await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/resume`, { key: tenant.key });
    await eventually(async () =>
      mails.find((m) => m.subject?.includes('Data warehouse pipeline') && m.subject.includes('resumed')),
    );
    await eventually(async () =>
      ops.requests.some((r) => {
        const event = JSON.parse(r.rawBody.toString());
        return event.endpoint_id === endpoint.id && event.type === 'endpoint.resumed';
      }),
    );
  } finally {
    await receiver.close();
  }
});

test("pause and resume answer 404 for another tenant's endpoint and change nothing", async () => {
  const owner = await createTenant(stack);
  const other = await createTenant(stack);
  const endpoint = await createEndpoint(stack, owner, { url: 'http://127.0.0.1:9/closed' });
  for (const action of ['pause', 'resume', 'replay']) {
    const res = await stack.api.request('POST', `/v1/endpoints/${endpoint.id}/${action}`, { key: other.key });
    expect(res.status).toBe(404);
  }
  expect((await endpointState(owner, endpoint.id)).health.paused).toBeNull();
});
