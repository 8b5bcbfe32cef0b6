import type { Client } from '@temporalio/client';
import { Router } from 'express';
import {
  getDelivery,
  listDeadLetters,
  listDeliveries,
  replayDelivery,
} from '../../deliveries/read-deliveries';
import { deadLetterListQuerySchema, deliveryListQuerySchema } from '../../schemas/deliveries';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { deliveryIdParam } from './params';

export function deliveryRoutes(client: Client): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filter = parse(deliveryListQuerySchema, req.query, 'query');
    res.json({ deliveries: await listDeliveries(client, tenantOf(res).id, filter) });
  });
  router.get('/:id', async (req, res) => {
    const delivery = await getDelivery(client, tenantOf(res).id, deliveryIdParam(req.params.id));
    if (!delivery) throw notFound('delivery');
    res.json(delivery);
  });
  router.post('/:id/replay', async (req, res) => {
    const id = deliveryIdParam(req.params.id);
    const outcome = await replayDelivery(client, tenantOf(res).id, id);
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
    res.json({ dead_letters: await listDeadLetters(client, tenantOf(res).id, filter) });
  });
  return router;
}
