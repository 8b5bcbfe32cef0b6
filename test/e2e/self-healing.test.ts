import { afterAll, beforeAll, expect, test } from 'vitest';
import { hmacHex } from '../../activities/signature-schemes';
import { deadLetterReplayWorkflowId } from '../../workflows/endpoint-recovery-contract';
import { createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import { historyOf } from '../helpers/history';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

const OPS_SECRET = 'ops-secret-self-healing-0123';
let stack: Stack;
let ops: Receiver;
let flaky: Receiver;
let healed = false;
beforeAll(async () => {
  [ops, flaky] = await Promise.all([
    startReceiver(),
    startReceiver(() => (healed ? { status: 200 } : { status: 500, body: 'down' })),
  ]);
  stack = await startStack({
    // Probes a second apart, and replays 120 a minute: the whole recovery plays out in seconds.
    SIGNAL_PUSH_PROBE_SCHEDULE_SECONDS: '1',
    SIGNAL_PUSH_RECOVERY_REPLAYS_PER_MINUTE: '120',
    SIGNAL_PUSH_OPS_WEBHOOK_URL: ops.url,
    SIGNAL_PUSH_OPS_WEBHOOK_SECRET: OPS_SECRET,
  });
});
afterAll(async () => {
  await Promise.all([ops?.close(), flaky?.close()]);
  await stack?.stop();
});

const isProbe = (request: { headers: Record<string, unknown> }) =>
  request.headers['x-signal-push-probe'] === '1';

test('an endpoint paused by its failures is probed, resumes once it answers, sends its held delivery and replays its dead letters oldest first, and its owner is told', async () => {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, {
    url: flaky.url,
    pause_threshold: 2,
    dead_letter_queue: true,
    retry_policy: { delays_seconds: [] },
  });
  const get = (path: string) => stack.api.request('GET', path, { key: tenant.key });
  expect((await get(`/v1/endpoints/${endpoint.id}`)).body.auto_resume).toBe(true);

  // Two signals fail their one attempt: two dead letters, and the streak of two pauses the endpoint.
  const first = await sendSignal(stack, tenant);
  await get(`/v1/signals/${first.signal_id}?wait=30s`);
  const second = await sendSignal(stack, tenant);
  await get(`/v1/signals/${second.signal_id}?wait=30s`);
  const paused = await eventually(async () => {
    const body = (await get(`/v1/endpoints/${endpoint.id}`)).body;
    return body.health.paused?.reason === 'failure_streak' && body;
  });
  // A third is held while it is paused.
  const third = await sendSignal(stack, tenant);
  const heldId = third.deliveries[0]!.delivery_id;
  await eventually(async () => (await get(`/v1/deliveries/${heldId}`)).body.status === 'held');

  // Probes come while it is down, marked and signed like its deliveries; then it comes back.
  await eventually(async () => flaky.requests.some(isProbe));
  expect((await get(`/v1/endpoints/${endpoint.id}`)).body.health.paused?.reason).toBe('failure_streak');
  const probe = flaky.requests.find(isProbe)!;
  expect(JSON.parse(probe.rawBody.toString())).toMatchObject({
    type: 'signal_push.probe',
    endpoint_id: endpoint.id,
  });
  expect(probe.headers['x-pq-signature']).toBe(hmacHex(endpoint.secret, probe.rawBody));
  healed = true;

  // Every delivery of the three signals reaches it: the held one, and both dead letters replayed
  // (a dead letter is final to a receipt, so those are watched until delivered).
  const held = (await get(`/v1/signals/${third.signal_id}?wait=30s`)).body;
  expect(held.deliveries).toMatchObject([{ status: 'delivered' }]);
  const replayed = [first, second].map((signal) => signal.deliveries[0]!.delivery_id);
  for (const id of replayed) {
    const delivery = await eventually(async () => {
      const body = (await get(`/v1/deliveries/${id}`)).body;
      return body.status === 'delivered' && body;
    });
    expect(delivery).toMatchObject({ replays: 1, attempt_count: 2 });
  }
  const health = (await get(`/v1/endpoints/${endpoint.id}`)).body;
  expect(health).toMatchObject({ health: { paused: null }, consecutive_failures: 0 });

  // The replay of the outage went oldest first.
  const replay = deadLetterReplayWorkflowId(endpoint.id, paused.health.paused.at);
  const signalled = (await historyOf(stack.service.client, replay))
    .map(
      (event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId,
    )
    .filter(Boolean);
  expect(signalled).toEqual(replayed);

  // The switch is the owner's: PATCH turns it off and on again (on, it is signalled to the workflow).
  for (const autoResume of [false, true]) {
    const patched = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { auto_resume: autoResume },
    });
    expect(patched.body.auto_resume).toBe(autoResume);
  }
  const bad = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
    key: tenant.key,
    body: { auto_resume: 'yes' },
  });
  expect(bad.body.error.fields).toEqual([{ field: 'auto_resume', problem: expect.any(String) }]);

  // The owner's channels heard of the pause and of the recovery.
  const notices = await eventually(async () => {
    const mine = ops.requests
      .map((request) => JSON.parse(request.rawBody.toString()))
      .filter((notice) => notice.endpoint_id === endpoint.id);
    return mine.length >= 2 && mine;
  });
  expect(notices).toEqual([
    expect.objectContaining({ type: 'endpoint.paused', reason: 'failure_streak' }),
    expect.objectContaining({ type: 'endpoint.resumed', reason: 'recovered' }),
  ]);
});
