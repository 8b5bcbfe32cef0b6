import http from 'node:http';
import net from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AddressPolicy, CLOUD_METADATA_NAMES, ForbiddenAddressError } from '../../src/net/address-policy';
import { createSafeDispatcher } from '../../src/net/safe-dispatcher';
import { createEndpoint, createTenant, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

// The outbound address rules as the API applies them (the rules on their own are in
// test/unit/outbound-address-rules.test.ts).

/** The rules as shipped, but with plain http let through, so only the address decides. */
const addressesOnly = new AddressPolicy({ allow: [], allowHttp: true });

describe('the API without an allowlist', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SIGNAL_PUSH_OUTBOUND_ALLOW: '', SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: 'false' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test.each([
    ['https://127.0.0.1/hook', 'is a loopback address (127.0.0.1)'],
    ['https://localhost/hook', 'is a loopback address'],
    ['http://example.com/', 'must use https (plain http is not allowed)'],
    ['https://[::1]/hook', 'is a loopback address (::1)'],
    ['https://169.254.169.254/latest/meta-data', 'is a cloud metadata address (169.254.169.254)'],
  ])('refuses to save an endpoint at %s, naming the url, and stores nothing', async (url, problem) => {
    const tenant = await createTenant(stack);
    const res = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'url', problem }] });
    const list = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
    expect(list.body.endpoints).toEqual([]);
  });

  test.each(
    CLOUD_METADATA_NAMES.flatMap((name) => [name, `${name.toUpperCase()}.`]).map((name) => [
      name,
      name.toLowerCase().replace(/\.$/, ''),
    ]),
  )(
    'refuses to save an endpoint at metadata host %s, naming the url, and stores nothing',
    async (name, listed) => {
      const tenant = await createTenant(stack);
      const url = `https://${name}/computeMetadata/v1/`;
      const res = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body: { url } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'validation_failed',
        fields: [{ field: 'url', problem: `is a cloud metadata host name (${listed})` }],
      });
      const list = await stack.api.request('GET', '/v1/endpoints', { key: tenant.key });
      expect(list.body.endpoints).toEqual([]);
    },
  );

  test('saves an endpoint at an ordinary name that does not resolve (yet): attempts check it again', async () => {
    const tenant = await createTenant(stack);
    // `.invalid` never resolves (RFC 6761), here or anywhere.
    const url = 'https://hooks.not-yet-live.invalid/hook';
    const res = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body: { url } });
    expect(res.status).toBe(201);
    expect(res.body.url).toBe(url);
  });

  test('refuses to move an endpoint to a private address, and keeps its URL', async () => {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: 'https://93.184.216.34/hook' });
    const res = await stack.api.request('PATCH', `/v1/endpoints/${endpoint.id}`, {
      key: tenant.key,
      body: { url: 'https://10.0.0.1/hook' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'url', problem: 'is a private address (10.0.0.1)' }]);
    const saved = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: tenant.key });
    expect(saved.body.url).toBe('https://93.184.216.34/hook');
  });
});

/** A forward proxy that tunnels CONNECT requests and records where each one went. */
async function startProxy() {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end('this proxy only tunnels');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const { hostname, port } = new URL(`http://${req.url}`);
    const upstream = net.connect(Number(port), hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => (client.destroy(), upstream.destroy()));
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('with an outbound proxy', () => {
  let stack: Stack;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let receiver: Receiver;
  beforeAll(async () => {
    proxy = await startProxy();
    receiver = await startReceiver();
    stack = await startStack({ SIGNAL_PUSH_OUTBOUND_PROXY: proxy.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    await proxy?.close();
  });

  test('sends every delivery through the proxy', async () => {
    const tenant = await createTenant(stack);
    await createEndpoint(stack, tenant, { url: receiver.url });
    const accepted = await sendSignal(stack, tenant);
    const delivery = await settledDelivery(stack, tenant, accepted.deliveries[0]!.delivery_id);
    expect(delivery.status).toBe('delivered');
    expect(receiver.requests).toHaveLength(1);
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${new URL(receiver.url).port}`]);
  });

  test('still refuses an IP literal the policy forbids, before the proxy hears of it', async () => {
    const before = proxy.seen.length;
    const through = createSafeDispatcher({ policy: addressesOnly, proxyUrl: proxy.url });
    try {
      const error = await request(receiver.url, { method: 'POST', body: '{}', dispatcher: through }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ForbiddenAddressError);
      expect(proxy.seen).toHaveLength(before);
    } finally {
      await through.close();
    }
  });
});
