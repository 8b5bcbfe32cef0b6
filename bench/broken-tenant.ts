// `npm run bench:tenant -- --broken`: what one broken tenant costs everyone else. On the embedded
// stack: idle CPU of the service and Temporal for a minute without and with a tenant whose workflow
// task fails on every attempt, and a healthy tenant's deliveries/s without and with it (while the
// broken tenant's API is asked ten times a second). See BENCHMARKS.md.
import fs from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startService } from '../src/service';
import { benchConfig } from './bench-config';
import { tenantWorkflowId } from '../workflows/ids';
import { apiClient } from '../test/helpers/api-client';
import { breakTenant } from '../test/helpers/break-tenant';
import { sampleSignal } from '../test/helpers/fixtures';
import { cpuSeconds } from './process-usage';
import { startBenchReceiver } from './receiver';
import { round } from './stats';

const { values: args } = parseArgs({
  options: {
    'idle-seconds': { type: 'string', default: '60' },
    signals: { type: 'string', default: '500' },
  },
});
const IDLE_SECONDS = Number(args['idle-seconds']);
const SIGNALS = Number(args.signals);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { config, dataDir } = await benchConfig('bench-broken');
  const service = await startService(config);
  const serverPid = service.devServer!.pid!;
  let delivered = 0;
  const receiver = await startBenchReceiver(() => (delivered += 1));
  const api = apiClient(service.apiUrl!);
  const operator = service.operatorKey!.key;
  const plan = { max_endpoints: null, rate_limit_per_minute: null };
  const newTenant = async (name: string) => {
    const tenant = (await api.request('POST', '/v1/tenants', { key: operator, body: { name, plan } })).body;
    await api.request('POST', '/v1/endpoints', { key: tenant.api_key, body: { url: receiver.url } });
    return tenant as { id: string; api_key: string };
  };

  const idleCpu = async () => {
    const before = { service: process.cpuUsage(), temporal: cpuSeconds(serverPid) };
    await sleep(IDLE_SECONDS * 1000);
    const service = process.cpuUsage(before.service);
    return {
      service_cpu_percent: round(((service.user + service.system) / 1e6 / IDLE_SECONDS) * 100, 2),
      temporal_cpu_percent: round(((cpuSeconds(serverPid) - before.temporal) / IDLE_SECONDS) * 100, 2),
    };
  };
  const healthyRate = async (tenantId: string, brokenKey?: string) => {
    const start = delivered;
    const started = Date.now();
    let asking = true;
    const asker = (async () => {
      while (asking && brokenKey) {
        await api.request('GET', '/v1/endpoints', { key: brokenKey });
        await sleep(100);
      }
    })();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < SIGNALS) {
          next += 1;
          await api.request('POST', '/v1/signals', {
            key: operator,
            body: { tenant_id: tenantId, ...sampleSignal() },
          });
        }
      }),
    );
    while (delivered - start < SIGNALS) await sleep(20);
    asking = false;
    await asker;
    return round(SIGNALS / ((Date.now() - started) / 1000));
  };

  try {
    const healthy = await newTenant('healthy');
    await healthyRate(healthy.id); // warm-up
    const idleWithout = await idleCpu();
    const rateWithout = await healthyRate(healthy.id);

    const broken = await newTenant('broken');
    await breakTenant(service.client, config.temporal.taskQueue, broken.id);
    const idleWith = await idleCpu();
    const rateWith = await healthyRate(healthy.id, broken.api_key);
    const status = (await api.request('GET', '/v1/endpoints', { key: broken.api_key })).status;
    const described = await service.client.workflow.getHandle(tenantWorkflowId(broken.id)).describe();
    console.log(
      JSON.stringify(
        {
          machine: `${os.cpus().length} cores, Node ${process.version}`,
          idle_seconds: IDLE_SECONDS,
          idle_without_broken_tenant: idleWithout,
          idle_with_broken_tenant: idleWith,
          broken_tenant_task_attempts_after_idle: described.raw.pendingWorkflowTask?.attempt ?? null,
          broken_tenant_api_status: status,
          healthy_deliveries_per_second: { without_broken_tenant: rateWithout, with_broken_tenant: rateWith },
        },
        null,
        2,
      ),
    );
  } finally {
    await receiver.close();
    await service.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
