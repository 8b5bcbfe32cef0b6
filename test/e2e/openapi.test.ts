import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expressRoutes } from '../helpers/express-routes';
import { sampleSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

/**
 * Every route, called for real against the running service, with each request (path, query, body)
 * and each answer (status and body) validated against GET /openapi.json by a JSON Schema 2020-12
 * validator; and the document must name every route Express serves, and nothing it does not.
 */

let stack: Stack;
let receiver: Receiver;
let doc: any;
const DOC_ID = 'https://signal-push.invalid/openapi.json';
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
// Query and path values arrive as strings: the API coerces them, so the validator must too.
const ajvParams = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes: true }));
const called = new Set<string>();

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startStack(), startReceiver(() => ({ status: 200, body: 'ok' }))]);
  const res = await fetch(`${stack.service.apiUrl}/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
  ajv.addSchema({ ...doc, $id: DOC_ID });
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

interface Call {
  key?: string;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: unknown;
  form?: string;
  /** Malformed on purpose (what is checked is the error answer), so not held to the document. */
  invalid?: boolean;
}

/**
 * Sends `method path` (an OpenAPI path, its `{params}` filled from `call.params`), validates what
 * was sent and what came back against the document, and returns the answer.
 */
async function send(method: string, path: string, call: Call = {}) {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is in the document`).toBeDefined();
  called.add(`${method} ${path}`);
  const parameters: Array<{ in: string; name: string; schema: object; required?: boolean }> =
    operation.parameters ?? [];
  for (const where of call.invalid ? [] : (['path', 'query'] as const)) {
    const given = where === 'path' ? (call.params ?? {}) : (call.query ?? {});
    const declared = parameters.filter((p) => p.in === where);
    const schema = {
      type: 'object',
      properties: Object.fromEntries(declared.map((p) => [p.name, p.schema])),
      required: declared.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    };
    const validate = ajvParams.compile(schema);
    expect(
      validate({ ...given }),
      `${method} ${path} ${where}: ${ajvParams.errorsText(validate.errors)}`,
    ).toBe(true);
  }
  if (call.body !== undefined && !call.invalid) {
    const validate = ajv.getSchema(
      `${DOC_ID}#/${pointer('paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`,
    )!;
    expect(validate(call.body), `${method} ${path} body: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }

  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params![name]!));
  const search = call.query ? `?${new URLSearchParams(call.query)}` : '';
  const headers: Record<string, string> = {};
  if (call.key) headers.authorization = `Bearer ${call.key}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.body);
  } else if (call.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = call.form;
  }
  const res = await fetch(`${stack.service.apiUrl}${url}${search}`, {
    method,
    headers,
    body,
    redirect: 'manual',
  });
  const text = await res.text();
  const status = String(res.status);
  expect(Object.keys(operation.responses), `${method} ${path} documents ${status}: ${text}`).toContain(
    status,
  );
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
  const content = operation.responses[status].content;
  if (!content) {
    expect(text, `${method} ${path} ${status} has no body`).toBe('');
    return { status: res.status, body: undefined, text };
  }
  expect(Object.keys(content), `${method} ${path} ${status} content type`).toContain(type);
  const parsed = type === 'application/json' ? JSON.parse(text) : text;
  const validate = ajv.getSchema(
    `${DOC_ID}#/${pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', type, 'schema')}`,
  )!;
  expect(validate(parsed), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${text}`).toBe(
    true,
  );
  return { status: res.status, body: parsed, text };
}

test('the document is OpenAPI 3.1 and names every route Express serves, and only those', () => {
  expect(doc.openapi).toBe('3.1.0');
  // The customer portal's pages are HTML for people (see the README and portal.browser.test.ts);
  // the document names only its entry, where an operator's link lands.
  const served = expressRoutes(stack.service.app!).filter(
    (route) => !/^\w+ \/portal(\/|$)/.test(route) || route === 'GET /portal/enter',
  );
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(served.length).toBeGreaterThan(30);
  expect([...documented].sort()).toEqual(served);
});

test('every route answers as the document says, errors included, when called for real', async () => {
  const op = stack.operatorKey;
  // Health and the document itself.
  expect((await send('GET', '/healthz')).status).toBe(200);
  expect((await send('GET', '/readyz', { key: op })).status).toBe(200);
  expect((await send('GET', '/metrics')).text).toContain('signal_push_http_requests_total');
  expect((await send('GET', '/openapi.json')).status).toBe(200);
  expect((await send('GET', '/docs')).text).toContain('swagger-ui');

  // Tenants (operator key).
  const created = await send('POST', '/v1/tenants', {
    key: op,
    body: { name: 'Documented', owner_email: 'ops@documented.example', plan: { max_endpoints: 5 } },
  });
  expect(created.status).toBe(201);
  const tenant = { id: created.body.id as string, key: created.body.api_key as string };
  expect((await send('POST', '/v1/tenants', { key: op, body: { name: '' }, invalid: true })).status).toBe(
    400,
  );
  expect((await send('POST', '/v1/tenants', { body: { name: 'x' } })).status).toBe(401);
  expect((await send('GET', '/v1/tenants', { key: op, query: { limit: '2' } })).status).toBe(200);
  expect((await send('GET', '/v1/tenants', { key: op, query: { limit: '0' }, invalid: true })).status).toBe(
    400,
  );
  expect((await send('GET', '/v1/tenants/{id}', { key: op, params: { id: tenant.id } })).status).toBe(200);
  const unknownTenant = { key: op, params: { id: 'ten_0000000000000000' } };
  expect((await send('GET', '/v1/tenants/{id}', unknownTenant)).status).toBe(404);

  // Customer portal links (operator key) and where they land.
  const portalTenant = { key: op, params: { id: tenant.id } };
  const link = await send('POST', '/v1/tenants/{id}/portal-sessions', {
    ...portalTenant,
    body: { ttl_seconds: 600 },
  });
  expect(link.status).toBe(201);
  const token = new URL(link.body.url as string).searchParams.get('token')!;
  expect((await send('GET', '/portal/enter', { query: { token } })).status).toBe(303);
  expect(
    (
      await send('POST', '/v1/tenants/{id}/portal-sessions', {
        ...portalTenant,
        body: { ttl_seconds: 1 },
        invalid: true,
      })
    ).status,
  ).toBe(400);
  expect((await send('POST', '/v1/tenants/{id}/portal-sessions', unknownTenant)).status).toBe(404);
  const session = {
    ...portalTenant,
    params: { ...portalTenant.params, sessionId: link.body.session_id as string },
  };
  expect((await send('DELETE', '/v1/tenants/{id}/portal-sessions/{sessionId}', session)).status).toBe(204);
  expect((await send('GET', '/portal/enter', { query: { token } })).status).toBe(401);
  expect((await send('DELETE', '/v1/tenants/{id}/portal-sessions', portalTenant)).status).toBe(204);
  const patch = { key: op, params: { id: tenant.id }, body: { plan: { rate_limit_per_minute: null } } };
  expect((await send('PATCH', '/v1/tenants/{id}', patch)).status).toBe(200);
  const rotate = await send('POST', '/v1/tenants/{id}/api-keys/rotate', {
    key: op,
    params: { id: tenant.id },
  });
  tenant.key = rotate.body.api_key;

  // Endpoints (tenant key).
  const key = tenant.key;
  const endpoint = await send('POST', '/v1/endpoints', { key, body: { url: receiver.url, label: 'docs' } });
  expect(endpoint.status).toBe(201);
  const id = { key, params: { id: endpoint.body.id as string } };
  expect((await send('POST', '/v1/endpoints', { key, body: { url: 'ftp://x' }, invalid: true })).status).toBe(
    400,
  );
  expect(
    (await send('POST', '/v1/endpoints', { key, body: { url: receiver.url, label: 'docs' } })).status,
  ).toBe(409);
  expect((await send('GET', '/v1/endpoints', { key, query: { limit: '10' } })).status).toBe(200);
  expect((await send('GET', '/v1/endpoints/{id}', id)).status).toBe(200);
  expect(
    (await send('GET', '/v1/endpoints/{id}', { key, params: { id: 'ep_0000000000000000' } })).status,
  ).toBe(404);
  expect(
    (await send('PATCH', '/v1/endpoints/{id}', { ...id, body: { description: 'for the document' } })).status,
  ).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/pause', id)).status).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/resume', id)).status).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/rotate-secret', { ...id, body: {} })).status).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/preview', { ...id, body: {} })).status).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/test', { ...id, body: {} })).status).toBe(200);
  expect((await send('POST', '/v1/endpoints/{id}/replay', { ...id, body: {} })).status).toBe(202);

  // Intake (operator key).
  const signal = await send('POST', '/v1/signals', {
    key: op,
    body: { tenant_id: tenant.id, ...sampleSignal() },
  });
  expect(signal.status).toBe(202);
  const event = await send('POST', '/v1/events', {
    key: op,
    query: { webhook_url: `${receiver.url}/callback` },
    body: { tenant_id: tenant.id, type: 'buying_signal', data: sampleSignal() },
  });
  expect(event.status).toBe(202);
  const unknownIntake = { key: op, body: { tenant_id: 'ten_0000000000000000', ...sampleSignal() } };
  expect((await send('POST', '/v1/signals', unknownIntake)).status).toBe(404);
  const receipt = { params: { id: signal.body.signal_id } };
  const waited = await send('GET', '/v1/signals/{id}', { ...receipt, key, query: { wait: '10s' } });
  expect(waited.body).toMatchObject({ complete: true, delivered: 1 });
  expect(
    (await send('GET', '/v1/signals/{id}', { ...receipt, key: op, query: { tenant_id: tenant.id } })).status,
  ).toBe(200);
  expect(
    (
      await send('GET', '/v1/signals/{id}', {
        ...receipt,
        key: op,
        query: { tenant_id: unknownIntake.body.tenant_id },
      })
    ).status,
  ).toBe(404);
  expect((await send('GET', '/v1/signals/{id}', { ...receipt, key: op })).status).toBe(400);
  expect(
    (await send('GET', '/v1/signals/{id}', { ...receipt, key, query: { wait: '2m' }, invalid: true })).status,
  ).toBe(400);

  // Deliveries (tenant key).
  const deliveryId: string = signal.body.deliveries[0].delivery_id;
  await settledDelivery(stack, tenant, deliveryId);
  const delivery = { key, params: { id: deliveryId } };
  expect(
    (await send('GET', '/v1/deliveries', { key, query: { limit: '5', since: '2026-01-01T00:00:00Z' } }))
      .status,
  ).toBe(200);
  expect(
    (await send('GET', '/v1/deliveries', { key, query: { cursor: 'forged' }, invalid: true })).status,
  ).toBe(400);
  expect((await send('GET', '/v1/deliveries/{id}', delivery)).status).toBe(200);
  expect((await send('POST', '/v1/deliveries/{id}/replay', delivery)).status).toBe(409);
  expect((await send('POST', '/v1/deliveries/{id}/resend', delivery)).status).toBe(202);
  expect(
    (await send('GET', '/v1/dead-letters', { key, query: { endpoint_id: endpoint.body.id } })).status,
  ).toBe(200);

  // The codec server.
  const payloads = { payloads: [{ metadata: { encoding: btoa('json/plain') }, data: btoa('"hi"') }] };
  const encoded = await send('POST', '/codec/encode', { key: op, body: payloads });
  expect(encoded.status).toBe(200);
  expect((await send('POST', '/codec/decode', { key: op, body: encoded.body })).status).toBe(200);
  expect((await send('POST', '/codec/decode', { body: payloads })).status).toBe(401);
  expect((await send('GET', '/codec/login')).status).toBe(200);
  expect((await send('POST', '/codec/login', { form: 'key=not-the-key' })).status).toBe(401);
  expect((await send('POST', '/codec/logout')).status).toBe(200);

  // Deleting, last: the endpoint, then the tenant with whatever still runs.
  expect((await send('DELETE', '/v1/endpoints/{id}', id)).status).toBe(204);
  const del = await send('DELETE', '/v1/tenants/{id}', {
    key: op,
    params: { id: tenant.id },
    query: { force: 'true' },
  });
  expect(del.status).toBe(200);
  expect((await send('DELETE', '/v1/tenants/{id}', unknownTenant)).status).toBe(404);

  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(documented.filter((route) => !called.has(route))).toEqual([]);
});

test('the error shape is one component, and every 4xx and 5xx of the JSON API refers to it', () => {
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        const json = response.content?.['application/json'];
        if (Number(status) < 400 || !json || path === '/readyz') continue;
        expect(json.schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  }
  expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
});
