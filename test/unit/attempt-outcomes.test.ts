import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attemptDelivery } from '../../activities/attempt-delivery';
import { AddressPolicy } from '../../src/net/address-policy';
import { createSafeDispatcher } from '../../src/net/safe-dispatcher';
import type { AttemptInput } from '../../activities/attempt-delivery';
import type { AttemptRecord } from '../../workflows/delivery-contract';
import { freePort } from '../helpers/free-port';
import type { HostileServer } from '../helpers/hostile-servers';
import { HOSTILE_KINDS, startHostileServer } from '../helpers/hostile-servers';
import type { Receiver, Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TlsCertificate } from '../helpers/tls-certificate';
import { makeCertificate } from '../helpers/tls-certificate';

// One attempt, as a delivery's worker makes it (its safe dispatcher, allowed to reach loopback as
// the tests' workers are), against receivers that answer, fail and misbehave in every way.

/** What the receiver at each path answers. */
const REPLIES: Record<string, Reply> = {
  '/boom': { status: 500, body: 'boom' },
  '/moved': { status: 302, headers: { location: '/elsewhere' } },
  '/elsewhere': { status: 200 },
  '/huge': { status: 400, body: 'x'.repeat(100_000) },
  '/429-retry-after': { status: 429, headers: { 'retry-after': '2' } },
  '/503-retry-after': { status: 503, headers: { 'retry-after': '2' } },
  '/500-retry-after': { status: 500, headers: { 'retry-after': '20' } },
};

const policy = new AddressPolicy({ allow: ['127.0.0.1/32'], allowHttp: true });
let receiver: Receiver;
let hostile: Record<(typeof HOSTILE_KINDS)[number], HostileServer>;
let certificate: TlsCertificate;
let tlsServer: https.Server;
let tlsUrl: string;
let dispatcher: Dispatcher;
let trusting: Dispatcher;

beforeAll(async () => {
  receiver = await startReceiver((request) => REPLIES[request.path] ?? { status: 404 });
  hostile = Object.fromEntries(
    await Promise.all(HOSTILE_KINDS.map(async (kind) => [kind, await startHostileServer(kind)])),
  );
  certificate = await makeCertificate();
  tlsServer = https.createServer({ cert: certificate.cert, key: certificate.key }, (_req, res) => res.end());
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/hook`;
  dispatcher = createSafeDispatcher({ policy });
  // SIGNAL_PUSH_OUTBOUND_CA_PATH adds a CA the worker trusts besides Node's own.
  trusting = createSafeDispatcher({ policy, ca: [certificate.cert] });
});
afterAll(async () => {
  await Promise.all([dispatcher?.close(), trusting?.close()]);
  await Promise.all(Object.values(hostile ?? {}).map((server) => server.close()));
  tlsServer?.closeAllConnections();
  await new Promise((resolve) => tlsServer?.close(resolve));
  await receiver?.close();
  await certificate?.remove();
});

const at = (path: string) => `${receiver.url.replace(/\/hook$/, '')}${path}`;

function attempt(
  url: string,
  options: { timeoutMs?: number; through?: Dispatcher } = {},
): Promise<AttemptRecord> {
  const input: AttemptInput = {
    deliveryId: 'dlv_ep_0123456789abcdef_sig_outcome',
    attempt: 2,
    endpoint: {
      id: 'ep_0123456789abcdef',
      url,
      method: 'POST',
      headers: {},
      signature: { scheme: 'none', header: 'X-Signature', body_field: null },
      secrets: [],
      timeoutMs: options.timeoutMs ?? 5_000,
    },
    payload: { signal_id: 'sig_outcome' },
  };
  return new MockActivityEnvironment().run(
    attemptDelivery,
    { dispatcher: options.through ?? dispatcher, userAgent: 'signal-push/test' },
    input,
  );
}

type Expected = Partial<Pick<AttemptRecord, 'http_status' | 'error_kind' | 'retry_after_ms'>>;

test.each<{ why: string; url: () => string | Promise<string>; expected: Expected }>([
  {
    why: 'a 2xx is a success',
    url: () => at('/elsewhere'),
    expected: { http_status: 200, error_kind: null },
  },
  {
    why: 'a 500 is a failed attempt',
    url: () => at('/boom'),
    expected: { http_status: 500, error_kind: 'non_2xx' },
  },
  {
    why: 'a 302 is not followed and is a failure of its own kind',
    url: () => at('/moved'),
    expected: { http_status: 302, error_kind: 'redirect' },
  },
  {
    why: 'a refused connection',
    url: async () => `http://127.0.0.1:${await freePort()}/hook`,
    expected: { http_status: null, error_kind: 'connection_refused' },
  },
  {
    why: 'an unresolvable host',
    url: () => 'http://no-such-host.invalid/hook',
    expected: { http_status: null, error_kind: 'dns' },
  },
  {
    why: 'a TLS handshake that fails (https to a plain-HTTP port)',
    url: () => at('/elsewhere').replace('http://', 'https://'),
    expected: { http_status: null, error_kind: 'tls' },
  },
  {
    why: 'a certificate the worker does not trust',
    url: () => tlsUrl,
    expected: { http_status: null, error_kind: 'tls' },
  },
  {
    why: 'a connection reset as the request arrives',
    url: () => hostile.resets.url,
    expected: { http_status: null, error_kind: 'connection_error' },
  },
  {
    why: 'a server that does not speak HTTP',
    url: () => hostile.garbage.url,
    expected: { http_status: null, error_kind: 'connection_error' },
  },
  {
    why: 'a 429 with Retry-After: 2 asks for 2 s',
    url: () => at('/429-retry-after'),
    expected: { http_status: 429, retry_after_ms: 2000 },
  },
  {
    why: 'a 503 with Retry-After: 2 asks for 2 s',
    url: () => at('/503-retry-after'),
    expected: { http_status: 503, retry_after_ms: 2000 },
  },
  {
    why: 'a 500 with Retry-After is not asking for anything (only 429 and 503 are)',
    url: () => at('/500-retry-after'),
    expected: { http_status: 500, retry_after_ms: null },
  },
])('$why', async ({ url, expected }) => {
  const record = await attempt(await url());
  expect(record).toMatchObject({ attempt: 2, ...expected });
});

test('a 302 leaves its Location alone: the redirect target is never asked', async () => {
  const before = receiver.requests.filter((r) => r.path === '/elsewhere').length;
  await attempt(at('/moved'));
  expect(receiver.requests.filter((r) => r.path === '/elsewhere')).toHaveLength(before);
});

test("a receiver's answer is kept to its first 1 KB, also from a 200 that never ends", async () => {
  expect(await attempt(at('/boom'))).toMatchObject({ response_body: 'boom' });
  expect(await attempt(at('/huge'))).toMatchObject({
    response_body: 'x'.repeat(1024),
    error_kind: 'non_2xx',
  });
  const endless = await attempt(hostile.endless.url);
  expect(endless).toMatchObject({ http_status: 200, error_kind: null });
  expect(endless.response_body).toHaveLength(1024);
});

test('a receiver that hangs past the timeout is a timeout, given up at the timeout', async () => {
  const record = await attempt(hostile.hangs.url, { timeoutMs: 1_000 });
  expect(record).toMatchObject({ http_status: null, error_kind: 'timeout' });
  expect(record.latency_ms).toBeGreaterThanOrEqual(950);
  expect(record.latency_ms).toBeLessThan(3_000);
});

test('a certificate from the extra CA the worker is given is trusted', async () => {
  expect(await attempt(tlsUrl, { through: trusting })).toMatchObject({ http_status: 200, error_kind: null });
});

test("each attempt says which it is and carries the delivery's id, the same on every attempt", async () => {
  const before = receiver.requests.length;
  await attempt(at('/elsewhere'));
  const [request] = receiver.requests.slice(before);
  expect(request!.headers['x-signal-push-attempt']).toBe('2');
  expect(request!.headers['x-signal-push-delivery-id']).toBe('dlv_ep_0123456789abcdef_sig_outcome');
});
