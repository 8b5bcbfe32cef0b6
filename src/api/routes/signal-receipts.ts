import type { Request, RequestHandler } from 'express';
import { Router } from 'express';
import { signalReceiptQuerySchema } from '../../schemas/signal-receipt';
import type { ReceiptDeps } from '../../services/signal-receipt';
import { waitForReceipt } from '../../services/signal-receipt';
import { tenantIfAny } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { signalIdParam } from './params';

/**
 * `GET /v1/signals/:id`: the signal's receipt, for the platform that sent it (operator key and
 * `tenant_id`) or the tenant it went to (its own key). `?wait=10s` holds the answer until every
 * delivery is final or the wait ends; a caller that hangs up ends the wait.
 */
export function signalReceiptRoutes(deps: ReceiptDeps, operatorOrTenant: RequestHandler): Router {
  const router = Router();
  router.get('/:id', operatorOrTenant, async (req: Request<{ id: string }>, res) => {
    const signalId = signalIdParam(req.params.id);
    const query = parse(signalReceiptQuerySchema, req.query, 'query');
    const tenantId = await tenantOfRequest(deps, tenantIfAny(res)?.id, query.tenant_id);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const receipt = await waitForReceipt(deps, tenantId, signalId, query.wait ?? 0, gone.signal);
    if (!receipt) throw notFound('signal');
    res.json(receipt);
  });
  return router;
}

/** A tenant's key reads its own signals; the operator names the tenant, which must exist. */
async function tenantOfRequest(
  deps: ReceiptDeps,
  keyTenant: string | undefined,
  named: string | undefined,
): Promise<string> {
  if (keyTenant !== undefined) {
    if (named !== undefined && named !== keyTenant) {
      throw queryProblem('tenant_id', "is not this key's tenant (leave it out with a tenant key)");
    }
    return keyTenant;
  }
  if (named === undefined) throw queryProblem('tenant_id', 'is required with the operator key');
  if (!(await deps.store.get(named))) {
    throw new HttpError(404, 'tenant_not_found', 'tenant not found', [
      { field: 'query.tenant_id', problem: 'names no tenant' },
    ]);
  }
  return named;
}

const queryProblem = (field: string, problem: string): HttpError =>
  new HttpError(400, 'validation_failed', `invalid request: query.${field}: ${problem}`, [
    { field: `query.${field}`, problem },
  ]);
