import express from 'express';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { scrapeSdkMetrics } from '../metrics/sdk-metrics';
import type { ReadinessDeps } from './readiness';
import { readiness } from './readiness';

/**
 * What probes and scrapers ask every process, whichever role it runs: `/healthz` (the process is
 * alive), `/readyz` (it can do its work) and `/metrics` (the service's metrics, then the Temporal
 * runtime's). The API serves them on its port; a worker-only process on its ops port.
 */
export function opsRoutes(deps: ReadinessDeps & { metrics: ServiceMetrics }): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', readiness(deps));
  router.get('/metrics', async (_req, res) => {
    const [own, sdk] = await Promise.all([deps.metrics.registry.metrics(), scrapeSdkMetrics()]);
    res.type(deps.metrics.registry.contentType).send(own + sdk);
  });
  return router;
}
