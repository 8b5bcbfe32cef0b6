import http from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEndpoint, createTenant, sampleSignal, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { TestTenant } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// Every hostile request goes at one victim tenant with one endpoint that takes every signal. The
// barrage must not change that endpoint, start a delivery, or reach the endpoint's receiver.
let stack: Stack;
let receiver: Receiver;
let victim: TestTenant;
let endpointId: string;
let endpointsBefore: unknown;
beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
  victim = await createTenant(stack, 'Victim');
  endpointId = (await createEndpoint(stack, victim, { url: receiver.url })).id;
  endpointsBefore = (await stack.api.request('GET', '/v1/endpoints', { key: victim.key })).body;
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

/** `fetch` refuses bodies on GET and normalizes paths; a hostile client does neither. */
function send(
  method: string,
  path: string,
  options: { key?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(stack.service.apiUrl!);
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(options.body);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A clear client error: 4xx, JSON `{error: {code, message}}`, and `fields` on validation errors. */
function expectClientError(res: RawResponse, what: string, field?: string): void {
  const context = `${what} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThanOrEqual(431);
  expect(res.headers['content-type'], context).toMatch(/^application\/json/);
  expect(res.body?.error?.code, context).toEqual(expect.any(String));
  expect(res.body?.error?.message, context).toEqual(expect.any(String));
  expect(res.text, context).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
  if (res.body.error.code === 'validation_failed') {
    expect(res.body.error.fields, context).toEqual(
      expect.arrayContaining([{ field: expect.any(String), problem: expect.any(String) }]),
    );
  }
  if (field !== undefined) {
    // The field itself, or one inside it (`retry_policy` → `retry_policy.max_retries`).
    const named = (res.body.error.fields ?? []).map((f: any) => f.field as string);
    expect(
      named.some((f: string) => f === field || f.startsWith(`${field}.`)),
      `${context}: names ${field}`,
    ).toBe(true);
  }
}

const operator = () => stack.operatorKey;
const tenantKey = () => victim.key;
const unknownDelivery = () => `dlv_${endpointId}_sig_never_sent`;

interface Route {
  name: string;
  method: string;
  path: string;
  key: string;
}

/** Every route, with the key that opens it; the ids are real, so only validation stands between. */
const routes = (): Route[] => [
  { name: 'create tenant', method: 'POST', path: '/v1/tenants', key: operator() },
  { name: 'send signal', method: 'POST', path: '/v1/signals', key: operator() },
  { name: 'create endpoint', method: 'POST', path: '/v1/endpoints', key: tenantKey() },
  { name: 'list endpoints', method: 'GET', path: '/v1/endpoints', key: tenantKey() },
  { name: 'get endpoint', method: 'GET', path: `/v1/endpoints/${endpointId}`, key: tenantKey() },
  { name: 'patch endpoint', method: 'PATCH', path: `/v1/endpoints/${endpointId}`, key: tenantKey() },
  { name: 'delete endpoint', method: 'DELETE', path: `/v1/endpoints/${endpointId}`, key: tenantKey() },
  { name: 'pause endpoint', method: 'POST', path: `/v1/endpoints/${endpointId}/pause`, key: tenantKey() },
  { name: 'resume endpoint', method: 'POST', path: `/v1/endpoints/${endpointId}/resume`, key: tenantKey() },
  { name: 'replay endpoint', method: 'POST', path: `/v1/endpoints/${endpointId}/replay`, key: tenantKey() },
  { name: 'list deliveries', method: 'GET', path: '/v1/deliveries', key: tenantKey() },
  { name: 'get delivery', method: 'GET', path: `/v1/deliveries/${unknownDelivery()}`, key: tenantKey() },
  {
    name: 'replay delivery',
    method: 'POST',
    path: `/v1/deliveries/${unknownDelivery()}/replay`,
    key: tenantKey(),
  },
  { name: 'list dead letters', method: 'GET', path: '/v1/dead-letters', key: tenantKey() },
];
const on = (name: string) => (): Route => routes().find((route) => route.name === name)!;

const nested = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

/** Bodies the JSON layer refuses whatever the route: none of them may reach a handler. */
const hostileBodies: Array<{ name: string; body: string | Buffer; headers?: Record<string, string> }> = [
  { name: 'truncated JSON', body: '{"url":' },
  { name: 'single quotes', body: "{'name':'x'}" },
  { name: 'trailing comma', body: '{"name":"x",}' },
  { name: 'NaN', body: '{"icp_score":NaN}' },
  { name: 'a bare string', body: '"hello"' },
  { name: 'a bare number', body: '42' },
  { name: 'null', body: 'null' },
  { name: 'a NUL byte', body: '\u0000' },
  { name: 'over 512 KB', body: JSON.stringify({ name: 'x'.repeat(600 * 1024) }) },
  {
    name: 'a gzip bomb (20 MB inflated)',
    body: gzipSync(JSON.stringify({ name: ' '.repeat(20 * 1024 * 1024) })),
    headers: { 'content-encoding': 'gzip' },
  },
  { name: '10,000 nested arrays', body: '['.repeat(10_000) + ']'.repeat(10_000) },
  { name: '10,000 nested objects', body: nested(10_000) },
  { name: '200,000 nested arrays', body: '['.repeat(200_000) + ']'.repeat(200_000) },
  { name: 'a lone surrogate', body: '{"name":"\\ud800"}' },
  { name: 'an escaped NUL', body: '{"name":"a\\u0000b"}' },
  { name: '__proto__', body: '{"__proto__":{"admin":true}}' },
  { name: 'constructor.prototype', body: '{"constructor":{"prototype":{"admin":true}}}' },
  { name: 'a text/plain body', body: 'name=x', headers: { 'content-type': 'text/plain' } },
  { name: 'a latin1 charset', body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } },
];

describe('the JSON layer refuses hostile bodies on every route', () => {
  test.each(hostileBodies)('$name', async ({ name, body, headers }) => {
    for (const route of routes()) {
      const res = await send(route.method, route.path, { key: route.key, body, headers });
      expectClientError(res, `${route.method} ${route.path} with ${name}`);
    }
  });

  test('the answers name the problem', async () => {
    const code = async (body: string | Buffer, headers?: Record<string, string>) =>
      (await send('POST', '/v1/tenants', { key: operator(), body, headers })).body.error.code;
    expect(await code('{"url":')).toBe('invalid_json');
    expect(await code('42')).toBe('invalid_json');
    expect(await code(JSON.stringify({ name: 'x'.repeat(600 * 1024) }))).toBe('body_too_large');
    expect(await code('['.repeat(10_000) + ']'.repeat(10_000))).toBe('body_too_deep');
    expect(await code('{"name":"\\ud800"}')).toBe('validation_failed');
    expect(await code('{"__proto__":{"admin":true}}')).toBe('validation_failed');
    expect(await code('name=x', { 'content-type': 'text/plain' })).toBe('unsupported_media_type');
  });

  test('a string that is not well-formed Unicode, or holds NUL, is named by its path', async () => {
    const signal = JSON.stringify({ tenant_id: victim.id, ...sampleSignal() });
    const withSurrogate = signal.replace('"Alex Morgan"', '"Alex \\udc00Morgan"');
    const surrogate = await send('POST', '/v1/signals', { key: operator(), body: withSurrogate });
    expectClientError(surrogate, 'lone low surrogate', 'prospect.name');
    const withNul = signal.replace('"Acme Corp"', '"Acme\\u0000Corp"');
    expectClientError(
      await send('POST', '/v1/signals', { key: operator(), body: withNul }),
      'NUL',
      'company.name',
    );
  });

  test('nesting is allowed up to 32 levels, and refused beyond', async () => {
    const at = (depth: number) =>
      send('POST', '/v1/tenants', { key: operator(), body: `{"name":"x","deep":${nested(depth - 1)}}` });
    expect((await at(32)).body.error.code).toBe('validation_failed'); // reaches the schema: unknown key
    expect((await at(33)).body.error.code).toBe('body_too_deep');
  });
});

describe('each route refuses wrong types and out-of-range values, naming the field', () => {
  // Cases are listed before the victim exists: its id is filled in when each case is sent.
  const signal = (overrides: Record<string, unknown>) => ({
    tenant_id: '$victim',
    ...sampleSignal(),
    ...overrides,
  });
  const cases: Array<{
    route: () => Route;
    body: unknown;
    field: string;
  }> = [
    // Tenants.
    ...[123, null, ['Acme'], { first: 'Acme' }, '', 'x'.repeat(201)].map((name) => ({
      route: on('create tenant'),
      body: { name },
      field: 'name',
    })),
    { route: on('create tenant'), body: { name: 'Acme', owner_email: 'not-an-email' }, field: 'owner_email' },
    { route: on('create tenant'), body: [{ name: 'Acme' }], field: '(body)' },
    { route: on('create tenant'), body: { name: 'Acme', admin: true }, field: '(body)' },
    // Signals.
    { route: on('send signal'), body: [signal({})], field: '(body)' },
    { route: on('send signal'), body: signal({ tenant_id: ['$victim'] }), field: 'tenant_id' },
    { route: on('send signal'), body: signal({ icp_score: '87' }), field: 'icp_score' },
    { route: on('send signal'), body: signal({ icp_score: 1e309 }), field: 'icp_score' },
    { route: on('send signal'), body: signal({ prospect: [] }), field: 'prospect' },
    { route: on('send signal'), body: signal({ prospect: 'Alex' }), field: 'prospect' },
    { route: on('send signal'), body: signal({ prospect: null }), field: 'prospect' },
    { route: on('send signal'), body: signal({ company: { name: 1 } }), field: 'company.name' },
    { route: on('send signal'), body: signal({ timestamp: 1_716_042_600 }), field: 'timestamp' },
    { route: on('send signal'), body: signal({ signal_type: ['intent_post'] }), field: 'signal_type' },
    { route: on('send signal'), body: signal({ signal_id: '../../etc/passwd' }), field: 'signal_id' },
    { route: on('send signal'), body: signal({ signal_id: 'sig_\u202eevil' }), field: 'signal_id' },
    { route: on('send signal'), body: signal({ signal_id: 'sig_😀' }), field: 'signal_id' },
    { route: on('send signal'), body: signal({ signal_id: 'a'.repeat(101) }), field: 'signal_id' },
    { route: on('send signal'), body: signal({ excerpt: '😀'.repeat(501) }), field: 'excerpt' },
    { route: on('send signal'), body: signal({ profile_url: 'javascript:alert(1)' }), field: 'profile_url' },
    {
      route: on('send signal'),
      body: signal({ prospect: { name: 'Alex', email: 'alex@acme.example\u0000' } }),
      field: 'prospect.email',
    },
    // Endpoints: creation and change.
    ...[123, null, ['https://hooks.example.com'], {}, true].map((url) => ({
      route: on('create endpoint'),
      body: { url },
      field: 'url',
    })),
    ...(
      [
        ['filters', []],
        ['filters', 'hot'],
        ['retry_policy', 'exponential'],
        ['retry_policy', { max_retries: '3', interval_seconds: 30 }],
        ['timeout_seconds', '30'],
        ['timeout_seconds', 1e9],
        ['timeout_seconds', -1],
        ['enabled', 'true'],
        ['label', 'x'.repeat(10_000)],
        ['label', ''],
        ['pause_threshold', 0.5],
      ] as const
    ).flatMap(([field, value]) => [
      { route: on('create endpoint'), body: { url: 'https://hooks.example.com', [field]: value }, field },
      { route: on('patch endpoint'), body: { [field]: value }, field },
    ]),
    {
      route: on('create endpoint'),
      body: { url: 'https://hooks.example.com', secret: 123 },
      field: 'secret',
    },
    // The secret is set at creation only.
    { route: on('patch endpoint'), body: { secret: 'x'.repeat(32) }, field: '(body)' },
    { route: on('patch endpoint'), body: [], field: '(body)' },
    { route: on('patch endpoint'), body: {}, field: '(body)' },
    { route: on('patch endpoint'), body: { url: null }, field: 'url' },
    // Bulk replay.
    { route: on('replay endpoint'), body: [], field: '(body)' },
    { route: on('replay endpoint'), body: { since: 'yesterday' }, field: 'since' },
    { route: on('replay endpoint'), body: { since: 0 }, field: 'since' },
    { route: on('replay endpoint'), body: { since: '2026-01-01T00:00:00Z', all: true }, field: '(body)' },
  ];

  test.each(
    cases.map((c, i) => ({ ...c, name: `#${i} ${c.field}: ${JSON.stringify(c.body).slice(0, 60)}` })),
  )('$name', async ({ route, body, field }) => {
    const { method, path, key } = route();
    const json = JSON.stringify(body).replaceAll('"$victim"', JSON.stringify(victim.id));
    const res = await send(method, path, { key, body: json });
    expectClientError(res, `${method} ${path} ${json.slice(0, 80)}`, field);
    expect(res.status).toBe(400);
  });
});

describe('endpoint URLs', () => {
  // Hosts that look public, so the outbound address rules cannot be what refuses them.
  const refused: Array<[string, string]> = [
    ['credentials', 'https://user:pw@hooks.example.com/'],
    ['only a user', 'https://user@hooks.example.com/'],
    ['port 0', 'https://hooks.example.com:0/'],
    ['port 99999', 'https://hooks.example.com:99999/'],
    ['port -1', 'https://hooks.example.com:-1/'],
    ['a Cyrillic а in the host (IDN homograph)', 'https://exаmple.com/hook'],
    ['an RTL override in the host', 'https://hooks\u202e.example.com/'],
    ['a NUL in the path', 'https://hooks.example.com/\u0000'],
    ['a space in the host', 'https://hooks example.com/'],
    ['no host', 'https://'],
    ['one slash', 'https:/hooks.example.com'],
    ['not a URL', 'hooks.example.com'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['ftp:', 'ftp://hooks.example.com/'],
    ['over 2048 characters', `https://hooks.example.com/${'a'.repeat(2048)}`],
  ];
  test.each(refused)('%s is refused with 400 naming url', async (_name, url) => {
    for (const route of [on('create endpoint')(), on('patch endpoint')()]) {
      const res = await send(route.method, route.path, { key: route.key, body: JSON.stringify({ url }) });
      expectClientError(res, `${route.method} ${route.path} ${JSON.stringify(url)}`, 'url');
      expect(res.status).toBe(400);
    }
  });
});

describe('query strings and paths', () => {
  const queries = [
    '/v1/deliveries?status[]=failed',
    '/v1/deliveries?status=failed&status=delivered',
    '/v1/deliveries?limit=1e9',
    '/v1/deliveries?limit=-1',
    '/v1/deliveries?limit=',
    '/v1/deliveries?limit=abc',
    '/v1/deliveries?limit=1.5',
    '/v1/deliveries?limit=Infinity',
    '/v1/deliveries?endpoint_id[]=x',
    '/v1/deliveries?__proto__[admin]=true',
    `/v1/deliveries?signal_id=${encodeURIComponent("x' OR TenantId != 'x")}`,
    `/v1/deliveries?endpoint_id=${encodeURIComponent(`${'ep_0000000000000000'}' OR EndpointId != '`)}`,
    `/v1/deliveries?signal_id=${'a'.repeat(5000)}`,
    '/v1/dead-letters?since=yesterday',
    '/v1/dead-letters?since[$gt]=2026-01-01',
    '/v1/dead-letters?limit=1e9',
    '/v1/dead-letters?limit=0',
  ];
  test.each(queries)('GET %s is a 400', async (path) => {
    const res = await send('GET', path, { key: tenantKey() });
    expectClientError(res, path);
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toMatch(/^query/);
  });

  const paths = [
    'GET /v1/endpoints/..%2f..%2fetc%2fpasswd',
    'GET /v1/endpoints/../../etc/passwd',
    'GET /v1/endpoints/%2e%2e',
    'GET /v1/endpoints/ep_0000000000000000%2fpause',
    'GET /v1/endpoints/%00',
    'GET /v1/endpoints/%E0%A4%A',
    `GET /v1/endpoints/ep_${'0'.repeat(10_000)}`,
    `PATCH /v1/endpoints/${'x'.repeat(10_000)}`,
    `DELETE /v1/endpoints/ep_${'a'.repeat(10_000)}`,
    `POST /v1/endpoints/ep_${'0'.repeat(10_000)}/pause`,
    `GET /v1/deliveries/dlv_ep_0000000000000000_${'a'.repeat(10_000)}`,
    `POST /v1/deliveries/${'%2e%2e%2f'.repeat(100)}/replay`,
    'GET /v1//endpoints',
    'GET /V1/ENDPOINTS/%2E%2E',
  ];
  test.each(paths)('%s is a 4xx and changes nothing', async (line) => {
    const [method, path] = line.split(' ') as [string, string];
    const body = method === 'PATCH' ? JSON.stringify({ enabled: false }) : undefined;
    const res = await send(method, path, { key: tenantKey(), body });
    expectClientError(res, line);
  });
});

describe('text that is valid Unicode is kept as given', () => {
  test('RTL overrides, 4-byte emoji and long-but-allowed text survive a round trip', async () => {
    // A tenant of its own: the victim's endpoint list must stay as it was.
    const tenant = await createTenant(stack, 'Ünïcødé 😀 \u202eevil\u202c');
    const label = `😀 ${'\u202e'}lebal${'\u202c'} ${'x'.repeat(150)}`;
    const created = await createEndpoint(stack, tenant, { url: 'https://hooks.example.com/pq', label });
    const fetched = await stack.api.request('GET', `/v1/endpoints/${created.id}`, { key: tenant.key });
    expect(fetched.body.label).toBe(label);
  });
});

describe('property: arbitrary input never gets a 5xx', () => {
  test('any JSON value posted as a signal is a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const res = await send('POST', '/v1/signals', { key: operator(), body: JSON.stringify(value) });
        expectClientError(res, `signal ${JSON.stringify(value).slice(0, 200)}`);
      }),
      { numRuns: 100 },
    );
  });

  test('a valid signal with one field replaced by any JSON value is a 4xx or names no tenant', async () => {
    const base = { ...sampleSignal(), tenant_id: 'ten_0000000000000000' };
    const fields = Object.keys(base);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 3 }), async (field, value) => {
        const body = JSON.stringify({ ...base, [field]: value });
        const res = await send('POST', '/v1/signals', { key: operator(), body });
        // 404 (tenant_not_found) when the replacement happens to be valid: nothing can start.
        expectClientError(res, body.slice(0, 200));
      }),
      { numRuns: 100 },
    );
  });

  test('an arbitrary string as an endpoint url is 201 only when it is a plain http(s) URL', async () => {
    const tenant = await createTenant(stack, 'Url fuzz');
    const prefix = fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:', 'ftp://', 'https://u:p@', '');
    const host = fc.oneof(
      fc.constantFrom(
        'hooks.example.com',
        'exаmple.com',
        'xn--exmple-4nf.com',
        '[::1]',
        'a',
        'hooks.example.com:0',
      ),
      fc.domain(),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 10 }),
    );
    const rest = fc.oneof(fc.constant(''), fc.webPath(), fc.string({ unit: 'binary', maxLength: 20 }));
    const candidate = fc.oneof(
      fc.tuple(prefix, host, rest).map((parts) => parts.join('')),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(candidate, async (url) => {
        const res = await send('POST', '/v1/endpoints', { key: tenant.key, body: JSON.stringify({ url }) });
        const context = `${JSON.stringify(url)} → ${res.status} ${res.text.slice(0, 200)}`;
        if (res.status === 201) {
          expect(plainHttpUrl(res.body.url), context).toBe(true);
          expect(res.body.url, context).toBe(asStored(url));
          const deleted = await send('DELETE', `/v1/endpoints/${res.body.id}`, { key: tenant.key });
          expect(deleted.status).toBe(204);
          return;
        }
        // A plain URL may still be refused by the outbound address rules (private or odd hosts).
        expectClientError(res, context, plainHttpUrl(asStored(url)) ? undefined : 'url');
        expect(res.status, context).toBe(400);
      }),
      { numRuns: 100 },
    );
  });
});

/** Like the URL parser, the schema drops surrounding white space and every tab and line break. */
const asStored = (url: string): string => url.trim().replace(/[\t\n\r]/g, '');

/**
 * What an endpoint URL must be: printable ASCII, http(s) with a host, no credentials, a real port.
 * Hosts are judged as the WHATWG parser the worker uses sees them (`https:///a` reaches host `a`).
 */
function plainHttpUrl(value: string): boolean {
  if (value.length > 2048 || !/^[\x21-\x7e]+$/.test(value) || !/^https?:\/\//i.test(value)) return false;
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.username === '' && url.password === '' && url.port !== '0';
}

test('after the barrage the victim is exactly as it was: same endpoint, no deliveries, nothing sent', async () => {
  const endpoints = await stack.api.request('GET', '/v1/endpoints', { key: victim.key });
  expect(endpoints.body).toEqual(endpointsBefore);
  const endpoint = await stack.api.request('GET', `/v1/endpoints/${endpointId}`, { key: victim.key });
  expect(endpoint.body).toMatchObject({ enabled: true, health: { paused: null }, held_deliveries: 0 });
  expect((await stack.api.request('GET', '/v1/dead-letters', { key: victim.key })).body.dead_letters).toEqual(
    [],
  );
  // A delivery the barrage had started would have been started before this one (the sentinel):
  // once the sentinel is delivered and listed, the victim's log and receiver hold it alone.
  const sentinel = (await sendSignal(stack, victim)).deliveries[0]!.delivery_id;
  await settledDelivery(stack, victim, sentinel);
  const listed = await eventually(async () => {
    const log = await stack.api.request('GET', '/v1/deliveries', { key: victim.key });
    const ids: string[] = log.body.deliveries.map((d: { id: string }) => d.id);
    return ids.includes(sentinel) && ids;
  });
  expect(listed).toEqual([sentinel]);
  expect(receiver.requests.map((r) => r.headers['x-signal-push-delivery-id'])).toEqual([sentinel]);
  // The service runs in this process: a polluted Object.prototype would show here.
  expect(({} as any).admin).toBeUndefined();
});
