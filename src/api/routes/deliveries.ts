import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { getDelivery, listDeliveries } from '../../deliveries/read-deliveries';
import { deliveryListQuerySchema } from '../../schemas/deliveries';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
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
  return router;
}
