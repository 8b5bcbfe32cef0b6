import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { TENANT_ID } from '../../../workflows/ids';
import {
  tenantCreateSchema,
  tenantDeleteQuerySchema,
  tenantListQuerySchema,
  tenantPatchSchema,
} from '../../schemas/tenant';
import { createTenant, rotateTenantApiKey, tenantView } from '../../services/tenant-admin';
import { changeTenant } from '../../services/tenant-change';
import { deleteTenant } from '../../services/tenant-deletion';
import { listTenantPage } from '../../services/tenant-listing';
import type { TenantStore } from '../../store/tenant-store';
import { HttpError, notFound } from '../errors';
import type { PageCursors } from '../page-cursor';
import { parse } from '../validate';

/** A malformed id cannot name a tenant, so it answers like an unknown one. */
function tenantIdParam(value: string | undefined): string {
  if (!value || !TENANT_ID.test(value)) throw notFound('tenant');
  return value;
}

export interface TenantRouteDeps {
  client: Client;
  store: TenantStore;
  cursors: PageCursors;
}

export function tenantRoutes({ client, store, cursors }: TenantRouteDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    // The key and the callback secret are shown here once.
    res.status(201).json(await createTenant(store, parse(tenantCreateSchema, req.body)));
  });

  router.get('/', async (req, res) => {
    const { limit, cursor, since, until } = parse(tenantListQuerySchema, req.query, 'query');
    const scope = ['tenants', since ?? null, until ?? null];
    const after = cursor === undefined ? undefined : cursors.decodeCreation(scope, cursor);
    const page = await listTenantPage(client, store, limit, { after, since, until });
    res.json({
      tenants: page.items.map(tenantView),
      tenants_unavailable: page.unavailable,
      next_cursor: page.next && cursors.encode(scope, page.next),
    });
  });

  router.get('/:id', async (req, res) => {
    const tenant = await store.get(tenantIdParam(req.params.id));
    if (!tenant) throw notFound('tenant');
    res.json(tenantView(tenant));
  });

  router.patch('/:id', async (req, res) => {
    const id = tenantIdParam(req.params.id);
    const change = parse(tenantPatchSchema, req.body);
    const result = await changeTenant(store, id, change);
    if (result.outcome === 'not_found') throw notFound('tenant');
    if (result.outcome === 'plan_below_usage') {
      throw new HttpError(409, 'plan_below_usage', `${result.field}: ${result.problem}`, [
        { field: result.field, problem: result.problem },
      ]);
    }
    res.json(tenantView(result.tenant));
  });

  /** See deleteTenant for the rule; the README says it too. */
  router.delete('/:id', async (req, res) => {
    const id = tenantIdParam(req.params.id);
    const { force } = parse(tenantDeleteQuerySchema, req.query, 'query');
    const result = await deleteTenant(client, store, id, { force: force === 'true' });
    if (result.outcome === 'not_found') throw notFound('tenant');
    if (result.outcome === 'deliveries_in_flight') {
      const problem = `${result.running} deliveries of this tenant have not ended; wait for them, or set force=true to end them`;
      throw new HttpError(409, 'deliveries_in_flight', problem, [{ field: 'query.force', problem }]);
    }
    res.json({
      tenant_id: result.tenant_id,
      deleted_workflows: result.deleted_workflows,
      cancelled_deliveries: result.cancelled_deliveries,
    });
  });

  /** Issues a new tenant key; the old one stops working as soon as this answers. */
  router.post('/:id/api-keys/rotate', async (req, res) => {
    const id = tenantIdParam(req.params.id);
    const rotated = await rotateTenantApiKey(store, id);
    if (!rotated) throw notFound('tenant');
    // Like at creation, the key is shown here once.
    res.json(rotated);
  });
  return router;
}
