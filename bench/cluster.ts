// `npm run bench -- --cluster`: the cluster `npm run start:cluster` runs (same environment: PORT,
// SIGNAL_PUSH_DATA_DIR), driven through its API process, with the CPU each of its processes used,
// read from /proc. Start the cluster with SIGNAL_PUSH_OUTBOUND_ALLOW=127.0.0.1/32,
// SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP=true and a high SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE, so its
// workers may deliver to this process's loopback receiver. See BENCHMARKS.md.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiClient } from '../test/helpers/api-client';
import { timedIntake } from './timed-intake';
import { Arrivals } from './arrivals';
import { machineBusyCpuSeconds, treeCpuSeconds } from './process-usage';
import { startBenchReceiver } from './receiver';
import { percentile, round } from './stats';
import { print, waitFor } from './report';

const { values: args } = parseArgs({
  options: {
    // The flag scripts/bench.sh chose this benchmark by.
    cluster: { type: 'boolean', default: true },
    signals: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string', default: 'bench-cluster-results.json' },
  },
});
const N = Number(args.signals);
const CONCURRENCY = Number(args.concurrency);
const dataDir = path.resolve(process.env.SIGNAL_PUSH_DATA_DIR ?? '.signal-push');
const apiUrl = `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

async function main(): Promise<void> {
  const runDir = path.join(dataDir, 'cluster', 'run');
  const parts = (await fs.readdir(runDir)).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4));
  const pids = Object.fromEntries(
    await Promise.all(
      parts.map(async (p) => [p, Number(await fs.readFile(path.join(runDir, `${p}.pid`), 'utf8'))]),
    ),
  ) as Record<string, number>;
  const operatorKey = (await fs.readFile(path.join(dataDir, 'operator-key'), 'utf8')).trim();
  const api = apiClient(apiUrl);
  let arrivals: Arrivals | undefined;
  const receiver = await startBenchReceiver((deliveryId, at) => arrivals!.record(deliveryId, at));
  try {
    const tenant = (
      await api.request('POST', '/v1/tenants', {
        key: operatorKey,
        body: { name: 'bench', plan: { max_endpoints: null, rate_limit_per_minute: null } },
      })
    ).body;
    const endpoint = await api.request('POST', '/v1/endpoints', {
      key: tenant.api_key,
      body: { url: receiver.url },
    });
    const log = new Arrivals(N, new Map([[endpoint.body.id as string, 0]]));
    arrivals = log;
    const send = timedIntake(api, operatorKey, tenant.id);
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(`sig_warm_${i}`)));
    await waitFor(() => log.warmUpReceived >= 20, 60_000);

    const cpuBefore = Object.fromEntries(parts.map((p) => [p, treeCpuSeconds(pids[p]!)]));
    const selfBefore = process.cpuUsage();
    const machineBefore = machineBusyCpuSeconds();
    const intakeMs = new Float64Array(N);
    const firstSend = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const n = next++;
          log.sentAt[n] = Date.now();
          intakeMs[n] = await send(`sig_b${n}`);
        }
      }),
    );
    const intakeSeconds = (Date.now() - firstSend) / 1000;
    await waitFor(() => log.received >= N, 30 * 60_000);
    const deliverySeconds = (log.lastArrival - firstSend) / 1000;
    const cpu = Object.fromEntries(parts.map((p) => [p, treeCpuSeconds(pids[p]!) - cpuBefore[p]!]));
    const self = process.cpuUsage(selfBefore);
    const benchCpu = (self.user + self.system) / 1e6;
    const clusterCpu = Object.values(cpu).reduce((a, b) => a + b, 0);
    const latencies = log.latencies();
    const summary = {
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      settings: {
        signals: N,
        concurrency: CONCURRENCY,
        workers: parts.filter((p) => p.startsWith('worker-')).length,
      },
      intake: {
        signalsPerSecond: round(N / intakeSeconds),
        p50Ms: round(percentile(intakeMs, 50)),
        p99Ms: round(percentile(intakeMs, 99)),
      },
      delivery: {
        deliveriesPerSecond: round(N / deliverySeconds),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
      },
      correctness: {
        expected: N,
        received: log.received,
        duplicated: log.duplicated,
        unexpected: log.unexpected,
      },
      // CPU milliseconds per delivery, by process (PostgreSQL with its per-connection processes).
      cpuMsPerDelivery: {
        ...Object.fromEntries(parts.map((p) => [p, round((cpu[p]! * 1000) / N, 2)])),
        benchClientAndReceiver: round((benchCpu * 1000) / N, 2),
      },
      cpuSeconds: {
        ...Object.fromEntries(parts.map((p) => [p, round(cpu[p]!)])),
        // Others' jobs on the machine meanwhile: the noise in these figures.
        otherProcesses: round(Math.max(0, machineBusyCpuSeconds() - machineBefore - clusterCpu - benchCpu)),
      },
    };
    print(summary);
    await fs.writeFile(args.out!, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
