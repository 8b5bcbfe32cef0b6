import { expect, test } from 'vitest';
import { endpointLimitProblems, ENDPOINT_FIELD_LIMITS } from '../../src/endpoints/endpoint-limits';
import { creationPage } from '../../src/services/creation-pages';
import { buildEndpoint } from '../../src/endpoints/endpoint-settings';
import { jsonBytes } from '../../workflows/json-bytes';

const endpoint = (
  body: Record<string, unknown>,
  id = 'ep_0000000000000001',
  now = '2026-01-01T00:00:00.000Z',
) =>
  buildEndpoint({ url: 'https://hooks.example.com/', ...body } as never, {
    id,
    tenantId: 'ten_0000000000000001',
    plan: { max_endpoints: 10, rate_limit_per_minute: 60 },
    signatureHeader: 'X-PQ-Signature',
    now,
  });

test.each([
  ['plain ASCII', 'abc', 5],
  ['a quote and a backslash take two bytes each', '"\\', 6],
  ['a control character takes six', '\u0001', 8],
  ['é takes two bytes of UTF-8', 'é', 4],
  ['a lone surrogate is escaped to six', '\ud800', 8],
  ['an emoji takes four', '😀', 6],
])('jsonBytes counts UTF-8 bytes of the JSON encoding: %s', (_name, value, bytes) => {
  expect(jsonBytes(value)).toBe(bytes);
  expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
});

test('an endpoint with every field at its largest allowed characters is within every limit but the ones that expand', () => {
  expect(endpointLimitProblems(endpoint({ label: 'l'.repeat(200), description: 'd'.repeat(1000) }))).toEqual(
    [],
  );
  expect(endpointLimitProblems(endpoint({ label: '"'.repeat(200) }))).toEqual([]);
  expect(endpointLimitProblems(endpoint({ label: '\u0001'.repeat(200) }))).toEqual([
    { field: 'label', problem: 'takes 1202 bytes as stored (JSON-encoded); the limit is 512', limit: 512 },
  ]);
});

test('each custom header value is measured on its own, and all of them together', () => {
  const one = endpointLimitProblems(endpoint({ headers: { 'X-A': '"'.repeat(2100) } }));
  expect(one.map((p) => p.field)).toEqual(['headers.X-A']);
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-${i}`, 'v'.repeat(900)]));
  expect(endpointLimitProblems(endpoint({ headers: many })).map((p) => p.field)).toEqual(['headers']);
  expect(ENDPOINT_FIELD_LIMITS.headers).toBeLessThan(20 * 900);
});

test('pages run oldest first, and a position holds after its endpoint is gone', () => {
  const all = [3, 1, 2, 5, 4].map((n) =>
    endpoint({}, `ep_000000000000000${n}`, `2026-01-0${n}T00:00:00.000Z`),
  );
  const first = creationPage(all, 2);
  expect(first.items.map((e) => e.id.slice(-1))).toEqual(['1', '2']);
  const withoutSecond = all.filter((e) => !e.id.endsWith('2'));
  const second = creationPage(withoutSecond, 2, { after: first.next! });
  expect(second.items.map((e) => e.id.slice(-1))).toEqual(['3', '4']);
  expect(creationPage(withoutSecond, 2, { after: second.next! })).toMatchObject({ next: null });
});

test('since is inclusive and until exclusive, on the creation time', () => {
  const all = [1, 2, 3, 4, 5].map((n) =>
    endpoint({}, `ep_000000000000000${n}`, `2026-01-0${n}T00:00:00.000Z`),
  );
  const page = creationPage(all, 10, { since: '2026-01-02T00:00:00Z', until: '2026-01-04T00:00:00Z' });
  expect(page.items.map((e) => e.id.slice(-1))).toEqual(['2', '3']);
  expect(page.next).toBeNull();
});
