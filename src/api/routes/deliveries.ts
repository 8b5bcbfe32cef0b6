import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { ResendDeps } from '../../services/delivery-resend';
import { resendDelivery } from '../../services/delivery-resend';
import { getDelivery } from '../../services/delivery-log';
import type { DeliveryPage } from '../../services/delivery-pages';
import {
  deliveryListFilter,
  listDeadLetterPage,
  listDeliveryPage,
  startPosition,
} from '../../services/delivery-pages';
import { replayDelivery } from '../../services/delivery-replay';
import { deadLetterListQuerySchema, deliveryListQuerySchema } from '../../schemas/deliveries';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import type { PageCursors } from '../page-cursor';
import type { StartPosition } from '../../temporal/visibility-query';
import { invalidCursor } from '../page-cursor';
import { parse } from '../validate';
import { deliveryIdParam } from './params';

export interface DeliveryRouteDeps extends ResendDeps {
  client: Client;
  cursors: PageCursors;
}

/** A delivery listing's cursor holds where its last page stopped, for this listing's filters only. */
export function startPages(cursors: PageCursors, scope: unknown) {
  return {
    after(cursor: string | undefined): StartPosition | undefined {
      if (cursor === undefined) return undefined;
      const position = startPosition(cursors.decode(scope, cursor));
      if (!position) throw invalidCursor();
      return position;
    },
    next: (page: DeliveryPage): string | null => page.next && cursors.encode(scope, page.next),
  };
}

export function deliveryRoutes(deps: DeliveryRouteDeps): Router {
  const { client, cursors } = deps;
  const router = Router();
  router.get('/', async (req, res) => {
    const { limit, cursor, ...filter } = parse(deliveryListQuerySchema, req.query, 'query');
    const tenantId = tenantOf(res).id;
    const pages = startPages(cursors, ['deliveries', tenantId, filter]);
    const page = await listDeliveryPage(
      client,
      deliveryListFilter(tenantId, filter),
      limit,
      pages.after(cursor),
    );
    res.json({ deliveries: page.deliveries, next_cursor: pages.next(page) });
  });
  router.get('/:id', async (req, res) => {
    const delivery = await getDelivery(client, deliveryIdParam(req.params.id), tenantOf(res).id);
    if (!delivery) throw notFound('delivery');
    res.json(delivery);
  });
  router.post('/:id/replay', async (req, res) => {
    const id = deliveryIdParam(req.params.id);
    const outcome = await replayDelivery(client, id, tenantOf(res).id);
    if (outcome === 'not_found') throw notFound('delivery');
    if (outcome === 'not_dead_lettered') {
      throw new HttpError(409, 'not_dead_lettered', 'only a dead-lettered delivery can be replayed');
    }
    res.status(202).json({ delivery_id: id, replayed: true });
  });
  /** Sends any delivery again as a new one, whatever its status; the new one names the original. */
  router.post('/:id/resend', async (req, res) => {
    const result = await resendDelivery(deps, deliveryIdParam(req.params.id), tenantOf(res).id);
    if (result.outcome === 'not_found') throw notFound('delivery');
    if (result.outcome === 'endpoint_deleted') {
      throw new HttpError(
        409,
        'endpoint_deleted',
        "the delivery's endpoint has been deleted: nowhere to send it",
      );
    }
    res.status(202).json(result.delivery);
  });
  return router;
}

export function deadLetterRoutes(deps: { client: Client; cursors: PageCursors }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { limit, cursor, ...filter } = parse(deadLetterListQuerySchema, req.query, 'query');
    const tenantId = tenantOf(res).id;
    const pages = startPages(deps.cursors, ['dead-letters', tenantId, filter]);
    const page = await listDeadLetterPage(
      deps.client,
      { tenantId, endpointId: filter.endpoint_id, since: filter.since, until: filter.until },
      limit,
      pages.after(cursor),
    );
    res.json({ dead_letters: page.deliveries, next_cursor: pages.next(page) });
  });
  return router;
}
