import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { run } from '../../src/cli/main';
import { createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

let stack: Stack;
let healthy: Receiver;
let failing: Receiver;
let gated: Receiver;
let release: () => void;
beforeAll(async () => {
  const held = new Promise<void>((resolve) => (release = resolve));
  [stack, healthy, failing, gated] = await Promise.all([
    startStack(),
    startReceiver(),
    startReceiver(() => ({ status: 500, body: 'boom' })),
    // Holds every request until the test lets them through.
    startReceiver(() => ({ until: held })),
  ]);
});
afterAll(async () => {
  release?.();
  await Promise.all([healthy, failing, gated].map((receiver) => receiver?.close()));
  await stack?.stop();
});

const oneRetry = { max_retries: 1, interval_seconds: 30, backoff: 'fixed' };

async function cli(...args: string[]) {
  const result = { code: -1, stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (result.stdout += text) },
    stderr: { write: (text: string) => (result.stderr += text) },
  };
  result.code = await run(['node', 'signal-push', ...args, '--address', inject('temporalAddress')], io);
  return result;
}

test('a receipt names each endpoint with its status and attempts, and ?wait answers once all are final', async () => {
  const tenant = await createTenant(stack);
  const ok = await createEndpoint(stack, tenant, { url: healthy.url });
  const failed = await createEndpoint(stack, tenant, { url: failing.url, retry_policy: oneRetry });
  const dead = await createEndpoint(stack, tenant, {
    url: failing.url,
    retry_policy: oneRetry,
    dead_letter_queue: true,
  });
  const slow = await createEndpoint(stack, tenant, { url: gated.url, timeout_seconds: 30 });
  const { signal_id: signalId } = await sendSignal(stack, tenant);
  const path = `/v1/signals/${signalId}`;

  // The gated receiver holds its delivery open, so a short wait ends with the receipt incomplete.
  const early = await stack.api.request('GET', `${path}?wait=500ms`, { key: tenant.key });
  expect(early.status).toBe(200);
  expect(early.body.complete).toBe(false);
  expect(early.body.deliveries.map((d: { endpoint_id: string }) => d.endpoint_id).sort()).toEqual(
    [ok.id, failed.id, dead.id, slow.id].sort(),
  );
  const slowEarly = early.body.deliveries.find((d: { endpoint_id: string }) => d.endpoint_id === slow.id);
  expect(slowEarly).toMatchObject({ final: false, attempt_count: 0, completed_at: null });

  // A long wait answers once the last delivery ends, long before the wait would run out.
  const started = Date.now();
  const waiting = stack.api.request('GET', `${path}?wait=30s`, { key: tenant.key });
  await gated.waitFor(1);
  release();
  const done = await waiting;
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(done.status).toBe(200);
  const byEndpoint = Object.fromEntries(
    done.body.deliveries.map((d: { endpoint_id: string }) => [d.endpoint_id, d]),
  );
  expect(done.body).toMatchObject({
    signal_id: signalId,
    tenant_id: tenant.id,
    complete: true,
    delivered: 2,
  });
  expect(byEndpoint[ok.id]).toMatchObject({
    status: 'delivered',
    final: true,
    attempt_count: 1,
    last_attempt: { http_status: 200, error_kind: null },
  });
  expect(byEndpoint[failed.id]).toMatchObject({
    status: 'failed',
    final: true,
    attempt_count: 2,
    last_attempt: { http_status: 500, error_kind: 'non_2xx' },
  });
  expect(byEndpoint[dead.id]).toMatchObject({ status: 'dead_lettered', final: true, attempt_count: 2 });
  expect(byEndpoint[slow.id]).toMatchObject({ status: 'delivered', attempt_count: 1 });

  // The platform reads the same receipt with the operator key, naming the tenant; so does the CLI.
  const asOperator = await stack.api.request('GET', `${path}?tenant_id=${tenant.id}`, {
    key: stack.operatorKey,
  });
  // What a finished delivery shows never changes; a dead letter's detail may come from its search
  // attributes when its query is slow, so the comparison keeps to what both sources give.
  const settled = (receipt: { deliveries: Array<Record<string, unknown>> }) =>
    receipt.deliveries.map(({ endpoint_id, status, final, attempt_count }) => ({
      endpoint_id,
      status,
      final,
      attempt_count,
    }));
  expect(asOperator.body.complete).toBe(true);
  expect(settled(asOperator.body)).toEqual(settled(done.body));
  const shown = await cli('signals', 'show', signalId, '--tenant', tenant.id, '--wait', '10s', '--json');
  expect(shown, shown.stderr).toMatchObject({ code: 0, stderr: '' });
  expect(settled(JSON.parse(shown.stdout))).toEqual(settled(done.body));
  const table = await cli('signals', 'show', signalId, '--tenant', tenant.id);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/complete\s+yes/);
  expect(table.stdout).toMatch(new RegExp(`${failed.id}\\s+\\S+\\s+failed\\s+yes\\s+2\\s+500`));
});

test('receipts refuse bad waits, stay within their tenant, and 404 an unknown signal', async () => {
  const [tenant, other] = await Promise.all([createTenant(stack), createTenant(stack)]);
  await createEndpoint(stack, tenant, { url: healthy.url });
  const { signal_id: signalId } = await sendSignal(stack, tenant);
  const get = (query: string, key = tenant.key) =>
    stack.api.request('GET', `/v1/signals/${signalId}${query}`, { key });

  for (const wait of ['10', 'abc', '31s', '-1s', '1m']) {
    const res = await get(`?wait=${wait}`);
    expect(res.status, wait).toBe(400);
    expect(res.body.error.fields).toEqual([
      { field: 'query.wait', problem: expect.stringContaining('duration') },
    ]);
  }
  expect((await get('?wait=1s&wait=2s')).status).toBe(400);
  expect((await get('?colour=red')).body.error.code).toBe('validation_failed');
  expect((await get('', stack.operatorKey)).body.error.fields).toEqual([
    { field: 'query.tenant_id', problem: 'is required with the operator key' },
  ]);
  expect((await get(`?tenant_id=${other.id}`)).body.error.fields[0].field).toBe('query.tenant_id');
  expect((await get('', 'not-a-key')).status).toBe(401);
  // Another tenant's key finds nothing of this tenant's signal.
  expect((await get('', other.key)).status).toBe(404);
  expect((await get('')).status).toBe(200);
  expect((await stack.api.request('GET', '/v1/signals/no_such_signal', { key: tenant.key })).status).toBe(
    404,
  );
  expect((await stack.api.request('GET', '/v1/signals/bad%20id', { key: tenant.key })).status).toBe(404);

  const badWait = await cli('signals', 'show', signalId, '--tenant', tenant.id, '--wait', '5 minutes');
  expect(badWait.code).toBe(2);
  expect(badWait.stderr.trim().split('\n')).toHaveLength(1);
  expect((await cli('signals', 'show', 'no_such_signal', '--tenant', tenant.id)).code).toBe(4);
  expect((await cli('signals', 'show', signalId, '--tenant', other.id)).code).toBe(4);
});
