import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { endpointTakesSignal } from '../../deliveries/match-endpoints';
import type { DeliverySettings } from '../../deliveries/start-deliveries';
import { startDeliveries } from '../../deliveries/start-deliveries';
import { newSignalId } from '../../ids';
import { signalIntakeSchema } from '../../schemas/signal';
import type { TenantStore } from '../../store/tenant-store';
import { HttpError } from '../errors';
import { parse } from '../validate';

export function signalRoutes(store: TenantStore, client: Client, settings: DeliverySettings): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { tenant_id: tenantId, signal_id: givenId, ...fields } = parse(signalIntakeSchema, req.body);
    const signal = { signal_id: givenId ?? newSignalId(), ...fields };
    if (!(await store.get(tenantId))) {
      throw new HttpError(404, 'tenant_not_found', 'tenant not found', [
        { field: 'tenant_id', problem: 'names no tenant' },
      ]);
    }
    const endpoints = (await store.listEndpoints(tenantId)).filter((endpoint) =>
      endpointTakesSignal(endpoint, signal),
    );
    // Answering 202 only after every start returned is what makes the 202 a durability promise.
    const deliveries = await startDeliveries(client, settings, tenantId, signal, endpoints);
    res.status(202).json({ signal_id: signal.signal_id, deliveries });
  });
  return router;
}
