// `npm run bench -- --fairness`: one tenant sends a flood of deliveries at once while another sends
// hot and cold signals at a steady pace; each of the quiet tenant's deliveries is timed from its
// intake call to its arrival. See BENCHMARKS.md ("Priority lanes and fairness").
import fs from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startService } from '../src/service';
import { apiClient } from '../test/helpers/api-client';
import { sampleSignal } from '../test/helpers/fixtures';
import { benchConfig } from './bench-config';
import { startBenchReceiver } from './receiver';
import { percentile, round } from './stats';

const { values: args } = parseArgs({
  options: {
    fairness: { type: 'boolean', default: true },
    'flood-signals': { type: 'string', default: '1000' },
    'flood-endpoints': { type: 'string', default: '10' },
    'flood-concurrency': { type: 'string', default: '32' },
    /** The quiet tenant's signals, alternately hot and cold, one every --every ms. */
    samples: { type: 'string', default: '200' },
    every: { type: 'string', default: '250' },
    out: { type: 'string', default: 'bench-fairness.json' },
  },
});
const FLOOD_SIGNALS = Number(args['flood-signals']);
const FLOOD_ENDPOINTS = Number(args['flood-endpoints']);
const FLOOD = FLOOD_SIGNALS * FLOOD_ENDPOINTS;
const SAMPLES = Number(args.samples);
const EVERY_MS = Number(args.every);

const UNLIMITED = { max_endpoints: null, rate_limit_per_minute: null };

async function main(): Promise<void> {
  const { config, dataDir } = await benchConfig('fairness');
  const service = await startService(config);
  let flooded = 0;
  let floodDone = 0;
  const floodReceiver = await startBenchReceiver((_, at) => {
    flooded += 1;
    if (flooded === FLOOD) floodDone = at;
  });
  // Arrival time by the quiet tenant's signal id (first arrival only).
  const arrivedAt = new Map<string, number>();
  const quietReceiver = await startBenchReceiver((deliveryId, at) => {
    const signalId = deliveryId.slice(deliveryId.indexOf('_sig_') + 1);
    if (!arrivedAt.has(signalId)) arrivedAt.set(signalId, at);
  });
  const api = apiClient(service.apiUrl!);
  const operatorKey = service.operatorKey!.key;
  try {
    const tenant = async (name: string) =>
      (await api.request('POST', '/v1/tenants', { key: operatorKey, body: { name, plan: UNLIMITED } })).body;
    const flood = await tenant('flood');
    const quiet = await tenant('quiet');
    for (let i = 0; i < FLOOD_ENDPOINTS; i++) {
      await api.request('POST', '/v1/endpoints', {
        key: flood.api_key,
        body: { url: `${floodReceiver.url}?e=${i}` },
      });
    }
    await api.request('POST', '/v1/endpoints', { key: quiet.api_key, body: { url: quietReceiver.url } });
    const send = async (tenantId: string, signalId: string, classification: string) => {
      const res = await api.request('POST', '/v1/signals', {
        key: operatorKey,
        body: { tenant_id: tenantId, ...sampleSignal({ signal_id: signalId, classification }) },
      });
      if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
    };
    // Warm up: bundles, caches, connections.
    await Promise.all(Array.from({ length: 10 }, (_, i) => send(quiet.id, `sig_warm_${i}`, 'cold')));
    await waitFor(() => arrivedAt.size >= 10, 60_000);

    const loadAtStart = round(os.loadavg()[0]!);
    const started = Date.now();
    let next = 0;
    const floodIntake = Promise.all(
      Array.from({ length: Number(args['flood-concurrency']) }, async () => {
        while (next < FLOOD_SIGNALS) await send(flood.id, `sig_f${next++}`, 'cold');
      }),
    ).then(() => Date.now());
    // The quiet tenant, open loop: one signal every EVERY_MS whatever the latency, hot and cold in turn.
    const sentAt = new Map<string, { at: number; lane: 'hot' | 'cold'; acceptedMs: number }>();
    const quietSends: Promise<void>[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const due = started + i * EVERY_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const lane = i % 2 === 0 ? 'hot' : 'cold';
      const id = `sig_q${i}`;
      const entry: { at: number; lane: 'hot' | 'cold'; acceptedMs: number } = {
        at: Date.now(),
        lane,
        acceptedMs: 0,
      };
      sentAt.set(id, entry);
      quietSends.push(send(quiet.id, id, lane).then(() => void (entry.acceptedMs = Date.now() - entry.at)));
    }
    await Promise.all(quietSends);
    const floodIntakeDone = await floodIntake;
    await waitFor(() => flooded >= FLOOD && [...sentAt.keys()].every((id) => arrivedAt.has(id)), 30 * 60_000);

    const latencies = (lane: 'hot' | 'cold') =>
      [...sentAt].filter(([, s]) => s.lane === lane).map(([id, s]) => arrivedAt.get(id)! - s.at);
    const accepted = (lane: 'hot' | 'cold') =>
      [...sentAt.values()].filter((s) => s.lane === lane).map((s) => s.acceptedMs);
    // From the intake's 202 to the arrival: the wait in Temporal's queue and the worker.
    const afterAcceptance = (lane: 'hot' | 'cold') =>
      [...sentAt]
        .filter(([, s]) => s.lane === lane)
        .map(([id, s]) => arrivedAt.get(id)! - s.at - s.acceptedMs);
    const figures = (values: number[]) => ({
      n: values.length,
      p50Ms: round(percentile(values, 50)),
      p99Ms: round(percentile(values, 99)),
      maxMs: round(Math.max(...values)),
    });
    const summary = {
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        // Other people's jobs share the machine: the load around the run says how much.
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: round(os.loadavg()[0]!),
      },
      settings: {
        workerDeliverySlots: config.workerDeliverySlots,
        floodDeliveries: FLOOD,
        floodSignals: FLOOD_SIGNALS,
        floodEndpoints: FLOOD_ENDPOINTS,
        quietSignals: SAMPLES,
        quietEveryMs: EVERY_MS,
      },
      flood: {
        intakeSeconds: round((floodIntakeDone - started) / 1000),
        lastArrivalSeconds: round((floodDone - started) / 1000),
        deliveriesPerSecond: round(FLOOD / ((floodDone - started) / 1000)),
      },
      quietHot: figures(latencies('hot')),
      quietCold: figures(latencies('cold')),
      /** The intake call alone (its 202), part of the figures above. */
      quietHotIntake: figures(accepted('hot')),
      quietColdIntake: figures(accepted('cold')),
      quietHotAfterAcceptance: figures(afterAcceptance('hot')),
      quietColdAfterAcceptance: figures(afterAcceptance('cold')),
    };
    for (const [section, values] of Object.entries(summary))
      console.log(`${section}: ${JSON.stringify(values)}`);
    await fs.writeFile(args.out!, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`\nsummary written to ${args.out}`);
  } finally {
    await floodReceiver.close();
    await quietReceiver.close();
    await service.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
