import net from 'node:net';
import type { PrometheusMetricsExporter } from '@temporalio/worker';

/** Where this process's Temporal runtime serves its metrics, once `sdkMetricsExporter` chose it. */
let scrapeUrl: string | undefined;
let exporter: Promise<PrometheusMetricsExporter> | undefined;

/**
 * The Temporal runtime's own Prometheus exporter (worker and client metrics, and the counters the
 * workflows keep), on a free loopback port: `/metrics` reads it there and serves it with the
 * service's metrics, so one scrape gets both and the exporter is never exposed itself.
 */
export function sdkMetricsExporter(): Promise<PrometheusMetricsExporter> {
  // One per process, as the runtime it is for: asked again, the same.
  exporter ??= freeLoopbackPort().then((port) => {
    scrapeUrl = `http://127.0.0.1:${port}/metrics`;
    return {
      prometheus: {
        bindAddress: `127.0.0.1:${port}`,
        countersTotalSuffix: true,
        useSecondsForDurations: true,
      },
    };
  });
  return exporter;
}

/** The runtime's metrics in Prometheus text format; empty where none are exported. */
export async function scrapeSdkMetrics(): Promise<string> {
  if (!scrapeUrl) return '';
  const res = await fetch(scrapeUrl, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  return res?.ok ? res.text() : '';
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
