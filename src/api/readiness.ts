import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { keyMatchesHash } from '../auth/api-keys';
import type { TenantCalls, UnavailableTenant } from '../store/tenant-calls';
import { missingSearchAttributes } from '../temporal/search-attributes';
import { bearer } from './auth';

const TEMPORAL_CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessDeps {
  client: Client;
  namespace: string;
  /** Where a worker runs in this process: whether it is polling. */
  workerState?: () => string;
  /** Where the API runs: the tenants whose workflow cannot answer, shown to the operator key. */
  tenants?: { calls: TenantCalls; operatorKeyHash: string };
}

type Check = 'ok' | 'unreachable' | 'missing' | 'not_polling';

/**
 * Probes need no key: without this, each one would cost Temporal two calls (and a look at every
 * broken tenant), however fast anyone sends them. Probes within it share one round of checks.
 */
const CHECKS_REUSED_FOR_MS = 1_000;

interface ServerChecks {
  checks: Record<string, Check>;
  tenantsUnavailable: UnavailableTenant[];
}

/**
 * `GET /readyz`, for the roles this process runs: 503 unless Temporal answers, the namespace exists
 * with every search attribute the service writes, and the worker (where one runs) polls. Otherwise
 * 200, `degraded` when some tenant's workflow cannot answer (the service is ready, that tenant is
 * not; `signal-push tenants repair` brings it back). Probes need no key; which tenants are
 * unavailable is shown to the operator key only, since tenant ids say who the platform's customers are.
 */
export function readiness(deps: ReadinessDeps): RequestHandler {
  let last: { at: number; checks: Promise<ServerChecks> } | undefined;
  const serverChecks = (): Promise<ServerChecks> => {
    if (!last || Date.now() - last.at >= CHECKS_REUSED_FOR_MS) {
      last = { at: Date.now(), checks: checkServer(deps) };
    }
    return last.checks;
  };
  return async (req, res) => {
    const { checks: server, tenantsUnavailable } = await serverChecks();
    const checks = { ...server };
    if (deps.workerState) checks.worker = deps.workerState() === 'RUNNING' ? 'ok' : 'not_polling';
    const ready = Object.values(checks).every((check) => check === 'ok');
    const unavailable = ready ? tenantsUnavailable : [];
    const key = bearer(req.headers.authorization);
    const operator =
      deps.tenants !== undefined && key !== undefined && keyMatchesHash(key, deps.tenants.operatorKeyHash);
    res.status(ready ? 200 : 503).json({
      ready,
      status: !ready ? 'unavailable' : unavailable.length > 0 ? 'degraded' : 'ok',
      ...checks,
      ...(deps.tenants ? { tenants_unavailable: operator ? unavailable : unavailable.length } : {}),
    });
  };
}

/** Temporal, the namespace and its search attributes, then (when those are fine) the broken tenants. */
async function checkServer(deps: ReadinessDeps): Promise<ServerChecks> {
  const checks: Record<string, Check> = { temporal: 'ok' };
  const { client, namespace } = deps;
  const deadline = Date.now() + TEMPORAL_CHECK_TIMEOUT_MS;
  try {
    await client.connection.withDeadline(deadline, () =>
      client.workflowService.describeNamespace({ namespace }),
    );
    checks.namespace = 'ok';
    const missing = await client.connection.withDeadline(deadline, () =>
      missingSearchAttributes(client, namespace),
    );
    checks.search_attributes = missing.length === 0 ? 'ok' : 'missing';
  } catch (error) {
    // A namespace that does not exist answers NOT_FOUND; anything else means Temporal is away.
    const notFound = (error as { code?: number }).code === GRPC_NOT_FOUND;
    checks.temporal = notFound ? 'ok' : 'unreachable';
    checks.namespace = notFound ? 'missing' : 'unreachable';
    checks.search_attributes = 'unreachable';
  }
  const serverReady = Object.values(checks).every((check) => check === 'ok');
  const tenantsUnavailable = serverReady && deps.tenants ? await deps.tenants.calls.unavailable() : [];
  return { checks, tenantsUnavailable };
}

const GRPC_NOT_FOUND = 5;
