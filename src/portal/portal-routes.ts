import type { ErrorRequestHandler } from 'express';
import express from 'express';
import { EVENT_TYPES, eventTypeSpec } from '../events';
import { serviceLog } from '../log/service-log';
import { Refusal } from '../services/refusal';
import { registerAssets } from './assets';
import { registerDeliveryPages } from './delivery-pages';
import { registerEndpointPages } from './endpoint-pages';
import { registerEndpointTools } from './endpoint-tool-pages';
import { registerReplayPages } from './replay-pages';
import { html } from './html';
import { portalHeaders, sendBarePage, sendPage } from './layout';
import { registerLogout, registerPortalEntry, requirePortalSession, sessionOf } from './portal-auth';
import type { PortalDeps } from './portal-deps';

/**
 * The customer portal, mounted at `/portal`: server-rendered pages with one external script, where
 * a tenant's own customer manages its endpoints and reads its delivery log. Every action calls the
 * service the API's route calls. A session comes only from a portal link (`/enter`), holds one
 * tenant, and opens nothing outside `/portal`: the API's routes take keys, never this cookie.
 */
export function portalRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  router.use(portalHeaders(deps.frameAncestors));
  registerAssets(router);
  registerPortalEntry(router, deps.sessions);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  router.use(requirePortalSession(deps.sessions));
  registerLogout(router);
  router.get('/', (req, res) => res.redirect(303, `${req.baseUrl}/endpoints`));
  registerEndpointPages(router, deps);
  registerEndpointTools(router, deps);
  registerReplayPages(router, deps);
  registerDeliveryPages(router, deps);
  router.get('/event-types', (_req, res) => {
    const { ctx } = sessionOf(res);
    const items = EVENT_TYPES.map((type) => {
      const spec = eventTypeSpec(type)!;
      return html`<h2><code>${type}</code></h2>
        <p>${spec.description}</p>
        <details>
          <summary>Sample payload of <code>${type}</code></summary>
          <pre>${JSON.stringify(spec.sample(), null, 2)}</pre>
        </details>`;
    });
    sendPage(res, ctx, 'Event types', html`${items}`);
  });
  router.use((_req, _res, next) => next(new Refusal(404, 'not_found', 'page not found')));
  router.use(portalErrors);
  return router;
}

/** Errors as pages: a refusal says what was wrong; anything else is logged and said in general. */
const portalErrors: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  // body-parser's errors (a form too large) carry a 4xx status of their own.
  const parserStatus = (error as { status?: unknown } | undefined)?.status;
  const refusal =
    error instanceof Refusal
      ? error
      : typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500
        ? new Refusal(parserStatus, 'bad_request', 'The form could not be read.')
        : undefined;
  if (!refusal) serviceLog().error({ error }, 'unhandled portal error');
  const status = refusal?.status ?? 500;
  const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Not done';
  const message = refusal
    ? html`<p role="alert">
        ${refusal.fields?.map((f) => `${f.field}: ${f.problem}`).join('; ') || refusal.message}
      </p>`
    : html`<p role="alert">The request could not be completed. Try again shortly.</p>`;
  const back = html`${message}
    <p><a href="${req.baseUrl}/endpoints">Back to your endpoints</a></p>`;
  if (res.locals.portal) sendPage(res, sessionOf(res).ctx, title, back, status);
  else sendBarePage(res, req.baseUrl, status, title, back);
};
