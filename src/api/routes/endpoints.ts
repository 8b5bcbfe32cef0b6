import { Router } from 'express';
import type { EndpointRecord } from '../../../workflows/contract';
import { retryScheduleSeconds } from '../../deliveries/retry-schedule';
import { newEndpointId, newSigningSecret } from '../../ids';
import { endpointCreateSchema, endpointPatchSchema } from '../../schemas/endpoint';
import type { TenantStore } from '../../store/tenant-store';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
import { parse } from '../validate';
import { endpointIdParam } from './params';

/** What a tenant sees of an endpoint: everything but the secret, of which only a hint is shown. */
export function endpointView(endpoint: EndpointRecord) {
  const { secret, ...rest } = endpoint;
  return {
    ...rest,
    secret_hint: `…${secret.slice(-4)}`,
    retry_schedule_seconds: retryScheduleSeconds(endpoint.retry_policy),
  };
}

export function endpointRoutes(store: TenantStore): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parse(endpointCreateSchema, req.body);
    const tenant = tenantOf(res);
    const now = new Date().toISOString();
    const id = newEndpointId();
    const endpoint = await store.createEndpoint({
      id,
      tenant_id: tenant.id,
      url: body.url,
      label: body.label ?? id,
      enabled: body.enabled,
      secret: body.secret ?? newSigningSecret(),
      filters: body.filters,
      retry_policy: body.retry_policy,
      timeout_seconds: body.timeout_seconds,
      created_at: now,
      updated_at: now,
    });
    // The only answer that carries the secret in full.
    res.status(201).json({ ...endpointView(endpoint), secret: endpoint.secret });
  });

  router.get('/', async (_req, res) => {
    const endpoints = await store.listEndpoints(tenantOf(res).id);
    res.json({ endpoints: endpoints.map(endpointView) });
  });

  router.get('/:id', async (req, res) => {
    const endpoint = await store.getEndpoint(tenantOf(res).id, endpointIdParam(req.params.id));
    if (!endpoint) throw notFound('endpoint');
    res.json(endpointView(endpoint));
  });

  router.patch('/:id', async (req, res) => {
    const id = endpointIdParam(req.params.id);
    const patch = parse(endpointPatchSchema, req.body);
    const endpoint = await store.patchEndpoint(tenantOf(res).id, id, patch);
    if (!endpoint) throw notFound('endpoint');
    res.json(endpointView(endpoint));
  });

  router.delete('/:id', async (req, res) => {
    const deleted = await store.deleteEndpoint(tenantOf(res).id, endpointIdParam(req.params.id));
    if (!deleted) throw notFound('endpoint');
    res.status(204).end();
  });

  return router;
}
