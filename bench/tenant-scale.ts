// `npm run bench:tenant`: one tenant with the most endpoints a tenant may have, every field at its
// largest, on the embedded stack; prints p50/p99 of create, list (every page), patch, delete and
// intake, and the CPU the service and Temporal spent on them. See BENCHMARKS.md.
import fs from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { startService } from '../src/service';
import { benchConfig } from './bench-config';
import { HARD_MAX_ENDPOINTS } from '../workflows/tenant-contract';
import { apiClient } from '../test/helpers/api-client';
import { sampleSignal } from '../test/helpers/fixtures';
import { maxSizeEndpoint } from '../test/helpers/max-endpoint';
import { cpuSeconds } from './process-usage';
import { startBenchReceiver } from './receiver';
import { percentile, round } from './stats';

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: String(HARD_MAX_ENDPOINTS) },
    samples: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
  },
});
const E = Number(args.endpoints);
const SAMPLES = Number(args.samples);
const CONCURRENCY = Number(args.concurrency);

const figures = (ms: number[]) => ({
  n: ms.length,
  p50: round(percentile(ms, 50)),
  p99: round(percentile(ms, 99)),
});

async function timed(ms: number[], call: () => Promise<{ status: number; body: unknown }>, ok: number) {
  const started = performance.now();
  const res = await call();
  ms.push(performance.now() - started);
  if (res.status !== ok) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

async function main(): Promise<void> {
  const { config, dataDir } = await benchConfig('bench-tenant');
  const service = await startService(config);
  const serverPid = service.devServer?.pid;
  const receiver = await startBenchReceiver(() => undefined);
  const api = apiClient(service.apiUrl!);
  try {
    const tenant = (
      await api.request('POST', '/v1/tenants', {
        key: service.operatorKey!.key,
        body: { name: 'bench', plan: { max_endpoints: E, rate_limit_per_minute: null } },
      })
    ).body;
    const key = tenant.api_key as string;
    const cpu0 = { self: process.cpuUsage(), server: serverPid ? cpuSeconds(serverPid) : 0 };
    const create: number[] = [];
    const started = Date.now();
    const limit = pLimit(CONCURRENCY);
    const ids = await Promise.all(
      Array.from({ length: E }, (_, i) =>
        limit(async () => {
          const body = maxSizeEndpoint(i, receiver.url, i % 200 === 0);
          const res = await timed(create, () => api.request('POST', '/v1/endpoints', { key, body }), 201);
          return (res.body as { id: string }).id;
        }),
      ),
    );
    const createSeconds = (Date.now() - started) / 1000;
    const cpu1 = {
      self: process.cpuUsage(cpu0.self),
      server: serverPid ? cpuSeconds(serverPid) - cpu0.server : 0,
    };

    // A full tenant refuses one more, and every listing holds each endpoint once: the figures below
    // are of a tenant that works, at the hard maximum the e2e test only reaches with MANY_ENDPOINTS.
    const extra = maxSizeEndpoint(E, receiver.url, false);
    await timed([], () => api.request('POST', '/v1/endpoints', { key, body: extra }), 409);
    const created = new Set(ids);
    const list: number[] = [];
    for (let round = 0; round < Math.max(1, SAMPLES / 20); round++) {
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=100&cursor=${cursor}` : '?limit=100';
        const res = await timed(list, () => api.request('GET', `/v1/endpoints${query}`, { key }), 200);
        const page = res.body as { endpoints: Array<{ id: string }>; next_cursor: string | null };
        listed.push(...page.endpoints.map((endpoint) => endpoint.id));
        cursor = page.next_cursor;
      } while (cursor);
      if (listed.length !== E || new Set(listed).size !== E || listed.some((id) => !created.has(id))) {
        throw new Error(`a listing held ${listed.length} endpoints, not the ${E} created`);
      }
    }
    const patch: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const body = { label: `patched ${i}`, enabled: i % 2 === 0 };
      await timed(patch, () => api.request('PATCH', `/v1/endpoints/${ids[i % E]}`, { key, body }), 200);
    }
    const intake: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const body = { tenant_id: tenant.id, ...sampleSignal() };
      await timed(
        intake,
        () => api.request('POST', '/v1/signals', { key: service.operatorKey!.key, body }),
        202,
      );
    }
    const remove: number[] = [];
    const recreate: number[] = [];
    for (let i = 0; i < Math.min(SAMPLES, E); i++) {
      await timed(remove, () => api.request('DELETE', `/v1/endpoints/${ids[E - 1 - i]}`, { key }), 204);
      const body = maxSizeEndpoint(E + i, receiver.url, false);
      await timed(recreate, () => api.request('POST', '/v1/endpoints', { key, body }), 201);
    }
    const result = {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      endpoints: E,
      setup: {
        seconds: round(createSeconds),
        creates_per_second: round(E / createSeconds),
        cpu_ms_per_create: {
          service: round((cpu1.self.user + cpu1.self.system) / 1000 / E),
          temporal: round((cpu1.server * 1000) / E),
        },
      },
      ms: {
        create_while_filling: figures(create),
        create_at_maximum: figures(recreate),
        list_page_of_100: figures(list),
        patch: figures(patch),
        delete: figures(remove),
        intake: figures(intake),
      },
    };
    console.log(JSON.stringify(result, null, 2));
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
