import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { keyMatchesHash } from '../auth/api-keys';
import type { TenantCalls } from '../store/tenant-calls';
import { bearer } from './auth';

const TEMPORAL_CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /readyz`: 503 while Temporal does not answer; otherwise 200, `degraded` when some tenant's
 * workflow cannot answer (the service is ready, that tenant is not; `signal-push tenants repair`
 * brings it back). Probes need no key; which tenants are unavailable is shown to the operator key
 * only, since tenant ids say who the platform's customers are.
 */
export function readiness(client: Client, calls: TenantCalls, operatorKeyHash: string): RequestHandler {
  return async (req, res) => {
    const temporal = await client.connection
      .withDeadline(Date.now() + TEMPORAL_CHECK_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}))
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const tenantsUnavailable = temporal === 'ok' ? await calls.unavailable() : [];
    const key = bearer(req.headers.authorization);
    const operator = key !== undefined && keyMatchesHash(key, operatorKeyHash);
    res.status(temporal === 'ok' ? 200 : 503).json({
      ready: temporal === 'ok',
      status: temporal !== 'ok' ? 'unavailable' : tenantsUnavailable.length > 0 ? 'degraded' : 'ok',
      temporal,
      tenants_unavailable: operator ? tenantsUnavailable : tenantsUnavailable.length,
    });
  };
}
