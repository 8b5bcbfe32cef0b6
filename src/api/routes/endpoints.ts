import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { setEndpointPaused } from '../../services/endpoint-pause';
import type { DeliverySettings, DeliveryStarts } from '../../deliveries/start-deliveries';
import { ENDPOINT_REPLAY_BOUNDS, replayDeadLetters } from '../../services/delivery-replay';
import { changeEndpoint, createEndpoint, deleteEndpoint } from '../../services/endpoint-changes';
import { endpointView } from '../../services/endpoint-view';
import type { AddressPolicy } from '../../net/address-policy';
import {
  endpointCreateSchema,
  endpointListQuerySchema,
  endpointPatchSchema,
  endpointReplaySchema,
} from '../../schemas/endpoint';
import { creationPage } from '../../services/creation-pages';
import type { PageCursors } from '../page-cursor';
import type { EndpointHealthClient } from '../../store/endpoint-health';
import type { TenantStore } from '../../store/tenant-store';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
import { parse } from '../validate';
import { registerEndpointTools } from './endpoint-tools';
import { endpointIdParam } from './params';

export interface EndpointRouteDeps {
  store: TenantStore;
  health: EndpointHealthClient;
  client: Client;
  policy: AddressPolicy;
  delivery: DeliverySettings;
  /** Send-tests start their delivery with it. */
  deliveryStarts: DeliveryStarts;
  cursors: PageCursors;
}

export function endpointRoutes(deps: EndpointRouteDeps): Router {
  const { store, health, client } = deps;
  const router = Router();
  const owned = async (tenantId: string, id: string | undefined) => {
    const endpoint = await store.getEndpoint(tenantId, endpointIdParam(id));
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  };

  router.post('/', async (req, res) => {
    const created = await createEndpoint(deps, tenantOf(res), parse(endpointCreateSchema, req.body));
    // The only answer that carries the secret in full.
    res.status(201).json({ ...endpointView(created), secret: created.secret });
  });

  router.get('/', async (req, res) => {
    const { limit, cursor, since, until } = parse(endpointListQuerySchema, req.query, 'query');
    const tenantId = tenantOf(res).id;
    const scope = ['endpoints', tenantId, since ?? null, until ?? null];
    const after = cursor === undefined ? undefined : deps.cursors.decodeCreation(scope, cursor);
    const page = creationPage(await store.listEndpoints(tenantId), limit, { after, since, until });
    res.json({
      endpoints: page.items.map(endpointView),
      next_cursor: page.next && deps.cursors.encode(scope, page.next),
    });
  });

  router.get('/:id', async (req, res) => {
    const endpoint = await owned(tenantOf(res).id, req.params.id);
    const state = await health.get(endpoint.id);
    res.json({
      ...endpointView(endpoint),
      consecutive_failures: state?.consecutiveFailures ?? 0,
      held_deliveries: state?.heldDeliveryIds.length ?? 0,
    });
  });

  router.patch('/:id', async (req, res) => {
    const patch = parse(endpointPatchSchema, req.body);
    const id = endpointIdParam(req.params.id);
    const endpoint = await changeEndpoint(deps, tenantOf(res), id, patch);
    if (!endpoint) throw notFound('endpoint');
    res.json(endpointView(endpoint));
  });

  router.delete('/:id', async (req, res) => {
    const deleted = await deleteEndpoint(deps, tenantOf(res).id, endpointIdParam(req.params.id));
    if (!deleted) throw notFound('endpoint');
    res.status(204).end();
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const view = await setEndpointPaused(
        { store, health },
        tenantOf(res).id,
        endpointIdParam(req.params.id),
        paused,
      );
      if (!view) throw notFound('endpoint');
      res.json(view);
    });
  }

  /** Replays every dead letter of the endpoint, or those dead-lettered since a time. */
  router.post('/:id/replay', async (req, res) => {
    const tenantId = tenantOf(res).id;
    const endpoint = await owned(tenantId, req.params.id);
    const { since } = parse(endpointReplaySchema, req.body ?? {});
    const { replayed, failed } = await replayDeadLetters(
      client,
      { tenantId, endpointId: endpoint.id, since },
      ENDPOINT_REPLAY_BOUNDS,
    );
    if (failed.length > 0) throw failed[0]!.error;
    res.status(202).json({ replayed: replayed.length, delivery_ids: replayed });
  });

  registerEndpointTools(router, { ...deps, owned });
  return router;
}
