import type { Request, Router } from 'express';
import { DELIVERY_ID } from '../../workflows/ids';
import { DELIVERY_STATUSES } from '../../workflows/delivery-contract';
import { startPages } from '../api/routes/deliveries';
import { parse } from '../api/validate';
import { EVENT_TYPES } from '../events';
import { deliveryListQuerySchema } from '../schemas/deliveries';
import type { DeliverySummary } from '../services/delivery-log';
import { getDelivery } from '../services/delivery-log';
import { deliveryListFilter, listDeliveryPage } from '../services/delivery-pages';
import { replayDelivery } from '../services/delivery-replay';
import { resendDelivery, sentPayload } from '../services/delivery-resend';
import { Refusal } from '../services/refusal';
import type { SafeHtml } from './html';
import { html } from './html';
import type { PageContext } from './layout';
import { noticeOf, sendPage } from './layout';
import { sessionOf } from './portal-auth';
import type { PortalDeps } from './portal-deps';
import { pageNotFound } from './portal-deps';
import { deliveryDetail } from './delivery-detail';

/** Deliveries a page shows unless the address asks for another number (`?limit=`, as the API takes). */
const PAGE_SIZE = 25;
const FILTERS = ['status', 'event_type', 'endpoint_id', 'since', 'until'] as const;

/** `datetime-local` gives `2026-12-04T09:30` with no zone: the form says UTC, so it is read as UTC. */
const asUtc = (value: string): string => (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00Z` : value);

/** The log's filters as the API's listing query takes them: blank ones left out. */
function filterQuery(req: Request): Record<string, string> {
  const query = req.query as Record<string, unknown>;
  const picked: Record<string, string> = {};
  for (const name of [...FILTERS, 'cursor', 'limit'] as const) {
    const value = query[name];
    if (typeof value === 'string' && value.trim() !== '') {
      picked[name] = name === 'since' || name === 'until' ? asUtc(value.trim()) : value.trim();
    }
  }
  return picked;
}

function options(values: readonly string[], selected: string | undefined, labels?: Record<string, string>) {
  return values.map(
    (value) =>
      html`<option value="${value}" ${value === selected ? html`selected` : null}>
        ${labels?.[value] ?? value}
      </option>`,
  );
}

function filterForm(
  ctx: PageContext,
  query: Record<string, string>,
  labels: Record<string, string>,
): SafeHtml {
  const local = (value: string | undefined) => value?.replace(/:00(\.000)?Z$/, '') ?? '';
  return html`<form method="get" action="${ctx.base}/deliveries" class="filters" aria-label="Filter the log">
    <div>
      <label for="f-status">Status</label
      ><select id="f-status" name="status">
        <option value="">any</option>
        ${options(DELIVERY_STATUSES, query.status)}
      </select>
    </div>
    <div>
      <label for="f-type">Event type</label
      ><select id="f-type" name="event_type">
        <option value="">any</option>
        ${options(EVENT_TYPES, query.event_type)}
      </select>
    </div>
    <div>
      <label for="f-endpoint">Endpoint</label
      ><select id="f-endpoint" name="endpoint_id">
        <option value="">any</option>
        ${options(Object.keys(labels), query.endpoint_id, labels)}
      </select>
    </div>
    <div>
      <label for="f-since">From (UTC)</label
      ><input type="datetime-local" id="f-since" name="since" value="${local(query.since)}" />
    </div>
    <div>
      <label for="f-until">Until (UTC)</label
      ><input type="datetime-local" id="f-until" name="until" value="${local(query.until)}" />
    </div>
    <div class="actions"><button type="submit">Filter</button></div>
  </form>`;
}

/** `2026-12-04T10:06:15.188Z` as `2026-12-04 10:06:15`: the log's column says UTC. */
const shortTime = (iso: string): string => iso.replace('T', ' ').slice(0, 19);

/** Three columns, so a phone shows the status without scrolling sideways. */
function logTable(ctx: PageContext, deliveries: DeliverySummary[], labels: Record<string, string>): SafeHtml {
  if (deliveries.length === 0) return html`<p>No deliveries match.</p>`;
  const rows = deliveries.map(
    (d) =>
      html`<tr>
        <td>
          <a href="${ctx.base}/deliveries/${d.id}"
            ><time datetime="${d.created_at}">${shortTime(d.created_at)}</time></a
          >
        </td>
        <td class="wrap">
          ${d.event_type ?? '—'}${d.kind === 'test' ? ' (test)' : ''}<br /><span class="hint"
            >${labels[d.endpoint_id ?? ''] ?? d.endpoint_id ?? '—'}</span
          >
        </td>
        <td>
          <span class="status-${d.status ?? ''}">${d.status ?? '—'}</span><br /><span class="hint"
            >${d.attempt_count} ${d.attempt_count === 1 ? 'attempt' : 'attempts'}</span
          >
        </td>
      </tr>`,
  );
  return html`<div class="table">
    <table>
      <caption class="hint">
        Newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Started (UTC)</th>
          <th scope="col">Event type, endpoint</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** The delivery log: filter, page, open one; resend any, replay a dead letter. */
export function registerDeliveryPages(router: Router, deps: PortalDeps): void {
  const labelsOf = async (tenantId: string) =>
    Object.fromEntries((await deps.store.listEndpoints(tenantId)).map((e) => [e.id, e.label]));

  router.get('/deliveries', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const query = filterQuery(req);
    const { limit, cursor, ...filter } = parse(
      deliveryListQuerySchema,
      { limit: String(PAGE_SIZE), ...query },
      'query',
    );
    const pages = startPages(deps.cursors, ['portal-deliveries', tenant.id, filter]);
    const [labels, page] = await Promise.all([
      labelsOf(tenant.id),
      listDeliveryPage(deps.client, deliveryListFilter(tenant.id, filter), limit, pages.after(cursor)),
    ]);
    const next = pages.next(page);
    const nextQuery = new URLSearchParams({ ...query, ...(next ? { cursor: next } : {}) });
    sendPage(
      res,
      ctx,
      'Delivery log',
      html`${filterForm(ctx, query, labels)}${logTable(ctx, page.deliveries, labels)}
      ${next ? html`<p><a class="button secondary" href="${ctx.base}/deliveries?${nextQuery.toString()}">Older deliveries</a></p>` : null}`,
    );
  });

  const owned = async (tenantId: string, id: string | undefined) => {
    const delivery = id && DELIVERY_ID.test(id) ? await getDelivery(deps.client, id, tenantId) : undefined;
    if (!delivery) throw pageNotFound('delivery');
    return delivery;
  };

  router.get('/deliveries/:id', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const delivery = await owned(tenant.id, req.params.id);
    const [payload, labels] = await Promise.all([
      sentPayload(deps.client, delivery.id, tenant.id),
      labelsOf(tenant.id),
    ]);
    sendPage(
      res,
      ctx,
      'Delivery',
      html`${noticeOf(req.query)}
        <p class="wrap"><code>${delivery.id}</code></p>
        ${deliveryDetail(ctx, delivery, payload, labels[delivery.endpoint_id ?? ''])}`,
    );
  });

  router.post('/deliveries/:id/replay', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const delivery = await owned(tenant.id, req.params.id);
    const outcome = await replayDelivery(deps.client, delivery.id, tenant.id);
    if (outcome === 'not_found') throw pageNotFound('delivery');
    if (outcome === 'not_dead_lettered') {
      throw new Refusal(409, 'not_dead_lettered', 'Only a dead-lettered delivery can be replayed.');
    }
    res.redirect(303, `${ctx.base}/deliveries/${delivery.id}?notice=replayed`);
  });

  router.post('/deliveries/:id/resend', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const delivery = await owned(tenant.id, req.params.id);
    const services = { store: deps.store, starts: deps.deliveryStarts, settings: deps.delivery };
    const result = await resendDelivery(services, delivery.id, tenant.id);
    if (result.outcome === 'not_found') throw pageNotFound('delivery');
    if (result.outcome === 'endpoint_deleted') {
      throw new Refusal(
        409,
        'endpoint_deleted',
        "The delivery's endpoint has been deleted: there is nowhere to send it.",
      );
    }
    res.redirect(303, `${ctx.base}/deliveries/${result.delivery.delivery_id}?notice=resent`);
  });
}
