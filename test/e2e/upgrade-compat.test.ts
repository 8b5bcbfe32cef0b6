import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hashApiKey, newTenantApiKey } from '../../src/auth/api-keys';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { createEndpoint, createTenant, sampleSignal, settledDelivery } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

test('a delivery started by the previous version (no kind, rejection or rate limit; one secret) is still delivered, signed as then', async () => {
  const receiver = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: receiver.url });
    const signal = { signal_id: 'sig_from_before', ...sampleSignal() };
    const deliveryId = `dlv_${endpoint.id}_${signal.signal_id}`;
    const secret = 'the-secret-of-an-older-endpoint';
    // The input exactly as the version before event types and presets recorded it.
    await stack.service.client.workflow.start('deliveryWorkflow', {
      workflowId: deliveryId,
      taskQueue: stack.taskQueue,
      typedSearchAttributes: [
        { key: searchAttributes.tenantId, value: tenant.id },
        { key: searchAttributes.endpointId, value: endpoint.id },
        { key: searchAttributes.signalId, value: signal.signal_id },
      ],
      args: [
        {
          deliveryId,
          tenantId: tenant.id,
          signalId: signal.signal_id,
          plan: {
            endpoint: {
              id: endpoint.id,
              url: receiver.url,
              secret,
              signatureHeader: 'X-PQ-Signature',
              timeoutMs: 5_000,
            },
            retryDelaysMs: [10],
            deadLetterQueue: false,
            deadLetterRetentionMs: 60_000,
          },
          payload: signal,
          endpointTroubled: false,
        },
      ],
    });
    const delivery = await settledDelivery(stack, tenant, deliveryId);
    expect(delivery.status).toBe('delivered');
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['x-pq-signature']).toBe(
      crypto.createHmac('sha256', secret).update(request!.rawBody).digest('hex'),
    );
    expect(JSON.parse(request!.rawBody.toString())).toEqual(signal);
  } finally {
    await receiver.close();
  }
});

test('a tenant and endpoint saved by the previous version read with defaults and take signals as before', async () => {
  const receiver = await startReceiver();
  try {
    const tenantId = `ten_${crypto.randomBytes(8).toString('hex')}`;
    const key = newTenantApiKey(tenantId);
    const endpointId = `ep_${crypto.randomBytes(8).toString('hex')}`;
    const now = new Date().toISOString();
    // The records exactly as the version before plans, presets and signature schemes stored them.
    await stack.service.client.workflow.start('tenantWorkflow', {
      workflowId: `tenant-${tenantId}`,
      taskQueue: stack.taskQueue,
      args: [
        {
          tenant: {
            id: tenantId,
            name: 'Old',
            owner_email: null,
            api_key_hash: hashApiKey(key),
            created_at: now,
          },
          endpoints: {
            [endpointId]: {
              id: endpointId,
              tenant_id: tenantId,
              url: receiver.url,
              label: 'old one',
              enabled: true,
              secret: 'the-secret-of-an-older-endpoint',
              filters: { signal_types: [], icp_profile_names: [], classifications: [], min_icp_score: null },
              retry_policy: null,
              timeout_seconds: 30,
              pause_threshold: 20,
              dead_letter_queue: false,
              health: { paused: null, failing: false },
              created_at: now,
              updated_at: now,
            },
          },
        },
      ],
    });
    const shown = await stack.api.request('GET', `/v1/endpoints/${endpointId}`, { key });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ event_types: ['*'], envelope: 'flat', rate_limit_per_minute: null });
    const accepted = await stack.api.request('POST', '/v1/signals', {
      key: stack.operatorKey,
      body: { tenant_id: tenantId, ...sampleSignal() },
    });
    expect(accepted.status).toBe(202);
    const delivery = await settledDelivery(
      stack,
      { id: tenantId, key },
      accepted.body.deliveries[0].delivery_id,
    );
    expect(delivery.status).toBe('delivered');
    expect(receiver.requests[0]!.headers['x-pq-signature']).toBe(
      crypto
        .createHmac('sha256', 'the-secret-of-an-older-endpoint')
        .update(receiver.requests[0]!.rawBody)
        .digest('hex'),
    );
  } finally {
    await receiver.close();
  }
});
