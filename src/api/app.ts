import type { Client } from '@temporalio/client';
import express from 'express';
import type { CodecRouteOptions } from './codec/codec-routes';
import { codecRoutes } from './codec/codec-routes';
import type { DeliverySettings, DeliveryStarts } from '../deliveries/start-deliveries';
import type { OutboundSettings } from '../net/address-policy';
import { AddressPolicy, warnIfRelaxed } from '../net/address-policy';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { EndpointHealthClient } from '../store/endpoint-health';
import type { TenantStore } from '../store/tenant-store';
import { requireOperator, requireOperatorOrTenant, requireTenant } from './auth';
import { errorHandler, requireJsonBody, unknownRoute } from './errors';
import { jsonBody } from './json-body';
import { httpMetrics } from './http-metrics';
import { opsRoutes } from './ops-routes';
import { apiRateLimit } from './rate-limit';
import { requestId } from './request-id';
import { requestSpan } from './request-span';
import { deadLetterRoutes, deliveryRoutes } from './routes/deliveries';
import { endpointRoutes } from './routes/endpoints';
import { eventRoutes } from './routes/events';
import { signalReceiptRoutes } from './routes/signal-receipts';
import { signalRoutes } from './routes/signals';
import { tenantRoutes } from './routes/tenants';
import { PageCursors } from './page-cursor';
import { securityHeaders } from './security-headers';
import { docsPage } from './openapi/docs-page';
import { apiDocument } from './openapi/document';
import packageJson from '../../package.json';
import { PortalTokens } from '../auth/portal-tokens';
import { portalRoutes } from '../portal/portal-routes';
import { PortalRevocationStore } from '../store/portal-revocations';
import { portalSessionRoutes } from './routes/portal-sessions';
import type { TrustProxy } from './trust-proxy';

export interface AppDeps {
  client: Client;
  store: TenantStore;
  health: EndpointHealthClient;
  operatorKeyHash: string;
  delivery: DeliverySettings;
  /** Every delivery (intake, callback, send-test) is started with it. */
  deliveryStarts: DeliveryStarts;
  /** What endpoint URLs may point at; checked when an endpoint is saved. */
  outbound: OutboundSettings;
  /** The codec server for the Web UI and `temporal` CLI, at `/codec`; absent, there is none. */
  codec?: Omit<CodecRouteOptions, 'requireOperator'>;
  /** Requests a minute per API key (per client address without one) on `/v1`. */
  rateLimitPerMinute: number;
  namespace: string;
  metrics: ServiceMetrics;
  /** Where a worker runs in this process too: its state, for readiness. */
  workerState?: () => string;
  /** Tracing is on: each request gets a span, the parent of what it starts. */
  traced?: boolean;
  /** Which proxies are believed about the client's address and scheme (src/api/trust-proxy.ts). */
  trustProxy: TrustProxy;
  /** The customer portal's links and framing. */
  portal: { baseUrl: string | undefined; linkSeconds: number; frameAncestors: readonly string[] };
}

/** The intake and management API, without `listen()`, so tests drive it in-process. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy);
  app.use(requestId);
  if (deps.traced) app.use(requestSpan());
  app.use(httpMetrics(deps.metrics));
  app.use(securityHeaders());
  app.use('/v1', apiRateLimit(deps.rateLimitPerMinute));
  if (deps.codec) {
    // Ahead of the API's body parsing: the codec takes larger bodies, its sign-in page posts a form,
    // and it answers CORS preflights.
    app.use('/codec', codecRoutes({ ...deps.codec, requireOperator: requireOperator(deps.operatorKeyHash) }));
  }
  const operator = requireOperator(deps.operatorKeyHash);
  const cursors = new PageCursors(deps.operatorKeyHash);
  const policy = new AddressPolicy(deps.outbound);
  warnIfRelaxed(policy);
  const sessions = {
    store: deps.store,
    revocations: new PortalRevocationStore(deps.store.calls),
    tokens: new PortalTokens(deps.operatorKeyHash),
  };
  // Ahead of the API's body parsing too: the portal's forms post URL-encoded bodies.
  app.use(
    '/portal',
    apiRateLimit(deps.rateLimitPerMinute),
    portalRoutes({
      store: deps.store,
      health: deps.health,
      client: deps.client,
      policy,
      delivery: deps.delivery,
      deliveryStarts: deps.deliveryStarts,
      cursors,
      sessions,
      frameAncestors: deps.portal.frameAncestors,
    }),
  );
  app.use(requireJsonBody);
  app.use(jsonBody('512kb'));

  app.use(
    opsRoutes({
      client: deps.client,
      namespace: deps.namespace,
      workerState: deps.workerState,
      metrics: deps.metrics,
      tenants: { calls: deps.store.calls, operatorKeyHash: deps.operatorKeyHash },
    }),
  );
  const document = apiDocument(packageJson.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', docsPage('/openapi.json'));
  const tenant = requireTenant(deps.store);
  app.use('/v1/tenants', operator, tenantRoutes({ client: deps.client, store: deps.store, cursors }));
  app.use(
    '/v1/tenants',
    operator,
    portalSessionRoutes({ ...sessions, baseUrl: deps.portal.baseUrl, linkSeconds: deps.portal.linkSeconds }),
  );
  const intake = { starts: deps.deliveryStarts, store: deps.store, settings: deps.delivery };
  app.use('/v1/events', operator, eventRoutes(intake, policy));
  // Receipts first: the tenant's own key may read them, while intake takes the operator key only.
  app.use(
    '/v1/signals',
    signalReceiptRoutes(
      { client: deps.client, store: deps.store },
      requireOperatorOrTenant(deps.operatorKeyHash, deps.store),
    ),
  );
  app.use('/v1/signals', operator, signalRoutes(intake, policy));
  app.use(
    '/v1/endpoints',
    tenant,
    endpointRoutes({
      store: deps.store,
      health: deps.health,
      client: deps.client,
      policy,
      delivery: deps.delivery,
      deliveryStarts: deps.deliveryStarts,
      cursors,
    }),
  );
  app.use(
    '/v1/deliveries',
    tenant,
    deliveryRoutes({
      client: deps.client,
      cursors,
      store: deps.store,
      starts: deps.deliveryStarts,
      settings: deps.delivery,
    }),
  );
  app.use('/v1/dead-letters', tenant, deadLetterRoutes({ client: deps.client, cursors }));

  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}
