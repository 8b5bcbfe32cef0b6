import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tenantWorkflowId } from '../../workflows/ids';
import { tenantWorkflow } from '../../workflows/tenant';
import {
  ENDPOINT_QUOTA_REACHED,
  HARD_MAX_ENDPOINTS,
  endpointIndexQuery,
  registerEndpointUpdate,
  removeEndpointUpdate,
} from '../../workflows/tenant-contract';
import type { EndpointIndexEntry } from '../../workflows/tenant-contract';
import { maxSizeEndpoint } from '../helpers/max-endpoint';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

// The API's path to a full tenant (a thousand endpoint creations, each two workflow starts and this
// update) is many-endpoints.test.ts, at a smaller plan by default; here the tenant workflow itself
// holds the hard maximum, every entry at its largest.

let stack: TimeSkippingStack;
beforeAll(async () => {
  stack = await startTimeSkipping();
});
afterAll(() => stack?.stop());

const endpointId = (i: number) => `ep_${i.toString(16).padStart(24, '0')}`;

/** An index entry as large as it gets: the longest label, a paused endpoint that is failing. */
const largestEntry = (i: number): EndpointIndexEntry => ({
  label: maxSizeEndpoint(i, 'http://127.0.0.1:1/', false).label as string,
  revision: 1_000_000 + i,
  health: { paused: { reason: 'failure_streak', at: new Date(0).toISOString() }, failing: true },
});

test(`a tenant's workflow holds ${HARD_MAX_ENDPOINTS} endpoints with the largest entries and refuses one more`, async () => {
  const tenant = {
    id: `ten_${randomBytes(8).toString('hex')}`,
    name: 'Thousand',
    plan: { max_endpoints: HARD_MAX_ENDPOINTS, rate_limit_per_minute: null },
    callback_secret: 's'.repeat(64),
    owner_email: `${'o'.repeat(200)}@example.com`,
    api_key_hash: '0'.repeat(64),
    created_at: new Date().toISOString(),
  };
  const endpointIndex = Object.fromEntries(
    Array.from({ length: HARD_MAX_ENDPOINTS - 1 }, (_, i) => [endpointId(i), largestEntry(i)]),
  );
  await stack.withWorker(async () => {
    const handle = await stack.client.workflow.start(tenantWorkflow, {
      workflowId: tenantWorkflowId(tenant.id),
      taskQueue: stack.taskQueue,
      args: [{ tenant, endpointIndex }],
    });
    const last = HARD_MAX_ENDPOINTS - 1;
    // The state's size bound would refuse this one first if a full index did not fit in it.
    await handle.executeUpdate(registerEndpointUpdate, {
      args: [{ id: endpointId(last), ...largestEntry(last) }],
    });
    const refused = await handle
      .executeUpdate(registerEndpointUpdate, {
        args: [{ id: endpointId(HARD_MAX_ENDPOINTS), ...largestEntry(HARD_MAX_ENDPOINTS) }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: ENDPOINT_QUOTA_REACHED });

    // A removed endpoint frees its place.
    await handle.executeUpdate(removeEndpointUpdate, { args: [{ id: endpointId(7) }] });
    await handle.executeUpdate(registerEndpointUpdate, {
      args: [{ id: endpointId(HARD_MAX_ENDPOINTS), ...largestEntry(HARD_MAX_ENDPOINTS) }],
    });
    const listed = await handle.query(endpointIndexQuery);
    expect(listed).toHaveLength(HARD_MAX_ENDPOINTS);
    expect(listed.some((entry) => entry.id === endpointId(7))).toBe(false);
    expect(listed.some((entry) => entry.id === endpointId(HARD_MAX_ENDPOINTS))).toBe(true);
    await handle.terminate();
  });
});
