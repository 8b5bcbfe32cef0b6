import type { Client } from '@temporalio/client';
import express from 'express';
import type { DeliverySettings } from '../deliveries/start-deliveries';
import type { EndpointHealthClient } from '../store/endpoint-health';
import type { TenantStore } from '../store/tenant-store';
import { requireOperator, requireTenant } from './auth';
import { errorHandler, requireJsonBody, unknownRoute } from './errors';
import { deadLetterRoutes, deliveryRoutes } from './routes/deliveries';
import { endpointRoutes } from './routes/endpoints';
import { signalRoutes } from './routes/signals';
import { tenantRoutes } from './routes/tenants';

export interface AppDeps {
  client: Client;
  store: TenantStore;
  health: EndpointHealthClient;
  operatorKeyHash: string;
  delivery: DeliverySettings;
}

/** The intake and management API, without `listen()`, so tests drive it in-process. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requireJsonBody);
  app.use(express.json({ limit: '512kb', strict: true }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  const operator = requireOperator(deps.operatorKeyHash);
  const tenant = requireTenant(deps.store);
  app.use('/v1/tenants', operator, tenantRoutes(deps.store));
  app.use('/v1/signals', operator, signalRoutes(deps.store, deps.client, deps.delivery));
  app.use('/v1/endpoints', tenant, endpointRoutes(deps.store, deps.health, deps.client));
  app.use('/v1/deliveries', tenant, deliveryRoutes(deps.client));
  app.use('/v1/dead-letters', tenant, deadLetterRoutes(deps.client));

  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}
