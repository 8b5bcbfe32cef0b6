import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import type { TenantCalls } from '../store/tenant-calls';

const TEMPORAL_CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /readyz`: 503 while Temporal does not answer; otherwise 200, naming any tenant whose workflow
 * cannot answer (the service is ready, that tenant is not; `signal-push tenants repair` brings it back).
 */
export function readiness(client: Client, calls: TenantCalls): RequestHandler {
  return async (_req, res) => {
    const temporal = await client.connection
      .withDeadline(Date.now() + TEMPORAL_CHECK_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}))
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const tenantsUnavailable = temporal === 'ok' ? await calls.unavailable() : [];
    res.status(temporal === 'ok' ? 200 : 503).json({
      ready: temporal === 'ok',
      status: temporal !== 'ok' ? 'unavailable' : tenantsUnavailable.length > 0 ? 'degraded' : 'ok',
      temporal,
      tenants_unavailable: tenantsUnavailable,
    });
  };
}
