import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inject } from 'vitest';
import { sampleSignal } from '../helpers/fixtures';
import { freePorts } from '../helpers/free-port';
import { startReceiver } from '../helpers/receiver';
import { apiClient, eventually } from '../helpers/stack';

// `npm start`'s own entry point, on the embedded default: it starts its own dev server.
let dataDir: string;
const ports = { api: 0, temporal: 0, ui: 0 };

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startMain(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      SIGNAL_PUSH_DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SIGNAL_PUSH_RETRY_DELAY_SCALE: '0.01',
      // The receiver listens on 127.0.0.1 over plain http, which production refuses.
      SIGNAL_PUSH_OUTBOUND_ALLOW: '127.0.0.1/32',
      SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: 'true',
    },
    // Its own process group, as under a terminal: a crash or a Ctrl-C goes to the whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await eventually(
    async () => output.includes('API:') || (child.exitCode !== null && Promise.reject(new Error(output))),
    90_000,
  );
  return { child, output: () => output, exited };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-embedded-'));
  [ports.api, ports.temporal, ports.ui] = (await freePorts(3)) as [number, number, number];
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('the embedded default starts its own Temporal, keeps state across a crash, and stops cleanly on Ctrl-C', async () => {
  const receiver = await startReceiver();
  let running = await startMain();
  try {
    expect(running.output()).toContain(`Temporal Web UI: http://127.0.0.1:${ports.ui}`);
    expect(running.output()).toContain(`API:             http://127.0.0.1:${ports.api}`);
    expect(running.output()).toContain(path.join(dataDir, 'operator-key'));
    const operatorKey = (await fs.readFile(path.join(dataDir, 'operator-key'), 'utf8')).trim();
    expect((await fs.stat(path.join(dataDir, 'operator-key'))).mode & 0o077).toBe(0);
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);

    const api = apiClient(`http://127.0.0.1:${ports.api}`);
    const tenant = await api.request('POST', '/v1/tenants', {
      key: operatorKey,
      body: { name: 'Persisted' },
    });
    const key = tenant.body.api_key;
    // A delivery caught mid-attempt by the crash is taken up after its workflow task timeout, which
    // covers the endpoint's timeout: a short one keeps that wait short.
    const endpoint = await api.request('POST', '/v1/endpoints', {
      key,
      body: { url: receiver.url, timeout_seconds: 1 },
    });
    const accepted = await api.request('POST', '/v1/signals', {
      key: operatorKey,
      body: { tenant_id: tenant.body.id, ...sampleSignal() },
    });
    expect(accepted.status).toBe(202);
    await receiver.waitFor(1);

    // A crash: the whole process group dies at once. The dev server, in a group of its own, sees
    // its owner gone and stops; the next start waits for it, then starts its own on the same data.
    process.kill(-running.child.pid!, 'SIGKILL');
    await running.exited;
    running = await startMain();

    expect((await api.request('GET', `/v1/endpoints/${endpoint.body.id}`, { key })).status).toBe(200);
    const deliveryId = accepted.body.deliveries[0].delivery_id;
    const delivery = await eventually(async () => {
      const res = await api.request('GET', `/v1/deliveries/${deliveryId}`, { key });
      return res.body?.status === 'delivered' && res.body;
    });
    expect(delivery.attempts).toHaveLength(1);
    // If the crash came between the POST and its record, the attempt was made again: same id.
    expect(new Set(receiver.requests.map((r) => r.headers['x-signal-push-delivery-id']))).toEqual(
      new Set([deliveryId]),
    );

    // Ctrl-C at a terminal: SIGINT to the whole group. The workers stop while the dev server still
    // answers (it is not in the group), then the server: quickly, and without a flood of warnings.
    const before = running.output().length;
    const interrupted = Date.now();
    process.kill(-running.child.pid!, 'SIGINT');
    expect(await running.exited).toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    const shutdownLines = running.output().slice(before).trim().split('\n');
    expect(shutdownLines).toEqual(['SIGINT: shutting down']);
    const stillListening = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: ports.temporal });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(stillListening).toBe(false);
  } finally {
    if (running.child.exitCode === null) process.kill(-running.child.pid!, 'SIGKILL');
    await receiver.close();
  }
}, 180_000);
