import express from 'express';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventTypeSpec } from '../../../src/events';
import { closedAfterEachTest } from '../../helpers/cleanup';
import { createEndpoint, createTenant } from '../../helpers/fixtures';
import type { TestTenant } from '../../helpers/fixtures';
import type { Stack } from '../../helpers/stack';
import { startStack } from '../../helpers/stack';
import { changed, startPageReceiver } from './page-receivers';
import type { PageReceiver } from './page-receivers';

// The 'standard' preset: Standard Webhooks (standardwebhooks.com), which none of the seed products
// offers, checked with the specification's own TypeScript library.

// No help page to restate here: the catalog's sample lead will do.
const LEAD = eventTypeSpec('lead.created')!.sample();
const OCCURRED_AT = '2025-05-10T14:32:00.000Z';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());
const closeAfterTest = closedAfterEachTest();

/**
 * A receiver as the library's README has it: the raw body and the request's headers into
 * `new Webhook(secret).verify(...)`, which throws when they do not verify. The keyring holds the
 * secret the receiver has been given, which a rotation changes.
 */
async function startStandardReceiver(keyring: { secret: string }) {
  const payloads: unknown[] = [];
  const receiver = await startPageReceiver('/webhooks', (app) => {
    app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
      try {
        payloads.push(new Webhook(keyring.secret).verify(req.body, req.headers as Record<string, string>));
      } catch {
        res.status(400).send('invalid webhook');
        return;
      }
      res.sendStatus(204);
    });
  });
  return closeAfterTest({ ...receiver, payloads });
}

async function sendLead(tenant: TestTenant) {
  const res = await stack.api.request('POST', '/v1/events', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, type: 'lead.created', occurred_at: OCCURRED_AT, data: LEAD },
  });
  expect(res.status).toBe(202);
  expect(res.body.deliveries).toHaveLength(1);
}

/** Sends one event and returns the request it became, once the receiver has answered it. */
async function deliverOne(tenant: TestTenant, receiver: PageReceiver) {
  const before = receiver.received.length;
  await sendLead(tenant);
  return (await receiver.waitFor(before + 1))[before]!;
}

async function rotate(tenant: TestTenant, endpointId: string, body: Record<string, unknown>) {
  const res = await stack.api.request('POST', `/v1/endpoints/${endpointId}/rotate-secret`, {
    key: tenant.key,
    body,
  });
  expect(res.status).toBe(200);
  return res.body as { secret: string; previous_secret_expires_at: string | null };
}

describe('Standard Webhooks (preset standard)', () => {
  test('signs with webhook-id, webhook-timestamp and webhook-signature, which standardwebhooks verifies', async () => {
    const keyring = { secret: '' };
    const receiver = await startStandardReceiver(keyring);
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { preset: 'standard', url: receiver.url });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    keyring.secret = endpoint.secret;

    const sentAt = Math.floor(Date.now() / 1000);
    const delivered = await deliverOne(tenant, receiver);
    expect(delivered.status).toBe(204);
    expect(receiver.payloads).toEqual([{ type: 'lead.created', timestamp: OCCURRED_AT, data: LEAD }]);
    expect(delivered.headers['content-type']).toBe('application/json');
    expect(delivered.headers['webhook-id']).toBe(delivered.headers['x-signal-push-delivery-id']);
    expect(Math.abs(Number(delivered.headers['webhook-timestamp']) - sentAt)).toBeLessThanOrEqual(5);
    expect(delivered.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);

    // The library refuses a changed body, and the untouched one under another secret.
    const tampered = changed(delivered.rawBody, '"guests":120', '"guests":121');
    expect(await receiver.replay(delivered, { body: tampered })).toBe(400);
    const stranger = await startStandardReceiver({
      secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
    });
    expect(await stranger.replay(delivered)).toBe(400);
    expect(await receiver.replay(delivered)).toBe(204);
  });

  test('after a rotation, during the overlap, receivers holding the old and the new secret both verify', async () => {
    const current = { secret: '' };
    const receiver = await startStandardReceiver(current);
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { preset: 'standard', url: receiver.url });
    const oldSecret = endpoint.secret;

    const rotatedAt = Date.now();
    const rotated = await rotate(tenant, endpoint.id, {});
    expect(rotated.secret).not.toBe(oldSecret);
    // Standard Webhooks endpoints keep the old secret a day unless told otherwise.
    const overlapMs = Date.parse(rotated.previous_secret_expires_at!) - rotatedAt;
    expect(Math.abs(overlapMs - 24 * 60 * 60 * 1000)).toBeLessThan(60_000);
    current.secret = rotated.secret;

    const delivered = await deliverOne(tenant, receiver);
    expect(delivered.status).toBe(204);
    expect(String(delivered.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const stillOld = await startStandardReceiver({ secret: oldSecret });
    expect(await stillOld.replay(delivered)).toBe(204);
  });

  test('after a rotation with overlap_seconds 0 only the new secret verifies', async () => {
    const current = { secret: '' };
    const receiver = await startStandardReceiver(current);
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { preset: 'standard', url: receiver.url });
    // First a rotation with the default overlap, so there are two older secrets to be dropped.
    const middle = await rotate(tenant, endpoint.id, {});
    const rotated = await rotate(tenant, endpoint.id, { overlap_seconds: 0 });
    expect(rotated.previous_secret_expires_at).toBeNull();
    current.secret = rotated.secret;

    const delivered = await deliverOne(tenant, receiver);
    expect(delivered.status).toBe(204);
    expect(String(delivered.headers['webhook-signature']).split(' ')).toHaveLength(1);
    for (const secret of [endpoint.secret, middle.secret]) {
      const old = await startStandardReceiver({ secret });
      expect(await old.replay(delivered)).toBe(400);
    }
  });
});
