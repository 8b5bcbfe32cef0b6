import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { hashApiKey, newTenantApiKey } from '../../src/auth/api-keys';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import { tenantWorkflowId } from '../../workflows/ids';
import { legacyEndpointsQuery } from '../../workflows/tenant-contract';
import {
  createEndpointUpdate,
  deleteEndpointUpdate,
  patchEndpointUpdate,
  setEndpointHealthUpdate,
} from '../fixtures/previous-version/tenant-workflow';
import { sampleSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { TEST_CODEC_KEYS, startStack } from '../helpers/stack';

const taskQueue = `upgrade-${randomBytes(6).toString('hex')}`;
const tenantId = `ten_${randomBytes(8).toString('hex')}`;
const key = newTenantApiKey(tenantId);
const dataConverter = createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS)));
let receiver: Receiver;
let stack: Stack | undefined;

function endpoint(id: string, label: string, now: string) {
  return {
    id,
    tenant_id: tenantId,
    preset: null,
    url: `${receiver.url}?${label.replace(/\W/g, '')}`,
    label,
    enabled: true,
    method: 'POST',
    headers: {},
    event_types: ['*'],
    filters: { signal_types: [], icp_profile_names: [], classifications: [], min_icp_score: null },
    envelope: 'flat',
    payload_format: { include: [], exclude: [], flatten: false, extra: {} },
    signature: { scheme: 'hex', header: 'X-PQ-Signature', body_field: null },
    secret: `secret-of-${id}`,
    previous_secret: null,
    retry_policy: null,
    timeout_seconds: 10,
    pause_threshold: 20,
    rate_limit_per_minute: null,
    https_only: false,
    dead_letter_queue: false,
    health: { paused: null, failing: false },
    created_at: now,
    updated_at: now,
  };
}

/**
 * The previous version's worker runs a tenant's workflow and takes its endpoint writes (a create
 * its quota refuses, a rename, a delete, a pause mirrored), then stops, as at an upgrade.
 */
async function runPreviousVersion(): Promise<{ kept: string; renamed: string }> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const clientConnection = await Connection.connect({ address: inject('temporalAddress') });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(__dirname, '../fixtures/previous-version/tenant-workflow.ts'),
    dataConverter,
  });
  const client = new Client({ connection: clientConnection, dataConverter });
  const now = new Date().toISOString();
  const ids = ['ep_0000000000000a01', 'ep_0000000000000a02', 'ep_0000000000000a03', 'ep_0000000000000a04'];
  try {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('tenantWorkflow', {
        workflowId: tenantWorkflowId(tenantId),
        taskQueue,
        args: [
          {
            tenant: {
              id: tenantId,
              name: 'Upgraded',
              plan: { max_endpoints: 3, rate_limit_per_minute: null },
              callback_secret: null,
              owner_email: null,
              api_key_hash: hashApiKey(key),
              created_at: now,
            },
            endpoints: {},
          },
        ],
      });
      for (const [i, id] of ids.slice(0, 3).entries()) {
        await handle.executeUpdate(createEndpointUpdate, {
          args: [{ endpoint: endpoint(id, `hook ${i}`, now) }],
        });
      }
      await expect(
        handle.executeUpdate(createEndpointUpdate, {
          args: [{ endpoint: endpoint(ids[3]!, 'over quota', now) }],
        }),
      ).rejects.toThrow();
      await handle.executeUpdate(patchEndpointUpdate, {
        args: [{ id: ids[1]!, patch: { label: 'renamed' }, updatedAt: now }],
      });
      await handle.executeUpdate(deleteEndpointUpdate, { args: [{ id: ids[2]! }] });
      await handle.executeUpdate(setEndpointHealthUpdate, {
        args: [{ id: ids[1]!, health: { paused: { reason: 'manual', at: now }, failing: false } }],
      });
    });
  } finally {
    await clientConnection.close();
    await connection.close();
  }
  return { kept: ids[0]!, renamed: ids[1]! };
}

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

test('a tenant run by the previous version keeps its endpoints, renames, deletes and health after the upgrade, and they move to workflows of their own', async () => {
  const { kept, renamed } = await runPreviousVersion();
  stack = await startStack({ TEMPORAL_TASK_QUEUE: taskQueue });

  // The new worker replays the old run's history (its updates) and answers from the same state.
  const listed = await stack.api.request('GET', '/v1/endpoints', { key });
  expect(listed.status).toBe(200);
  expect(listed.body.endpoints.map((e: { id: string; label: string }) => [e.id, e.label])).toEqual([
    [kept, 'hook 0'],
    [renamed, 'renamed'],
  ]);
  expect(listed.body.endpoints[1].health.paused).toMatchObject({ reason: 'manual' });
  const handle = stack.service.client.workflow.getHandle(tenantWorkflowId(tenantId));
  expect(await handle.query(legacyEndpointsQuery)).toEqual([]);

  // Writes and intake work on the moved endpoints, and the tenant's rules still count them.
  const patched = await stack.api.request('PATCH', `/v1/endpoints/${kept}`, {
    key,
    body: { label: 'first' },
  });
  expect(patched.status).toBe(200);
  const clash = await stack.api.request('PATCH', `/v1/endpoints/${kept}`, {
    key,
    body: { label: 'Renamed' },
  });
  expect(clash.status).toBe(409);
  const third = await stack.api.request('POST', '/v1/endpoints', { key, body: { url: receiver.url } });
  expect(third.status).toBe(201);
  const fourth = await stack.api.request('POST', '/v1/endpoints', { key, body: { url: receiver.url } });
  expect(fourth.body.error?.code).toBe('endpoint_quota_reached');

  const accepted = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    body: { tenant_id: tenantId, ...sampleSignal() },
  });
  expect(accepted.status).toBe(202);
  const toKept = accepted.body.deliveries.find((d: { endpoint_id: string }) => d.endpoint_id === kept);
  expect((await settledDelivery(stack, { id: tenantId, key }, toKept.delivery_id)).status).toBe('delivered');
  // The moved endpoint still signs with the secret the previous version saved.
  const request = receiver.requests.find((received) => received.path.includes('hook0'));
  expect(request!.headers['x-pq-signature']).toBe(
    createHmac('sha256', `secret-of-${kept}`).update(request!.rawBody).digest('hex'),
  );
}, 120_000);
