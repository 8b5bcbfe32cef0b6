// `npm run bench`: the embedded stack against a loopback receiver, measured end to end, beside the
// Temporal floor (a no-op workflow on the same server) and the physical limit of the same POSTs sent
// straight from one process. See BENCHMARKS.md.
import fs from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startService } from '../src/service';
import { benchConfig } from './bench-config';
import { apiClient } from '../test/helpers/api-client';
import { timedIntake } from './timed-intake';
import { Arrivals } from './arrivals';
import { baselinePostsPerSecond } from './baseline';
import { measureFloor } from './floor';
import { cpuSeconds, machineBusyCpuSeconds, peakRssMb, rssMb } from './process-usage';
import { startBenchReceiver } from './receiver';
import { percentile, round } from './stats';
import { print, waitFor } from './report';

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '1' },
    signals: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string', default: 'bench-results.json' },
    'in-memory': { type: 'boolean', default: false },
    'sample-every': { type: 'string', default: '30' },
  },
});
const E = Number(args.endpoints);
const N = Number(args.signals);
const RATE = Number(args.rate);
const CONCURRENCY = Number(args.concurrency);
const SAMPLE_SECONDS = Number(args['sample-every']);

async function main(): Promise<void> {
  const { config, dataDir } = await benchConfig('bench');
  // Counts delivery starts, and those the server handed straight to this process's worker.
  const starts = { total: 0, eager: 0 };
  const service = await startService(config, {
    inMemoryDevServer: args['in-memory'],
    clientInterceptors: {
      workflow: [
        {
          async startWithDetails(input, next) {
            const output = await next(input);
            if (input.workflowType === 'deliveryWorkflow') {
              starts.total += 1;
              if (output.eagerlyStarted) starts.eager += 1;
            }
            return output;
          },
        },
      ],
    },
  });
  const serverPid = service.devServer?.pid;
  // Deliveries arrive only after the endpoints exist and the first signal is sent.
  let arrivals: Arrivals | undefined;
  const receiver = await startBenchReceiver((deliveryId, at) => arrivals!.record(deliveryId, at));
  const api = apiClient(service.apiUrl!);
  const operatorKey = service.operatorKey!.key;
  try {
    const tenant = (
      await api.request('POST', '/v1/tenants', {
        key: operatorKey,
        // The benchmark measures the engine, not PQ Intel's default of 60 requests a minute.
        body: { name: 'bench', plan: { max_endpoints: null, rate_limit_per_minute: null } },
      })
    ).body;
    const endpointIndex = new Map<string, number>();
    for (let i = 0; i < E; i++) {
      const endpoint = await api.request('POST', '/v1/endpoints', {
        key: tenant.api_key,
        body: { url: `${receiver.url}?e=${i}` },
      });
      endpointIndex.set(endpoint.body.id, i);
    }
    const log = new Arrivals(N, endpointIndex);
    arrivals = log;
    const send = timedIntake(api, operatorKey, tenant.id);
    // Warm up: bundles, caches, connections.
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(`sig_warm_${i}`)));
    await waitFor(() => log.warmUpReceived >= 20 * E, 60_000);

    const cpuBefore = {
      self: process.cpuUsage(),
      server: serverPid ? cpuSeconds(serverPid) : 0,
      machine: machineBusyCpuSeconds(),
    };
    const rssStart = {
      self: process.memoryUsage().rss / 1024 / 1024,
      server: serverPid ? rssMb(serverPid) : 0,
    };
    // Resident memory every --sample-every s, to tell a flat footprint from a growing one over long
    // runs. Beside it: the main thread's V8 heap in use (live objects) and reserved (memory the heap
    // keeps for reuse), the Buffers outside it, and the worker's cached workflows.
    const rssSamples: {
      s: number;
      service: number;
      serviceHeapUsed: number;
      serviceHeapTotal: number;
      serviceExternal: number;
      cachedWorkflows: number | undefined;
      temporal: number | null;
    }[] = [];
    const sampleStart = Date.now();
    const sampler = setInterval(() => {
      const memory = process.memoryUsage();
      rssSamples.push({
        s: Math.round((Date.now() - sampleStart) / 1000),
        service: round(memory.rss / 1024 / 1024),
        serviceHeapUsed: round(memory.heapUsed / 1024 / 1024),
        serviceHeapTotal: round(memory.heapTotal / 1024 / 1024),
        serviceExternal: round(memory.external / 1024 / 1024),
        cachedWorkflows: service.workerStatus?.().numCachedWorkflows,
        temporal: serverPid ? round(rssMb(serverPid)) : null,
      });
    }, SAMPLE_SECONDS * 1000);
    const intakeMs = new Float64Array(N);
    const firstSend = Date.now();
    let next = 0;
    let answered = 0;
    const sendNext = async () => {
      const n = next++;
      log.sentAt[n] = Date.now();
      intakeMs[n] = await send(`sig_b${n}`);
      answered += 1;
    };
    if (RATE > 0) {
      // Open loop: one signal every 1/RATE s, whatever the latency. A failed send ends the run.
      let failed: unknown;
      for (let i = 0; i < N && failed === undefined; i++) {
        const due = firstSend + (i * 1000) / RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sendNext().catch((error: unknown) => {
          failed = error;
        });
      }
      await waitFor(() => answered === N || failed !== undefined, 30 * 60_000);
      if (failed !== undefined) throw failed;
    } else {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < N) await sendNext();
        }),
      );
    }
    const intakeSeconds = (Date.now() - firstSend) / 1000;
    await waitFor(() => log.received >= N * E, 30 * 60_000);
    const lastReceipt = log.lastArrival;
    const latencies = log.latencies();
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpuBefore.self);
    const serverCpu = serverPid ? cpuSeconds(serverPid) - cpuBefore.server : 0;
    // Other processes on the machine (tests others run, say) during the run: the noise in the figures.
    const otherCpu = machineBusyCpuSeconds() - cpuBefore.machine - (cpu.user + cpu.system) / 1e6 - serverCpu;
    const deliverySeconds = (lastReceipt - firstSend) / 1000;
    const cpuMs = {
      service: (cpu.user + cpu.system) / 1000 / (N * E),
      temporal: (serverCpu * 1000) / (N * E),
    };
    const floor = await measureFloor(
      service.temporalAddress,
      config.temporal.namespace,
      serverPid,
      Math.max(N * E, 2000),
      CONCURRENCY,
    );
    const baseline = await baselinePostsPerSecond(receiver.url, Math.max(N * E, 2000), 64);
    const summary = {
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGb: round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      settings: {
        endpoints: E,
        signals: N,
        offeredRate: RATE || 'max',
        concurrency: RATE ? null : CONCURRENCY,
        devServerDb: args['in-memory'] ? 'memory' : 'sqlite file',
      },
      starts: { deliveries: starts.total, eagerlyStarted: starts.eager },
      intake: {
        signalsPerSecond: round(N / intakeSeconds),
        p50Ms: round(percentile(intakeMs, 50)),
        p99Ms: round(percentile(intakeMs, 99)),
      },
      delivery: {
        deliveriesPerSecond: round((N * E) / deliverySeconds),
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        p99Ms: round(percentile(latencies, 99)),
      },
      cpuMsPerDelivery: {
        service: round(cpuMs.service, 2),
        temporal: serverPid ? round(cpuMs.temporal, 2) : null,
        total: round(cpuMs.service + cpuMs.temporal, 2),
      },
      floor: {
        ...floor,
        deliveriesPerSecondAsFractionOfFloor: round((N * E) / deliverySeconds / floor.workflowsPerSecond, 3),
        cpuPerDeliveryAsMultipleOfFloor: round(
          (cpuMs.service + cpuMs.temporal) / floor.totalCpuMsPerWorkflow,
          2,
        ),
      },
      correctness: {
        expected: N * E,
        received: latencies.length,
        lost: N * E - latencies.length,
        duplicated: log.duplicated,
        unexpected: log.unexpected,
      },
      resources: {
        apiAndWorkerPeakRssMb: round(peakRssMb(process.pid)),
        apiAndWorkerRssMb: {
          start: round(rssStart.self),
          end: round(process.memoryUsage().rss / 1024 / 1024),
        },
        temporalPeakRssMb: serverPid ? round(peakRssMb(serverPid)) : null,
        temporalRssMb: serverPid ? { start: round(rssStart.server), end: round(rssMb(serverPid)) } : null,
        apiAndWorkerCpuSeconds: round((cpu.user + cpu.system) / 1e6),
        temporalCpuSeconds: serverPid ? round(serverCpu) : null,
        otherProcessesCpuSeconds: round(Math.max(0, otherCpu)),
        rssSamplesMb: rssSamples,
      },
      baseline: {
        postsPerSecond: round(baseline),
        deliveriesAsFractionOfBaseline: round((N * E) / deliverySeconds / baseline, 3),
      },
    };
    print(summary);
    await fs.writeFile(args.out!, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`\nsummary written to ${args.out}`);
  } finally {
    await receiver.close();
    await service.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
