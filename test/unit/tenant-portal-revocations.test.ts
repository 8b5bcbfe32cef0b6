import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tenantWorkflowId } from '../../workflows/ids';
import { tenantWorkflow } from '../../workflows/tenant';
import {
  MAX_PORTAL_REVOCATIONS,
  portalRevocationsQuery,
  revokePortalUpdate,
} from '../../workflows/tenant-contract';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

let stack: TimeSkippingStack;
beforeAll(async () => {
  stack = await startTimeSkipping();
});
afterAll(() => stack?.stop());

const tenant = () => {
  const id = `ten_${randomBytes(8).toString('hex')}`;
  return {
    id,
    name: 'Portal',
    plan: { max_endpoints: null, rate_limit_per_minute: null },
    callback_secret: null,
    owner_email: null,
    api_key_hash: '0'.repeat(64),
    created_at: new Date().toISOString(),
  };
};
const session = (i: number) => `ps_${i.toString(16).padStart(16, '0')}`;

test('the tenant keeps revoked portal links until they expire, and revoking all starts a new generation', async () => {
  await stack.withWorker(async () => {
    const record = tenant();
    const handle = await stack.client.workflow.start(tenantWorkflow, {
      workflowId: tenantWorkflowId(record.id),
      taskQueue: stack.taskQueue,
      args: [{ tenant: record, endpointIndex: {} }],
    });
    await expect(handle.query(portalRevocationsQuery)).resolves.toEqual({ sessions: {}, generation: 0 });
    const soon = new Date(Date.now() + 60_000).toISOString();
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await handle.executeUpdate(revokePortalUpdate, { args: [{ sessionId: session(1), expiresAt: soon }] });
    const both = await handle.executeUpdate(revokePortalUpdate, {
      args: [{ sessionId: session(2), expiresAt: later }],
    });
    expect(both).toEqual({ sessions: { [session(1)]: soon, [session(2)]: later }, generation: 0 });
    // Two minutes on, the first link has expired by itself: its entry goes with the next write.
    await stack.env.sleep(120_000);
    const pruned = await handle.executeUpdate(revokePortalUpdate, {
      args: [{ sessionId: session(3), expiresAt: later }],
    });
    expect(Object.keys(pruned.sessions).sort()).toEqual([session(2), session(3)]);
    const all = await handle.executeUpdate(revokePortalUpdate, { args: [{ all: true }] });
    expect(all).toEqual({ sessions: {}, generation: 1 });
    await handle.terminate();
  });
});

test('a full list of revocations turns the next one into revoking every link', async () => {
  await stack.withWorker(async () => {
    const record = tenant();
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const sessions = Object.fromEntries(
      Array.from({ length: MAX_PORTAL_REVOCATIONS }, (_, i) => [session(i), later]),
    );
    const handle = await stack.client.workflow.start(tenantWorkflow, {
      workflowId: tenantWorkflowId(record.id),
      taskQueue: stack.taskQueue,
      args: [{ tenant: record, endpointIndex: {}, portalRevocations: { sessions, generation: 4 } }],
    });
    const next = await handle.executeUpdate(revokePortalUpdate, {
      args: [{ sessionId: session(MAX_PORTAL_REVOCATIONS), expiresAt: later }],
    });
    expect(next).toEqual({ sessions: {}, generation: 5 });
    await handle.terminate();
  });
});
