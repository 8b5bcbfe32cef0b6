import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { run } from '../../src/cli/main';
import { tenantWorkflowId } from '../../workflows/ids';
import { endpointIndexQuery } from '../../workflows/tenant-contract';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { replaySignal } from '../../workflows/delivery-contract';
import { signalsReceived } from '../helpers/history';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
let healthy: Receiver;
const receivers: Receiver[] = [];
beforeAll(async () => {
  stack = await startStack();
  healthy = await startReceiver();
});
afterAll(async () => {
  await Promise.all([healthy, ...receivers].map((receiver) => receiver?.close()));
  await stack?.stop();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against `address`, with the stack's settings, collecting what it writes. */
async function cliAt(address: string, ...args: string[]): Promise<CliResult> {
  const result = { code: -1, stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (result.stdout += text) },
    stderr: { write: (text: string) => (result.stderr += text) },
  };
  // The stack's task queue: a tenant the CLI creates must be run by the stack's worker.
  const env = { ...process.env, TEMPORAL_TASK_QUEUE: stack.taskQueue };
  result.code = await run(['node', 'signal-push', ...args, '--address', address], io, env);
  return result;
}

const cli = (...args: string[]) => cliAt(inject('temporalAddress'), ...args);

const cliJson = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout);
};

/** Dead-letters a failed delivery after two attempts, ~1-2 s with the stack's delay scale. */
const DEAD_LETTER_QUICKLY = {
  dead_letter_queue: true,
  retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
};

/** A receiver that answers 500 until `heal()`, then 200. */
async function flakyReceiver() {
  let status = 500;
  const receiver = await startReceiver(() => ({ status, body: status === 500 ? 'boom' : 'ok' }));
  receivers.push(receiver);
  return {
    receiver,
    heal: () => {
      status = 200;
    },
  };
}

async function statusOf(tenant: TestTenant, deliveryId: string): Promise<string> {
  const res = await stack.api.request('GET', `/v1/deliveries/${deliveryId}`, { key: tenant.key });
  return res.body.status;
}

const reaches = (tenant: TestTenant, deliveryId: string, status: string) =>
  eventually(async () => (await statusOf(tenant, deliveryId)) === status);

/** A tenant with a dead-letter endpoint on a flaky receiver and `count` dead letters on it. */
async function deadLetters(count: number) {
  const tenant = await createTenant(stack);
  const flaky = await flakyReceiver();
  const endpoint = await createEndpoint(stack, tenant, { url: flaky.receiver.url, ...DEAD_LETTER_QUICKLY });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await sendSignal(stack, tenant)).deliveries[0]!.delivery_id);
  for (const id of ids) await reaches(tenant, id, 'dead_lettered');
  // Visibility is eventually consistent: wait until it lists them all.
  await eventually(async () => {
    const listed = await cliJson('dead-letters', 'list', '--endpoint', endpoint.id);
    return listed.dead_letters.length === count;
  });
  return { tenant, endpoint, ids, ...flaky };
}

const oneErrorLine = /^signal-push: [^\n]+\n$/;

// The tests run side by side, each on tenants of its own; the last, which counts the tenants
// created while it runs, runs alone after them.
// First in the file: pause and resume each send a notification whose activity reads the tenant
// workflow; one still in flight when the worker shuts down waits ~30 s for a query nobody polls.
test.concurrent('pause and resume change the endpoint, as the API shows', async () => {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: healthy.url });
  const pausedReason = async () =>
    (await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key })).body.health.paused
      ?.reason ?? null;

  const paused = await cli('pause', endpoint.id, '--tenant', tenant.id);
  expect(paused.code, paused.stderr).toBe(0);
  expect(paused.stdout).toMatch(/^state\s+paused \(manual since \S+\)$/m);
  expect(paused.stdout).toMatch(/^held deliveries\s+0$/m);
  // The tenant's mirror, which intake reads, says so as soon as the command returns.
  const index = await stack.service.client.workflow
    .getHandle(tenantWorkflowId(tenant.id))
    .query(endpointIndexQuery);
  expect(index.find((entry) => entry.id === endpoint.id)?.health.paused).toMatchObject({ reason: 'manual' });
  await eventually(async () => (await pausedReason()) === 'manual');

  const resumed = await cliJson('resume', endpoint.id, '--tenant', tenant.id);
  expect(resumed).toEqual({
    endpoint_id: endpoint.id,
    tenant_id: tenant.id,
    paused: null,
    consecutive_failures: 0,
    held_deliveries: 0,
  });
  await eventually(async () => (await pausedReason()) === null);
});

test.concurrent('deliveries list --json filters by tenant and status', async () => {
  const tenant = await createTenant(stack);
  const other = await createTenant(stack);
  const failing = await flakyReceiver();
  await createEndpoint(stack, tenant, { url: healthy.url });
  await createEndpoint(stack, tenant, {
    url: failing.receiver.url,
    retry_policy: DEAD_LETTER_QUICKLY.retry_policy,
  });
  await createEndpoint(stack, other, { url: healthy.url });
  const sent = await sendSignal(stack, tenant);
  const elsewhere = await sendSignal(stack, other);
  const settled = await Promise.all(
    sent.deliveries.map((d) => settledDelivery(stack, tenant, d.delivery_id)),
  );
  await settledDelivery(stack, other, elsewhere.deliveries[0]!.delivery_id);
  const delivered = settled.find((d) => d.status === 'delivered')!.id;
  const failed = settled.find((d) => d.status === 'failed')!.id;

  const list = (status: string) => cliJson('deliveries', 'list', '--tenant', tenant.id, '--status', status);
  const deliveredList = await eventually(async () => {
    const { deliveries } = await list('delivered');
    return deliveries.length > 0 && deliveries;
  });
  expect(deliveredList.map((d: any) => d.id)).toEqual([delivered]);
  expect(deliveredList[0]).toMatchObject({ tenant_id: tenant.id, status: 'delivered', attempt_count: 1 });
  const failedList = await eventually(async () => {
    const { deliveries } = await list('failed');
    return deliveries.length > 0 && deliveries;
  });
  expect(failedList.map((d: any) => d.id)).toEqual([failed]);
  expect(failedList[0]).toMatchObject({ tenant_id: tenant.id, status: 'failed', attempt_count: 2 });
});

test.concurrent('deliveries list --signal, --endpoint and --since narrow the list', async () => {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, { url: healthy.url });
  const first = await sendSignal(stack, tenant, { signal_id: `sig_cli_${Date.now()}` });
  await sendSignal(stack, tenant);
  const id = first.deliveries[0]!.delivery_id;
  const bySignal = await eventually(async () => {
    const { deliveries } = await cliJson('deliveries', 'list', '--signal', first.signal_id);
    return deliveries.length > 0 && deliveries;
  });
  expect(bySignal.map((d: any) => d.id)).toEqual([id]);
  expect(bySignal[0]).toMatchObject({ event_type: 'buying_signal', kind: 'event' });
  const table = await cli('deliveries', 'list', '--signal', first.signal_id);
  expect(table.stdout).toMatch(/^ID\s+TENANT\s+EVENT TYPE\s+KIND\s+STATUS/m);
  expect(table.stdout).toMatch(/buying_signal\s+event\s+/);
  const byEndpoint = await eventually(async () => {
    const { deliveries } = await cliJson('deliveries', 'list', '--endpoint', endpoint.id);
    return deliveries.length === 2 && deliveries;
  });
  expect(byEndpoint.map((d: any) => d.id)).toContain(id);
  const limited = await cliJson('deliveries', 'list', '--endpoint', endpoint.id, '--limit', '1');
  expect(limited.deliveries).toHaveLength(1);
  const recent = await cliJson(
    'deliveries',
    'list',
    '--endpoint',
    endpoint.id,
    '--since',
    '2000-01-01T00:00:00Z',
  );
  expect(recent.deliveries).toHaveLength(2);
  const future = await cliJson('deliveries', 'list', '--endpoint', endpoint.id, '--since', '2999-01-01');
  expect(future.deliveries).toEqual([]);
});

test.concurrent(
  'deliveries show prints every attempt with its status, latency, error kind and the first 80 characters of the body',
  async () => {
    const receiver = await startReceiver((request) =>
      request.n === 1 ? { status: 503, body: 'x'.repeat(200) } : { status: 200, body: 'thanks' },
    );
    receivers.push(receiver);
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, {
      url: receiver.url,
      retry_policy: DEAD_LETTER_QUICKLY.retry_policy,
    });
    const id = (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id;
    await settledDelivery(stack, tenant, id);

    const shown = await cli('deliveries', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+delivered$/m);
    expect(shown.stdout).toMatch(/^tenant\s+ten_/m);
    expect(shown.stdout).toMatch(/^event type\s+buying_signal$/m);
    expect(shown.stdout).toMatch(/^kind\s+event$/m);
    expect(shown.stdout).toMatch(
      new RegExp(`^\\s*1  \\S+\\s+503\\s+\\d+ ms  non_2xx\\s+${'x'.repeat(79)}…$`, 'm'),
    );
    expect(shown.stdout).toMatch(/^\s*2  \S+\s+200\s+\d+ ms  -\s+thanks$/m);
    expect(shown.stdout).not.toContain('x'.repeat(81));
    expect(shown.stdout).not.toContain('Alex Morgan');

    const detail = await cliJson('deliveries', 'show', id);
    expect(detail).toMatchObject({ id, tenant_id: tenant.id, status: 'delivered', attempt_count: 2 });
    expect(detail.attempts.map((a: any) => [a.http_status, a.error_kind])).toEqual([
      [503, 'non_2xx'],
      [200, null],
    ]);
    expect(detail.attempts[0].response_body).toBe('x'.repeat(200));
  },
);

test.concurrent('deliveries show of an unknown delivery exits 4', async () => {
  const result = await cli('deliveries', 'show', 'dlv_ep_0000000000000000_sig_nothing_here');
  expect(result.code).toBe(4);
  expect(result.stderr).toBe('signal-push: delivery not found\n');
});

test.concurrent('dead-letters list finds a dead letter', async () => {
  const { endpoint, ids, tenant } = await deadLetters(1);
  const listed = await cliJson('dead-letters', 'list', '--endpoint', endpoint.id);
  expect(listed.dead_letters).toEqual([
    expect.objectContaining({ id: ids[0], tenant_id: tenant.id, status: 'dead_lettered', attempt_count: 2 }),
  ]);
  expect(listed.dead_letters[0].dead_lettered_at).toMatch(/^\d{4}-/);
  const human = await cli('dead-letters', 'list', '--tenant', tenant.id);
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^ID\s+TENANT\s+ATTEMPTS\s+DEAD-LETTERED AT$/m);
  expect(human.stdout).toContain(ids[0]);
  const future = await cliJson('dead-letters', 'list', '--endpoint', endpoint.id, '--since', '2999-01-01');
  expect(future.dead_letters).toEqual([]);
});

test.concurrent('replay <id> replays one dead letter, which ends delivered at the receiver', async () => {
  const { tenant, ids, receiver, heal } = await deadLetters(1);
  heal();
  const result = await cli('replay', ids[0]!);
  expect(result).toMatchObject({ code: 0, stdout: `replayed ${ids[0]}\n`, stderr: '' });
  await reaches(tenant, ids[0]!, 'delivered');
  expect(receiver.requests.map((r) => r.headers['x-signal-push-delivery-id'])).toEqual([
    ids[0],
    ids[0],
    ids[0],
  ]);
});

test.concurrent(
  'replay --endpoint replays every dead letter of the endpoint and prints the counts',
  async () => {
    const [{ tenant, endpoint, ids, receiver, heal }, bystander] = await Promise.all([
      deadLetters(3),
      deadLetters(1),
    ]);
    heal();
    const result = await cli('replay', '--endpoint', endpoint.id);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('replayed 3, skipped 0 (not dead-lettered any more), failed 0\n');
    for (const id of ids) await reaches(tenant, id, 'delivered');
    await receiver.waitFor(9);
    expect(await statusOf(bystander.tenant, bystander.ids[0]!)).toBe('dead_lettered');
  },
);

test.concurrent('replay --query replays only the dead letters the query matches', async () => {
  const { tenant, endpoint, ids, heal } = await deadLetters(2);
  heal();
  const [chosen, left] = ids as [string, string];
  const signalId = chosen.slice(`dlv_${endpoint.id}_`.length);
  const summary = await cliJson(
    'replay',
    '--query',
    `EndpointId = '${endpoint.id}' AND SignalId = '${signalId}'`,
  );
  expect(summary).toMatchObject({ replayed: 1, skipped: 0, failed: 0, replayed_ids: [chosen] });
  expect(summary.query).toBe(
    `WorkflowType = 'deliveryWorkflow' AND DeliveryStatus = 'dead_lettered' AND (EndpointId = '${endpoint.id}' AND SignalId = '${signalId}')`,
  );
  await reaches(tenant, chosen, 'delivered');
  expect(await statusOf(tenant, left)).toBe('dead_lettered');
});

test.concurrent('replay --dry-run lists what would be replayed and replays nothing', async () => {
  const { tenant, endpoint, ids, receiver } = await deadLetters(2);
  const result = await cli('replay', '--endpoint', endpoint.id, '--dry-run');
  expect(result.code).toBe(0);
  for (const id of ids) expect(result.stdout).toContain(id);
  expect(result.stdout).toMatch(/would replay 2\n$/);
  // A replay signal would be in each history by the time the command returned: there is none.
  for (const id of ids) expect(await signalsReceived(stack.service.client, id, replaySignal.name)).toBe(0);
  expect(receiver.requests).toHaveLength(4);
  for (const id of ids) expect(await statusOf(tenant, id)).toBe('dead_lettered');
});

test.concurrent('replay of a delivered delivery exits 3 with a one-line message', async () => {
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: healthy.url, dead_letter_queue: true });
  const id = (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id;
  await settledDelivery(stack, tenant, id);
  const result = await cli('replay', id);
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(oneErrorLine);
  expect(result.stderr).toContain('not dead-lettered');
  expect(result.stdout).toBe('');
});

test.concurrent('pause of an endpoint the tenant does not own exits 4', async () => {
  const tenant = await createTenant(stack);
  const owner = await createTenant(stack);
  const endpoint = await createEndpoint(stack, owner, { url: healthy.url });
  const result = await cli('pause', endpoint.id, '--tenant', tenant.id);
  expect(result).toMatchObject({ code: 4, stdout: '', stderr: 'signal-push: endpoint not found\n' });
});

test.concurrent('bad option values and unknown commands exit 2 with a one-line message', async () => {
  const cases = [
    ['deliveries', 'list', '--status', 'lost'],
    ['deliveries', 'list', '--tenant', "x' OR 1=1"],
    ['deliveries', 'list', '--endpoint', "ep_0000000000000000' OR '1'='1"],
    ['deliveries', 'list', '--signal', "sig' OR ''='"],
    ['deliveries', 'list', '--since', 'yesterday'],
    ['deliveries', 'list', '--limit', '0'],
    ['dead-letters', 'list', '--since', "2026-01-01' OR '1'='1"],
    ['replay', '--query', "EndpointId = 'x') OR (WorkflowType = 'tenantWorkflow'"],
    ['replay', '--endpoint', 'ep_0000000000000000', '--query', "SignalId = 'x'"],
    ['deliveries', 'show', 'dlv_../etc'],
    ['deliverys', 'list'],
  ];
  for (const args of cases) {
    const result = await cli(...args);
    expect({ args, ...result }).toMatchObject({ args, code: 2, stdout: '' });
    expect(result.stderr, args.join(' ')).toMatch(oneErrorLine);
  }
  expect((await cli('deliveries', 'list', '--status', 'lost')).stderr).toContain(
    'Allowed choices are pending, queued, retrying, held, delivered, failed, dead_lettered, expired',
  );
});

test.concurrent('endpoints list shows the endpoints but never the secret', async () => {
  const tenant = await createTenant(stack);
  const secret = 'whsec_cli_test_never_print_me_7f3a';
  const endpoint = await createEndpoint(stack, tenant, {
    url: healthy.url,
    label: 'CRM sync',
    secret,
    dead_letter_queue: true,
  });
  const human = await cli('endpoints', 'list', '--tenant', tenant.id);
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^ID\s+LABEL\s+URL\s+ENABLED\s+PAUSED\s+DEAD LETTER QUEUE$/m);
  expect(human.stdout).toMatch(new RegExp(`^${endpoint.id}\\s+CRM sync\\s+\\S+\\s+true\\s+-\\s+true$`, 'm'));
  const machine = await cli('endpoints', 'list', '--tenant', tenant.id, '--json');
  expect(JSON.parse(machine.stdout).endpoints).toEqual([
    expect.objectContaining({ id: endpoint.id, url: healthy.url, dead_letter_queue: true, paused: null }),
  ]);
  for (const output of [human.stdout, human.stderr, machine.stdout, machine.stderr]) {
    expect(output).not.toContain(secret);
    expect(output).not.toContain(secret.slice(-4));
  }
});

/** The CLI as an operator runs it beside this stack's service: same task queue, same settings. */
const cliOfService = async (...args: string[]): Promise<CliResult> => {
  const result = { code: -1, stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (result.stdout += text) },
    stderr: { write: (text: string) => (result.stderr += text) },
  };
  const env = { ...process.env, TEMPORAL_TASK_QUEUE: stack.taskQueue };
  result.code = await run(['node', 'signal-push', ...args, '--address', inject('temporalAddress')], io, env);
  return result;
};

test.concurrent(
  'endpoints test sends a signed sample event and shows what the receiver answered',
  async () => {
    const tenant = await createTenant(stack);
    const receiver = await startReceiver(() => ({ status: 200, body: 'thanks' }));
    receivers.push(receiver);
    const endpoint = await createEndpoint(stack, tenant, {
      url: receiver.url,
      secret: 'whsec_cli_send_test_0123',
    });
    const result = await cliOfService('endpoints', 'test', endpoint.id, '--tenant', tenant.id, '--json');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({
      delivered: true,
      http_status: 200,
      response_body: 'thanks',
      event_type: 'buying_signal',
    });
    // The same send-test the API makes: one request, signed, marked as a test in the log.
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers['x-pq-signature']).toMatch(/^[0-9a-f]{64}$/);
    const logged = await stack.api.request('GET', `/v1/deliveries/${answer.delivery_id}`, {
      key: tenant.key,
    });
    expect(logged.body).toMatchObject({ kind: 'test', status: 'delivered' });
  },
);

test.concurrent(
  'endpoints test exits 1 when the receiver refuses, and 2 for a type the endpoint does not take',
  async () => {
    const tenant = await createTenant(stack);
    const refusing = await startReceiver(() => ({ status: 500, body: 'no' }));
    receivers.push(refusing);
    const endpoint = await createEndpoint(stack, tenant, {
      url: refusing.url,
      event_types: ['buying_signal'],
    });
    const refused = await cliOfService('endpoints', 'test', endpoint.id, '--tenant', tenant.id);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^delivered\s+false$/m);
    expect(refused.stdout).toMatch(/^http status\s+500$/m);
    const wrongType = await cliOfService(
      'endpoints',
      'test',
      endpoint.id,
      '--tenant',
      tenant.id,
      '--event-type',
      'lead.created',
    );
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toMatch(oneErrorLine);
    expect(wrongType.stderr).toContain(
      "--event-type is not one of the endpoint's event types (buying_signal)",
    );
  },
);

test.concurrent(
  'deliveries resend starts a new delivery that names the original, and exits 4 for an unknown one',
  async () => {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: healthy.url });
    const { deliveries } = await sendSignal(stack, tenant);
    const original = await settledDelivery(stack, tenant, deliveries[0]!.delivery_id);
    const result = await cliOfService('deliveries', 'resend', original.id, '--json');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const resent = JSON.parse(result.stdout);
    expect(resent).toMatchObject({ resent_from: original.id, signal_id: original.signal_id });
    const logged = await settledDelivery(stack, tenant, resent.delivery_id);
    expect(logged).toMatchObject({ status: 'delivered', resent_from: original.id });
    const unknown = await cliOfService('deliveries', 'resend', 'dlv_ep_0000000000000000_nope');
    expect(unknown).toMatchObject({ code: 4, stderr: 'signal-push: delivery not found\n' });
  },
);

test.concurrent('endpoints list of an unknown tenant exits 4', async () => {
  const result = await cli('endpoints', 'list', '--tenant', 'ten_0000000000000000');
  expect(result).toMatchObject({ code: 4, stderr: 'signal-push: tenant not found\n' });
});

test.concurrent('an unreachable Temporal exits 5 with a one-line message', async () => {
  const result = await cliAt('127.0.0.1:1', 'deliveries', 'list', '--connect-timeout', '1');
  expect(result.code).toBe(5);
  expect(result.stderr).toMatch(oneErrorLine);
  expect(result.stderr).toContain('cannot connect to Temporal at 127.0.0.1:1');
});

test.concurrent('--help on every command exits 0 and documents the exit codes', async () => {
  const commands = [
    [],
    ['endpoints', 'list'],
    ['endpoints', 'test'],
    ['deliveries', 'list'],
    ['deliveries', 'show'],
    ['deliveries', 'resend'],
    ['dead-letters', 'list'],
    ['replay'],
    ['pause'],
    ['resume'],
  ];
  for (const command of commands) {
    const result = await cli(...command, '--help');
    expect(result.code, command.join(' ')).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('5  cannot connect to Temporal');
    if (command.length > 0) expect(result.stdout).toContain('--json');
  }
});

test.concurrent(
  'tenants create, show, update, rotate-key and delete do what the operator routes do',
  async () => {
    const created = await cliJson('tenants', 'create', '--name', 'Globex', '--max-endpoints', 'none');
    expect(created).toMatchObject({
      name: 'Globex',
      plan: { max_endpoints: null, rate_limit_per_minute: 60 },
    });
    const keyWorks = async (key: string) => (await stack.api.request('GET', '/v1/endpoints', { key })).status;
    expect(await keyWorks(created.api_key)).toBe(200);
    expect(await cliJson('tenants', 'show', created.id)).toEqual(
      (await stack.api.request('GET', `/v1/tenants/${created.id}`, { key: stack.operatorKey })).body,
    );

    const human = await cli(
      'tenants',
      'update',
      created.id,
      '--name',
      'Globex Corp',
      '--rate-limit-per-minute',
      '30',
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^name\s+Globex Corp$/m);
    expect(human.stdout).toMatch(/^rate limit per minute\s+30$/m);
    expect(human.stdout).toMatch(/^max endpoints\s+none$/m);
    expect(human.stdout).toMatch(/^signal\.completed events\s+off$/m);
    const told = await cliJson('tenants', 'update', created.id, '--signal-completed-events');
    expect(told.signal_completed_events).toBe(true);
    const untold = await cliJson('tenants', 'update', created.id, '--no-signal-completed-events');
    expect(untold).toMatchObject({ signal_completed_events: false, name: 'Globex Corp' });

    // The API's own validation, naming the option instead of the field.
    const refusals = [
      [
        ['tenants', 'update', created.id],
        /give --name, --max-endpoints, --rate-limit-per-minute or --\[no-\]signal-completed-events/,
      ],
      [['tenants', 'update', created.id, '--max-endpoints', '1001'], /^signal-push: --max-endpoints: /],
      [['tenants', 'update', created.id, '--name', '   '], /^signal-push: --name: /],
      [
        ['tenants', 'create', '--name', 'x', '--owner-email', 'not-an-address'],
        /^signal-push: --owner-email: /,
      ],
      [['tenants', 'create'], /--name/],
      [
        ['tenants', 'list', '--since', '2026-02-01T00:00:00Z', '--until', '2026-01-01T00:00:00Z'],
        /--until: /,
      ],
    ] as const;
    for (const [args, message] of refusals) {
      const result = await cli(...args);
      expect({ args, ...result }).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(oneErrorLine);
      expect(result.stderr).toMatch(message);
    }

    const rotated = await cliJson('tenants', 'rotate-key', created.id);
    // The API process caches the tenant for a second; the old key stops working when that ends.
    await eventually(async () => (await keyWorks(created.api_key)) === 401);
    expect(await keyWorks(rotated.api_key)).toBe(200);

    const deleted = await cliJson('tenants', 'delete', created.id);
    expect(deleted).toMatchObject({ tenant_id: created.id, cancelled_deliveries: 0 });
    expect(await keyWorks(rotated.api_key)).toBe(401);
    const gone = await cli('tenants', 'show', created.id);
    expect(gone).toMatchObject({ code: 4, stderr: 'signal-push: tenant not found\n' });
  },
);

test.concurrent('tenants delete refuses while deliveries run, and --force ends them', async () => {
  const tenant = await createTenant(stack);
  const failing = await flakyReceiver();
  await createEndpoint(stack, tenant, {
    url: failing.receiver.url,
    retry_policy: { max_retries: 5, interval_seconds: 600, backoff: 'fixed' },
  });
  const delivery = (await sendSignal(stack, tenant)).deliveries[0]!.delivery_id;
  await reaches(tenant, delivery, 'retrying');
  await eventually(
    async () => (await cliJson('deliveries', 'list', '--tenant', tenant.id)).deliveries.length === 1,
  );

  const refused = await cli('tenants', 'delete', tenant.id);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toMatch(/^signal-push: 1 deliveries of this tenant have not ended; .*--force/);
  expect(await cliJson('tenants', 'delete', tenant.id, '--force')).toMatchObject({ cancelled_deliveries: 1 });
});

test('listings page with the cursor they print, bound to their filters', async () => {
  const since = new Date().toISOString();
  const names = ['Page A', 'Page B', 'Page C'];
  for (const name of names) await cliJson('tenants', 'create', '--name', name);
  // Tenants are listed from visibility, which is eventually consistent.
  await eventually(async () => (await cliJson('tenants', 'list', '--since', since)).tenants.length === 3);
  const first = await cliJson('tenants', 'list', '--since', since, '--limit', '2');
  expect(first.tenants.map((t: { name: string }) => t.name)).toEqual(names.slice(0, 2));
  expect(first.next_cursor).toEqual(expect.any(String));
  const human = await cli('tenants', 'list', '--since', since, '--limit', '2');
  expect(human.stdout).toContain(`more: run again with --cursor ${first.next_cursor}\n`);
  const rest = await cliJson(
    'tenants',
    'list',
    '--since',
    since,
    '--limit',
    '2',
    '--cursor',
    first.next_cursor,
  );
  expect(rest).toMatchObject({ tenants: [{ name: 'Page C' }], next_cursor: null });

  const otherFilters = await cli('tenants', 'list', '--limit', '2', '--cursor', first.next_cursor);
  expect(otherFilters).toMatchObject({ code: 2, stdout: '' });
  expect(otherFilters.stderr).toMatch(/^signal-push: --cursor: not a cursor of this listing/);

  // Deliveries page by start time the same way.
  const tenant = await createTenant(stack);
  await createEndpoint(stack, tenant, { url: healthy.url });
  const sent: string[] = [];
  for (let i = 0; i < 3; i++) sent.push((await sendSignal(stack, tenant)).deliveries[0]!.delivery_id);
  await eventually(
    async () => (await cliJson('deliveries', 'list', '--tenant', tenant.id)).deliveries.length === 3,
  );
  const page = await cliJson('deliveries', 'list', '--tenant', tenant.id, '--limit', '2');
  const next = await cliJson(
    'deliveries',
    'list',
    '--tenant',
    tenant.id,
    '--limit',
    '2',
    '--cursor',
    page.next_cursor,
  );
  expect(next.next_cursor).toBeNull();
  const listed = [...page.deliveries, ...next.deliveries].map((d: { id: string }) => d.id);
  expect(listed.sort()).toEqual([...sent].sort());
  const byType = (type: string) => cliJson('deliveries', 'list', '--tenant', tenant.id, '--event-type', type);
  expect((await byType('buying_signal')).deliveries).toHaveLength(3);
  expect((await byType('lead.created')).deliveries).toHaveLength(0);
});
