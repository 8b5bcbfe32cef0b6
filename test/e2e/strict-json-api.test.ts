import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_BODY_VALUES } from '../../src/api/body-guard';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sampleSignal } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// The real API: bodies are sent as bytes, exactly as a client wrote them.

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

async function post(
  path: string,
  key: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.service.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((part) => Buffer.from(part as string)));

const endpoints = async (tenant: TestTenant) =>
  (await stack.api.request('GET', '/v1/endpoints', { key: tenant.key })).body.endpoints as unknown[];

describe('duplicate keys', () => {
  test('a tenant_id given twice in a signal is a 400 naming tenant_id, and neither tenant gets a delivery', async () => {
    const owner = await createTenant(stack, 'Owner');
    const other = await createTenant(stack, 'Other');
    await createEndpoint(stack, owner, { url: receiver.url });
    await createEndpoint(stack, other, { url: receiver.url });
    const signal = JSON.stringify(sampleSignal({ signal_id: 'sig_duplicated_tenant' })).slice(1);
    const res = await post(
      '/v1/signals',
      stack.operatorKey,
      `{"tenant_id":"${other.id}","tenant_id":"${owner.id}",${signal}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'duplicate_key',
      fields: [{ field: 'tenant_id', problem: expect.stringContaining('duplicate key') }],
    });

    // A well-formed signal sent after it arrives alone: the refused one started nothing.
    const good = JSON.stringify({ tenant_id: owner.id, ...sampleSignal({ signal_id: 'sig_after_refusal' }) });
    expect((await post('/v1/signals', stack.operatorKey, good)).status).toBe(202);
    await receiver.waitFor(1);
    expect(receiver.requests.map((r) => JSON.parse(r.rawBody.toString()).signal_id)).toEqual([
      'sig_after_refusal',
    ]);
    const deliveries = async (tenant: TestTenant) =>
      (await stack.api.request('GET', '/v1/deliveries', { key: tenant.key })).body.deliveries as unknown[];
    // Listings come from visibility, which lags the delivery: wait for the good one to be listed.
    // Anything the refused signal had started would have been listed before it.
    await eventually(async () => (await deliveries(owner)).length === 1);
    expect(await deliveries(owner)).toHaveLength(1);
    expect(await deliveries(other)).toEqual([]);
  });

  test('a key twice at the top level of a new tenant is named', async () => {
    const res = await post('/v1/tenants', stack.operatorKey, '{"name":"Acme","name":"Evil Corp"}');
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'name', problem: expect.any(String) }]);
  });

  test("a key twice inside an endpoint's filters is named by its path, and nothing is stored", async () => {
    const tenant = await createTenant(stack, 'Nested');
    const body = `{"url":"${receiver.url}","filters":{"classifications":["hot"],"classifications":[]}}`;
    const res = await post('/v1/endpoints', tenant.key, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'duplicate_key',
      message: expect.stringContaining('filters.classifications'),
    });
    expect(res.body.error.fields).toEqual([
      { field: 'filters.classifications', problem: expect.any(String) },
    ]);
    expect(await endpoints(tenant)).toEqual([]);
  });

  test('a compressed body is checked after it is inflated', async () => {
    const res = await post('/v1/tenants', stack.operatorKey, gzipSync('{"name":"A","name":"B"}'), {
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('duplicate_key');
  });
});

describe('invalid UTF-8', () => {
  test('in a tenant name is a 400, and no tenant is created', async () => {
    const count = async (query: string) =>
      (await stack.service.client.workflow.count(`WorkflowType = 'tenantWorkflow' AND ${query}`)).count;
    /** Creates a tenant and waits until visibility lists it, so the count after it is complete. */
    const createdAndListed = async (name: string) => {
      const { id } = await createTenant(stack, name);
      await eventually(async () => (await count(`WorkflowId = 'tenant-${id}'`)) === 1);
    };
    const onThisStack = () => count(`TaskQueue = '${stack.taskQueue}'`);
    await createdAndListed('Created before');
    const before = await onThisStack();

    const res = await post('/v1/tenants', stack.operatorKey, bytes('{"name":"Ac', [0xff], 'me"}'));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_utf8',
      message: 'request body is not valid UTF-8',
      fields: [{ field: '(body)', problem: 'is not valid UTF-8' }],
    });

    await createdAndListed('Created after');
    expect(await onThisStack()).toBe(before + 1);
  });

  test('in an endpoint label is a 400, and no endpoint is stored', async () => {
    const tenant = await createTenant(stack, 'Labels');
    const body = bytes(`{"url":"${receiver.url}","label":"Data `, [0xc3, 0x28], ' pipeline"}');
    const res = await post('/v1/endpoints', tenant.key, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_utf8');
    expect(await endpoints(tenant)).toEqual([]);
  });

  test('a body declared as UTF-16 is refused as an unsupported encoding', async () => {
    const res = await post('/v1/tenants', stack.operatorKey, Buffer.from('{"name":"Acme"}', 'utf16le'), {
      'content-type': 'application/json; charset=utf-16le',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_encoding');
  });
});

describe('bombs', () => {
  test(`a signal with more than ${MAX_BODY_VALUES} keys in an open object is a 400`, async () => {
    const tenant = await createTenant(stack, 'Bombed');
    await createEndpoint(stack, tenant, { url: receiver.url });
    const extra = Object.fromEntries(Array.from({ length: MAX_BODY_VALUES }, (_, i) => [`k${i}`, 0]));
    const body = JSON.stringify({
      tenant_id: tenant.id,
      ...sampleSignal({ prospect: { name: 'Alex', ...extra } }),
    });
    const res = await post('/v1/signals', stack.operatorKey, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('body_too_complex');
  });

  test('an array of 100,000 empty arrays is a 400', async () => {
    const res = await post('/v1/tenants', stack.operatorKey, `[${Array(100_000).fill('[]').join(',')}]`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('body_too_complex');
  });

  test('100,000 nested arrays are a 400', async () => {
    const res = await post('/v1/tenants', stack.operatorKey, '['.repeat(100_000) + ']'.repeat(100_000));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('body_too_deep');
  });
});
