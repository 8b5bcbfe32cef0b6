import { Router } from 'express';
import { TENANT_ID } from '../../../workflows/ids';
import { portalSessionCreateSchema, portalSessionIdSchema } from '../../schemas/portal';
import type { PortalSessionDeps } from '../../services/portal-sessions';
import { createPortalLink, revokePortalLinks } from '../../services/portal-sessions';
import { notFound } from '../errors';
import { parse } from '../validate';

export interface PortalSessionRouteDeps extends PortalSessionDeps {
  /** Where customers reach the API; unset, links name the host the operator's request named. */
  baseUrl: string | undefined;
  linkSeconds: number;
}

function tenantIdParam(value: string | undefined): string {
  if (!value || !TENANT_ID.test(value)) throw notFound('tenant');
  return value;
}

/**
 * The operator's side of the customer portal (mounted under `/v1/tenants`, operator key only):
 * short-lived links that open the portal for one tenant, and their revocation.
 */
export function portalSessionRoutes(deps: PortalSessionRouteDeps): Router {
  const router = Router();
  router.post('/:id/portal-sessions', async (req, res) => {
    const tenantId = tenantIdParam(req.params.id);
    const { ttl_seconds: ttl } = parse(portalSessionCreateSchema, req.body ?? {});
    const link = await createPortalLink(deps, tenantId, {
      baseUrl: deps.baseUrl ?? `${req.protocol}://${req.get('host')}`,
      ttlSeconds: ttl ?? deps.linkSeconds,
    });
    if (!link) throw notFound('tenant');
    res.status(201).json(link);
  });

  /** Every link of the tenant issued so far, and the sessions they opened. */
  router.delete('/:id/portal-sessions', async (req, res) => {
    if (!(await revokePortalLinks(deps, tenantIdParam(req.params.id), 'all'))) throw notFound('tenant');
    res.status(204).end();
  });

  router.delete('/:id/portal-sessions/:sessionId', async (req, res) => {
    const tenantId = tenantIdParam(req.params.id);
    const sessionId = parse(portalSessionIdSchema, req.params.sessionId, 'sessionId');
    if (!(await revokePortalLinks(deps, tenantId, sessionId))) throw notFound('tenant');
    res.status(204).end();
  });
  return router;
}
