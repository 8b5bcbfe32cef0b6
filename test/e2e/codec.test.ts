import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { requireOperator } from '../../src/api/auth';
import { errorHandler } from '../../src/api/errors';
import { hashApiKey } from '../../src/auth/api-keys';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { loadOrCreateCodecKeys, parseCodecKeys } from '../../src/codec/codec-keys';
import { codecRoutes } from '../../src/api/codec/codec-routes';
import { CodecSessions } from '../../src/api/codec/codec-session';
import { createDataConverter } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/service';
import { tenantWorkflowId } from '../../workflows/ids';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sampleSignal, sendSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';
import { REQUEST_ID_HEADER } from '../../workflows/request-id-interceptors';

const K1 = crypto.randomBytes(32).toString('base64');
const K2 = crypto.randomBytes(32).toString('base64');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString();

let stack: Stack;
let receiver: Receiver;
let plain: Client;
beforeAll(async () => {
  stack = await startStack({ SIGNAL_PUSH_CODEC_KEYS: `k2:${K2},k1:${K1}` });
  receiver = await startReceiver();
  // What anyone with access to Temporal (its database, the Web UI, the CLI) sees: no codec.
  plain = new Client({ connection: stack.service.client.connection });
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

interface FoundPayload {
  path: string;
  encoding: string | undefined;
  keyId: string | undefined;
}

/** Every event of a workflow's history, as Temporal stores and serves it. */
async function rawHistory(workflowId: string) {
  const events = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await plain.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** What the SDK records in clear about a local activity; nothing of its input or result. */
const LA_MARKER_KEYS = new Set([
  'seq',
  'attempt',
  'activity_id',
  'activity_type',
  'complete_time',
  'backoff',
  'original_schedule_time',
]);

/** The readable bookkeeping of each local-activity marker in a delivery's history. */
async function localActivityMarkerData(workflowId: string): Promise<Array<Record<string, unknown>>> {
  return (await rawHistory(workflowId))
    .map((event) => event.markerRecordedEventAttributes)
    .filter((marker) => marker?.markerName === 'core_local_activity')
    .map((marker) => {
      const payload = marker!.details!.data!.payloads![0]!;
      return JSON.parse(Buffer.from(payload.data!).toString()) as Record<string, unknown>;
    });
}

/** All text of a history: its string fields and every byte field (payloads) read as text. */
function textOf(value: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (node instanceof Uint8Array) parts.push(Buffer.from(node).toString('latin1'));
    else if (typeof node === 'string') parts.push(node);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  return `${JSON.stringify(value)}\n${parts.join('\n')}`;
}

/** Every payload in a history, with where it sits and how it says it is encoded. */
function payloadsOf(value: unknown): FoundPayload[] {
  const found: FoundPayload[] = [];
  const walk = (node: unknown, at: string) => {
    if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
    const metadata = (node as { metadata?: Record<string, Uint8Array> }).metadata;
    if (metadata && metadata.encoding instanceof Uint8Array) {
      const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString() : undefined);
      found.push({ path: at, encoding: text(metadata.encoding), keyId: text(metadata['encryption-key-id']) });
      return;
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${at}.${key}`);
  };
  walk(value, '');
  return found;
}

async function deliverOne(target: Stack, tenant: TestTenant, to: Receiver) {
  const endpoint = await createEndpoint(target, tenant, { url: to.url });
  const { deliveries } = await sendSignal(target, tenant);
  const deliveryId = deliveries[0]!.delivery_id;
  const delivery = await settledDelivery(target, tenant, deliveryId);
  expect(delivery.status).toBe('delivered');
  return { endpoint, deliveryId };
}

describe('what Temporal stores', () => {
  test("a delivered signal's history holds no name, e-mail or endpoint secret, yet the receiver gets them signed", async () => {
    const tenant = await createTenant(stack);
    const before = receiver.requests.length;
    const { endpoint, deliveryId } = await deliverOne(stack, tenant, receiver);
    const { prospect } = sampleSignal() as { prospect: { name: string; email: string } };

    for (const workflowId of [deliveryId, tenantWorkflowId(tenant.id)]) {
      const history = textOf(await rawHistory(workflowId));
      expect(history).toContain('binary/encrypted');
      for (const secret of [prospect.email, prospect.name, endpoint.secret]) {
        expect(history, `${secret} in ${workflowId}`).not.toContain(secret);
      }
    }
    // The search reads payload bytes: the tenant id, a search attribute, is there in plain text.
    expect(textOf(await rawHistory(deliveryId))).toContain(tenant.id);

    const request = receiver.requests[before]!;
    const body = request.rawBody.toString();
    expect(JSON.parse(body)).toMatchObject({ prospect });
    expect(request.headers['x-pq-signature']).toBe(
      crypto.createHmac('sha256', endpoint.secret).update(request.rawBody).digest('hex'),
    );
  });

  test('every payload of a delivery but its search attributes is encrypted with the active key', async () => {
    const tenant = await createTenant(stack);
    const { deliveryId } = await deliverOne(stack, tenant, receiver);
    const payloads = payloadsOf(await rawHistory(deliveryId));
    const encrypted = payloads.filter((payload) => payload.encoding === 'binary/encrypted');
    expect(encrypted.length).toBeGreaterThan(0);
    expect(new Set(encrypted.map((payload) => payload.keyId))).toEqual(new Set(['k2']));
    const clear = payloads.filter((payload) => payload.encoding !== 'binary/encrypted');
    // Besides search attributes, only what the SDK writes for itself stays readable: the patch
    // marker's id and a local-activity marker's bookkeeping (its type, sequence number, attempt and
    // times), never the attempt's result, which is in the marker's encrypted `result`. And the
    // header naming the API request that started it: a correlation id (the SDK runs no codec over
    // headers), which the service makes or accepts only from a narrow alphabet (src/api/request-id.ts).
    const sdkOwn = (path: string) =>
      path.includes('.indexedFields.') ||
      path.endsWith(`.header.fields.${REQUEST_ID_HEADER}`) ||
      /\.markerRecordedEventAttributes\.details\.(data|patch-data)\.payloads\.\d+$/.test(path);
    expect(
      clear.every((payload) => sdkOwn(payload.path)),
      JSON.stringify(clear),
    ).toBe(true);
    expect(payloads.some((payload) => /\.details\.result\./.test(payload.path))).toBe(true);
    const bookkeeping = await localActivityMarkerData(deliveryId);
    expect(bookkeeping.length).toBeGreaterThan(0);
    for (const data of bookkeeping) {
      expect(
        Object.keys(data).every((key) => LA_MARKER_KEYS.has(key)),
        JSON.stringify(data),
      ).toBe(true);
    }
  });

  test("a failed delivery's failure message and details are encrypted, yet the API still shows its attempts", async () => {
    const marker = `boom-${crypto.randomBytes(6).toString('hex')}`;
    const failing = await startReceiver(() => ({ status: 500, body: marker }));
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, {
        url: failing.url,
        retry_policy: { max_retries: 1, interval_seconds: 30, backoff: 'fixed' },
      });
      const { deliveries } = await sendSignal(stack, tenant);
      const deliveryId = deliveries[0]!.delivery_id;
      const delivery = await settledDelivery(stack, tenant, deliveryId);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts).toHaveLength(2);
      expect(delivery.attempts[0]).toMatchObject({ http_status: 500, response_body: marker });

      const events = await rawHistory(deliveryId);
      const failure = events.find((event) => event.workflowExecutionFailedEventAttributes)!
        .workflowExecutionFailedEventAttributes!.failure!;
      expect(failure.message).toBe('Encoded failure');
      expect(failure.stackTrace).toBe('');
      expect(payloadsOf(failure.encodedAttributes ? { a: failure.encodedAttributes } : {})).toEqual([
        { path: '.a', encoding: 'binary/encrypted', keyId: 'k2' },
      ]);
      // The type stays readable: it is what marks a delivery that ran out of attempts.
      expect(failure.applicationFailureInfo?.type).toBe('DeliveryFailed');
      expect(textOf(events)).not.toContain(marker);
    } finally {
      await failing.close();
    }
  });
});

test('after a rotation old histories decode with the old key, new payloads use the new one, and without the old key they cannot be read', async () => {
  const taskQueue = `test-rotation-${crypto.randomBytes(4).toString('hex')}`;
  const healthy = await startReceiver();
  const before = await startStack({ SIGNAL_PUSH_CODEC_KEYS: `k1:${K1}`, TEMPORAL_TASK_QUEUE: taskQueue });
  let tenant!: TestTenant;
  let oldDelivery!: string;
  try {
    tenant = await createTenant(before);
    ({ deliveryId: oldDelivery } = await deliverOne(before, tenant, healthy));
    const written = payloadsOf(await rawHistory(oldDelivery)).filter(
      (p) => p.encoding === 'binary/encrypted',
    );
    expect(new Set(written.map((payload) => payload.keyId))).toEqual(new Set(['k1']));
  } finally {
    await before.stop();
  }

  // The same deployment restarted with a new key first and the old one kept.
  const after = await startStack({
    SIGNAL_PUSH_CODEC_KEYS: `k2:${K2},k1:${K1}`,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  try {
    const old = await after.api.request('GET', `/v1/deliveries/${oldDelivery}`, { key: tenant.key });
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ status: 'delivered', attempts: [{ http_status: 200 }] });

    const { deliveries } = await sendSignal(after, tenant);
    await settledDelivery(after, tenant, deliveries[0]!.delivery_id);
    const fresh = payloadsOf(await rawHistory(deliveries[0]!.delivery_id)).filter(
      (payload) => payload.encoding === 'binary/encrypted',
    );
    expect(new Set(fresh.map((payload) => payload.keyId))).toEqual(new Set(['k2']));
  } finally {
    await after.stop();
    await healthy.close();
  }

  // k1 dropped too early: what it sealed can no longer be read, and the error says which key is missing.
  const withoutOldKey = new Client({
    connection: stack.service.client.connection,
    dataConverter: createDataConverter(new AesGcmCodec(parseCodecKeys(`k2:${K2}`))),
  });
  await expect(withoutOldKey.workflow.getHandle(oldDelivery).result()).rejects.toThrow(
    'payload is encrypted with unknown key id "k1"',
  );
});

describe('the codec endpoint', () => {
  const payload = { metadata: { encoding: b64('json/plain') }, data: b64('{"email":"alex@acme.example"}') };
  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.service.apiUrl}/codec/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const operator = () => ({ authorization: `Bearer ${stack.operatorKey}`, 'x-namespace': 'default' });

  test('refuses to decode without the operator key', async () => {
    expect((await post('decode', { payloads: [payload] })).status).toBe(401);
    const tenant = await createTenant(stack);
    expect(
      (await post('decode', { payloads: [payload] }, { authorization: `Bearer ${tenant.key}` })).status,
    ).toBe(401);
  });

  test('decodes with the operator key what it encoded', async () => {
    const encoded: any = await (await post('encode', { payloads: [payload] }, operator())).json();
    const sealed = encoded.payloads[0];
    expect(unb64(sealed.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(sealed.metadata['encryption-key-id'])).toBe('k2');
    expect(unb64(sealed.data)).not.toContain('alex@acme.example');

    const decoded = await post('decode', { payloads: [sealed] }, operator());
    expect(decoded.status).toBe(200);
    expect(await decoded.json()).toEqual({ payloads: [payload] });
  });

  test('answers a payload sealed with an unknown key with a 400 that names the key id', async () => {
    const stranger = new AesGcmCodec(parseCodecKeys(`k9:${crypto.randomBytes(32).toString('base64')}`));
    const [sealed] = await stranger.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') },
    ]);
    const res = await post(
      'decode',
      {
        payloads: [
          {
            metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k9') },
            data: Buffer.from(sealed!.data!).toString('base64'),
          },
        ],
      },
      operator(),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain('unknown key id "k9"');
  });

  test('refuses a request for another namespace', async () => {
    const res = await post('decode', { payloads: [payload] }, { ...operator(), 'x-namespace': 'other' });
    expect(res.status).toBe(400);
  });

  test("answers the embedded Web UI's CORS preflight without a key, and no other origin's", async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.service.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const allowed = await preflight('http://localhost:8233');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const allowedHeaders = allowed.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['authorization', 'content-type', 'x-namespace'])
      expect(allowedHeaders).toContain(header);

    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.status).toBe(403);
  });

  test('the temporal CLI shows a delivery decrypted through the codec endpoint with the operator key', async () => {
    const tenant = await createTenant(stack);
    const { deliveryId } = await deliverOne(stack, tenant, receiver);
    const show = (...extra: string[]) =>
      promisify(execFile)(
        inject('temporalCliPath'),
        [
          'workflow',
          'show',
          '--workflow-id',
          deliveryId,
          '--address',
          inject('temporalAddress'),
          '--output',
          'json',
          ...extra,
        ],
        { timeout: 30_000 },
      ).then(
        // JSON output keeps payload data base64: read every such field as text too.
        ({ stdout }) =>
          `${stdout}\n${[...stdout.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) => unb64(m[1]!)).join('\n')}`,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    const endpoint = ['--codec-endpoint', `${stack.service.apiUrl}/codec`];
    expect(await show(...endpoint, '--codec-auth', `Bearer ${stack.operatorKey}`)).toContain(
      'alex@acme.example',
    );
    // Without the codec the same command shows only ciphertext. (Without the key it retries the
    // 401 until its 10 s deadline and fails: `refuses to decode without the operator key` covers that.)
    const withoutCodec = await show();
    expect(withoutCodec).toContain(b64('binary/encrypted'));
    expect(withoutCodec).not.toContain('alex@acme.example');
  });
});

describe("the Web UI's codec session", () => {
  const ui = 'http://127.0.0.1:8233';
  const sealer = new AesGcmCodec(parseCodecKeys(`k2:${K2}`));
  const plainPayload = {
    metadata: { encoding: b64('json/plain') },
    data: b64('{"email":"alex@acme.example"}'),
  };
  const sealedPayload = async () => {
    const [sealed] = await sealer.encode([
      {
        metadata: { encoding: Buffer.from('json/plain') },
        data: Buffer.from('{"email":"alex@acme.example"}'),
      },
    ]);
    return {
      metadata: Object.fromEntries(
        Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
      ),
      data: Buffer.from(sealed!.data!).toString('base64'),
    };
  };
  const signIn = (key: string, base = stack.service.apiUrl!, headers: Record<string, string> = {}) =>
    fetch(`${base}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ key }),
    });
  const setCookie = (res: Response) =>
    res.headers.getSetCookie().find((cookie) => cookie.startsWith('signal_push_codec='));
  /** The `name=value` a browser sends back for a `Set-Cookie` line. */
  const sent = (line: string | undefined) => line!.split(';')[0]!;
  /** What the Web UI sends with "Include cross-origin credentials" ticked. */
  const decodeAsUi = async (cookie: string, base = stack.service.apiUrl!) =>
    fetch(`${base}/codec/decode`, {
      method: 'POST',
      headers: { origin: ui, 'content-type': 'application/json', 'x-namespace': 'default', cookie },
      body: JSON.stringify({ payloads: [await sealedPayload()] }),
    });

  test('the sign-in page is a form with a password field, under a policy that allows no script and posts only to itself', async () => {
    const res = await fetch(`${stack.service.apiUrl}/codec/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action="\/codec\/login">/);
    expect(html).toContain('type="password"');
    expect(html).not.toMatch(/<script|src=|href="http/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src|unsafe/);
  });

  test('signing in with the operator key sets an HttpOnly, SameSite=Strict cookie for /codec that lasts 12 hours', async () => {
    const res = await signIn(stack.operatorKey);
    expect(res.status).toBe(200);
    const cookie = setCookie(res)!;
    expect(cookie).toMatch(/^signal_push_codec=\d+\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Strict');
    expect(cookie).toContain('; Path=/codec');
    expect(cookie).toContain('; Max-Age=43200');
    expect(cookie).not.toContain('Secure'); // plain http on loopback; https adds it
    const html = await res.text();
    expect(html).toContain('Signed in: the Web UI at <a href="http://127.0.0.1:8233">');
    expect(html).toContain('Include cross-origin credentials');
    expect(html).toContain(`<code>${stack.service.apiUrl}/codec</code>`);
    expect(html).not.toContain(stack.operatorKey);

    // Back on the page, the browser is shown as signed in.
    const again = await fetch(`${stack.service.apiUrl}/codec/login`, { headers: { cookie: sent(cookie) } });
    expect(await again.text()).toContain('Signed in:');
  });

  test('a wrong key, a tenant key or no key gets a 401 page and no cookie', async () => {
    const tenant = await createTenant(stack);
    for (const key of [`${stack.operatorKey}x`, tenant.key, '', `Bearer ${stack.operatorKey}`]) {
      const res = await signIn(key);
      expect(res.status).toBe(401);
      expect(setCookie(res)).toBeUndefined();
      expect(await res.text()).toContain('That is not the operator key.');
    }
  });

  test('a sign-in posted from another site is refused', async () => {
    const res = await signIn(stack.operatorKey, stack.service.apiUrl, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(403);
    expect(setCookie(res)).toBeUndefined();
  });

  test('with the session cookie the Web UI decodes, and may read the answer with credentials from its exact origin', async () => {
    const cookie = sent(setCookie(await signIn(stack.operatorKey)));
    const res = await decodeAsUi(cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ui);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    expect(await res.json()).toEqual({ payloads: [plainPayload] });

    // The CLI's way keeps working beside it.
    const cli = await fetch(`${stack.service.apiUrl}/codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [await sealedPayload()] }),
    });
    expect(await cli.json()).toEqual({ payloads: [plainPayload] });
  });

  test('a forged or altered cookie is refused with 401', async () => {
    const [expiry, mac] = sent(setCookie(await signIn(stack.operatorKey)))
      .split('=')[1]!
      .split('.');
    const later = Number(expiry) + 365 * 24 * 3600;
    for (const token of [
      `${later}.${mac}`, // a longer session under the real MAC
      `${expiry}.${crypto.randomBytes(32).toString('base64url')}`, // a made-up MAC
      `${expiry}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`,
      `0${expiry}.${mac}`,
      `${expiry}.${mac}.x`,
      'true',
    ]) {
      const res = await decodeAsUi(`signal_push_codec=${token}`);
      expect(res.status, token).toBe(401);
    }
  });

  test('an expired cookie is refused with 401, and the sign-in page shows the form again', async () => {
    // The codec routes on their own, with a clock the test moves on; the same over real HTTP.
    let now = Date.now();
    const operatorKey = `spo_test_${crypto.randomBytes(24).toString('hex')}`;
    const app = express();
    app.use(
      '/codec',
      codecRoutes({
        codec: new AesGcmCodec(parseCodecKeys(`k2:${K2}`)),
        requireOperator: requireOperator(hashApiKey(operatorKey)),
        namespace: 'default',
        corsOrigins: [ui],
        sessions: new CodecSessions({ now: () => now }),
      }),
    );
    app.use(errorHandler);
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cookie = sent(setCookie(await signIn(operatorKey, base)));
      now += 12 * 3600 * 1000 - 1000;
      expect((await decodeAsUi(cookie, base)).status).toBe(200);
      now += 2000;
      expect((await decodeAsUi(cookie, base)).status).toBe(401);
      const page = await fetch(`${base}/codec/login`, { headers: { cookie } });
      expect(await page.text()).toContain('type="password"');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("the Web UI's preflight from an allowed origin allows credentials; another origin's does not", async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.service.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(ui);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ui);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('signing out clears the cookie', async () => {
    const cookie = sent(setCookie(await signIn(stack.operatorKey)));
    const res = await fetch(`${stack.service.apiUrl}/codec/logout`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    const cleared = setCookie(res)!;
    expect(cleared).toMatch(/^signal_push_codec=;/);
    expect(cleared).toContain('; Path=/codec');
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
    expect(await res.text()).toContain('type="password"');
  });
});

describe('keys', () => {
  const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-codec-'));

  test('the embedded default makes one key on first start, keeps it readable by its owner only, and reuses it', async () => {
    const dataDir = await tempDir();
    try {
      const config = { codecKeys: undefined, dataDir, temporal: { address: undefined } };
      const first = await loadOrCreateCodecKeys(config);
      expect(first).toMatchObject({ created: true, file: path.join(dataDir, 'codec-keys') });
      expect((await fs.stat(first.file!)).mode & 0o777).toBe(0o600);
      const again = await loadOrCreateCodecKeys(config);
      expect(again.created).toBe(false);
      expect(again.keySet).toEqual(first.keySet);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  test('an external cluster without SIGNAL_PUSH_CODEC_KEYS stops start-up with one line naming the variable', async () => {
    const dataDir = await tempDir();
    try {
      const config = loadConfig({
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        SIGNAL_PUSH_DATA_DIR: dataDir,
      });
      const failure = await startService(config).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).toMatch(/SIGNAL_PUSH_CODEC_KEYS: is required when TEMPORAL_ADDRESS is set/);
      expect(failure?.message).not.toContain('\n');
      await expect(fs.readdir(dataDir)).resolves.toEqual([]);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  test.each([
    ['a 16-byte key', `k1:${crypto.randomBytes(16).toString('base64')}`],
    ['a key without its id', crypto.randomBytes(32).toString('base64')],
    ['a key id used twice', `k1:${K1},k1:${K2}`],
    ['a key id with a space', `key one:${K1}`],
    ['an empty entry', `k1:${K1},`],
    ['a key that is not base64', `k1:${K1.slice(0, -4)}!!!!`],
  ])('refuses %s with one line naming the variable and no key material', (_name, raw) => {
    let message = '';
    try {
      parseCodecKeys(raw);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid configuration: SIGNAL_PUSH_CODEC_KEYS: /);
    expect(message).not.toContain('\n');
    for (const part of raw.split(/[,:]/).filter((p) => p.length >= 16)) expect(message).not.toContain(part);
  });
});
