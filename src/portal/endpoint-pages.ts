import type { Router } from 'express';
import type { EndpointRecord } from '../../workflows/records';
import { parse } from '../api/validate';
import { endpointCreateSchema, endpointPatchSchema } from '../schemas/endpoint';
import { changeEndpoint, createEndpoint, deleteEndpoint } from '../services/endpoint-changes';
import { setEndpointPaused } from '../services/endpoint-pause';
import { listDeadLetters } from '../services/delivery-log';
import { ENDPOINT_REPLAY_BOUNDS } from '../services/delivery-replay';
import { Refusal } from '../services/refusal';
import { createBody, endpointForm, formValues, patchBody, valuesOf } from './endpoint-form';
import type { SafeHtml } from './html';
import { html } from './html';
import type { PageContext } from './layout';
import { csrfField, noticeOf, sendPage } from './layout';
import { sessionOf } from './portal-auth';
import type { PortalDeps } from './portal-deps';
import { ownedEndpoint, pageNotFound } from './portal-deps';
import { secretSection } from './secret-section';
import { detailPage } from './endpoint-detail';

const statusWord = (endpoint: EndpointRecord): string =>
  endpoint.health.paused
    ? 'Paused'
    : !endpoint.enabled
      ? 'Disabled'
      : endpoint.health.failing
        ? 'Failing'
        : 'Active';

function listPage(ctx: PageContext, endpoints: EndpointRecord[], notice: SafeHtml | null): SafeHtml {
  const rows = endpoints.map(
    (e) =>
      html`<tr>
        <td class="wrap"><a href="${ctx.base}/endpoints/${e.id}">${e.label}</a></td>
        <td class="wrap">${e.url}</td>
        <td>${statusWord(e)}</td>
        <td class="wrap">${e.event_types.join(', ')}</td>
      </tr>`,
  );
  return html`${notice}
    <p><a class="button" href="${ctx.base}/endpoints/new">Add endpoint</a></p>
    ${
      endpoints.length
        ? html`<div class="table">
            <table>
              <caption class="hint">
                Your endpoints
              </caption>
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">URL</th>
                  <th scope="col">Status</th>
                  <th scope="col">Event types</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
        : html`<p>No endpoints yet. Add one to start receiving webhooks.</p>`
    }`;
}

export function registerEndpointPages(router: Router, deps: PortalDeps): void {
  router.get('/endpoints', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoints = await deps.store.listEndpoints(tenant.id);
    sendPage(res, ctx, 'Endpoints', listPage(ctx, endpoints, noticeOf(req.query)));
  });

  router.get('/endpoints/new', (_req, res) => {
    const { ctx } = sessionOf(res);
    const values = { preset: '', label: '', url: '', description: '', event_types: [] };
    const form = endpointForm(ctx, { action: `${ctx.base}/endpoints`, values, problems: [], isNew: true });
    sendPage(res, ctx, 'Add endpoint', form);
  });

  router.post('/endpoints', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const values = formValues(req.body);
    try {
      const created = await createEndpoint(deps, tenant, parse(endpointCreateSchema, createBody(values)));
      sendPage(
        res,
        ctx,
        'Endpoint added',
        html`<p class="notice" role="status">
            ${created.label} now receives ${created.event_types.join(', ')}.
          </p>
          ${secretSection(created, created.secret)}
          <p><a href="${ctx.base}/endpoints/${created.id}">Go to the endpoint</a></p>`,
        201,
      );
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const form = endpointForm(ctx, {
        action: `${ctx.base}/endpoints`,
        values,
        problems: error.fields ?? [{ field: '(form)', problem: error.message }],
        isNew: true,
      });
      sendPage(res, ctx, 'Add endpoint', form, error.status);
    }
  });

  router.get('/endpoints/:id', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const [state, deadLetters] = await Promise.all([
      deps.health.get(endpoint.id),
      listDeadLetters(
        deps.client,
        { tenantId: tenant.id, endpointId: endpoint.id },
        ENDPOINT_REPLAY_BOUNDS.limit,
      ),
    ]);
    sendPage(
      res,
      ctx,
      endpoint.label,
      detailPage(ctx, endpoint, state, deadLetters.length, noticeOf(req.query)),
    );
  });

  router.get('/endpoints/:id/edit', async (req, res) => {
    const { ctx } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const action = `${ctx.base}/endpoints/${endpoint.id}`;
    sendPage(
      res,
      ctx,
      `Edit ${endpoint.label}`,
      endpointForm(ctx, { action, values: valuesOf(endpoint), problems: [], isNew: false }),
    );
  });

  router.post('/endpoints/:id', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const values = formValues(req.body);
    try {
      const changed = await changeEndpoint(
        deps,
        tenant,
        endpoint.id,
        parse(endpointPatchSchema, patchBody(values)),
      );
      if (!changed) throw pageNotFound('endpoint');
      res.redirect(303, `${ctx.base}/endpoints/${endpoint.id}?notice=saved`);
    } catch (error) {
      if (!(error instanceof Refusal) || error.status === 404) throw error;
      const action = `${ctx.base}/endpoints/${endpoint.id}`;
      const problems = error.fields ?? [{ field: '(form)', problem: error.message }];
      sendPage(
        res,
        ctx,
        `Edit ${endpoint.label}`,
        endpointForm(ctx, { action, values, problems, isNew: false }),
        error.status,
      );
    }
  });

  router.get('/endpoints/:id/delete', async (req, res) => {
    const { ctx } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    sendPage(
      res,
      ctx,
      `Delete ${endpoint.label}?`,
      html`<p>
          Deliveries to <span class="wrap">${endpoint.url}</span> stop, and held ones are let go. This cannot
          be undone.
        </p>
        <div class="actions">
          <form method="post" action="${ctx.base}/endpoints/${endpoint.id}/delete">
            ${csrfField(ctx)} <button type="submit" class="danger">Delete endpoint</button>
          </form>
          <a class="button secondary" href="${ctx.base}/endpoints/${endpoint.id}">Keep it</a>
        </div>`,
    );
  });

  router.post('/endpoints/:id/delete', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    if (!(await deleteEndpoint(deps, tenant.id, endpoint.id))) throw pageNotFound('endpoint');
    res.redirect(303, `${ctx.base}/endpoints?notice=deleted`);
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/endpoints/:id/${action}`, async (req, res) => {
      const { ctx, tenant } = sessionOf(res);
      const endpoint = await ownedEndpoint(deps, res, req.params.id);
      if (!(await setEndpointPaused(deps, tenant.id, endpoint.id, paused))) throw pageNotFound('endpoint');
      res.redirect(
        303,
        `${ctx.base}/endpoints/${endpoint.id}?notice=${paused ? 'paused' : 'resumed'}#health`,
      );
    });
  }
}
