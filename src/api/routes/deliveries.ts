import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { getDelivery, listDeadLetters, listDeliveries } from '../../services/delivery-log';
import { replayDelivery } from '../../services/delivery-replay';
import { deadLetterListQuerySchema, deliveryListQuerySchema } from '../../schemas/deliveries';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { deliveryIdParam } from './params';

export function deliveryRoutes(client: Client): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filter = parse(deliveryListQuerySchema, req.query, 'query');
    const deliveries = await listDeliveries(
      client,
      {
        tenantId: tenantOf(res).id,
        endpointId: filter.endpoint_id,
        signalId: filter.signal_id,
        status: filter.status,
      },
      filter.limit,
    );
    res.json({ deliveries });
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
  return router;
}

export function deadLetterRoutes(client: Client): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filter = parse(deadLetterListQuerySchema, req.query, 'query');
    const deadLetters = await listDeadLetters(
      client,
      { tenantId: tenantOf(res).id, endpointId: filter.endpoint_id, since: filter.since },
      filter.limit,
    );
    res.json({ dead_letters: deadLetters });
  });
  return router;
}
