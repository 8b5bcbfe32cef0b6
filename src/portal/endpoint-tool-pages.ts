import type { Router } from 'express';
import { z } from 'zod';
import { parse } from '../api/validate';
import { EVENT_TYPES } from '../events';
import { rotateEndpointSecret } from '../services/endpoint-changes';
import { EventTypeNotSubscribed, sendEndpointTest } from '../services/endpoint-test';
import { MAX_SECRET_OVERLAP_SECONDS } from '../schemas/endpoint';
import { Refusal } from '../services/refusal';
import { html } from './html';
import { sendPage } from './layout';
import { sessionOf } from './portal-auth';
import type { PortalDeps } from './portal-deps';
import { ownedEndpoint, pageNotFound } from './portal-deps';
import { secretSection } from './secret-section';

// The API's own bodies, from form fields (which arrive as text).
const rotateForm = z.object({
  overlap_seconds: z.coerce.number().int().min(0).max(MAX_SECRET_OVERLAP_SECONDS),
});
const testForm = z.object({ event_type: z.enum(EVENT_TYPES).optional() });

/** Secret rotation and send-test. */
export function registerEndpointTools(router: Router, deps: PortalDeps): void {
  router.post('/endpoints/:id/rotate-secret', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const { overlap_seconds: overlap } = parse(rotateForm, req.body);
    const rotated = await rotateEndpointSecret(deps.store, tenant.id, endpoint.id, {
      overlap_seconds: overlap,
    });
    if (!rotated) throw pageNotFound('endpoint');
    const until = rotated.previous_secret_expires_at;
    sendPage(
      res,
      ctx,
      `New secret for ${endpoint.label}`,
      html`<p class="notice" role="status">
          The secret was rotated.
          ${
            until
              ? html`The previous secret also signs until ${until}.`
              : html`The previous secret no longer signs.`
          }
        </p>
        ${secretSection(endpoint, rotated.secret)}
        <p><a href="${ctx.base}/endpoints/${endpoint.id}">Back to the endpoint</a></p>`,
    );
  });

  router.post('/endpoints/:id/test', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const { event_type: type } = parse(testForm, req.body);
    const services = { store: deps.store, starts: deps.deliveryStarts, settings: deps.delivery };
    const result = await sendEndpointTest(services, tenant.id, endpoint.id, type).catch((error: unknown) => {
      if (error instanceof EventTypeNotSubscribed) {
        throw new Refusal(400, 'validation_failed', `event_type ${error.message}`, [
          { field: 'event_type', problem: error.message },
        ]);
      }
      throw error;
    });
    if (!result) throw pageNotFound('endpoint');
    sendPage(
      res,
      ctx,
      `Test of ${endpoint.label}`,
      html`<p class="${result.delivered ? 'notice' : 'warning'}" role="status">
          ${result.delivered ? 'Delivered: the receiver accepted the test event.' : 'Not delivered.'}
        </p>
        <dl>
          <dt>Event type</dt>
          <dd>${result.event_type}</dd>
          <dt>HTTP status</dt>
          <dd>${result.http_status ?? 'no answer'}</dd>
          <dt>Latency</dt>
          <dd>${result.latency_ms === null ? '—' : `${result.latency_ms} ms`}</dd>
          ${
            result.error_kind
              ? html`<dt>Error</dt>
                  <dd>${result.error_kind}</dd>`
              : null
          }
          ${
            result.rejected
              ? html`<dt>Not sent</dt>
                  <dd>${result.rejected}</dd>`
              : null
          }
        </dl>
        <h2>Response body (first 1 KB)</h2>
        <pre>${result.response_body || '(empty)'}</pre>
        <p>
          <a href="${ctx.base}/deliveries/${result.delivery_id}">Open the delivery</a> ·
          <a href="${ctx.base}/endpoints/${endpoint.id}">Back to the endpoint</a>
        </p>`,
    );
  });
}
