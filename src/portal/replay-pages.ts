import type { Router } from 'express';
import { z } from 'zod';
import { startPages } from '../api/routes/deliveries';
import { parse } from '../api/validate';
import { replayDeadLetterPage } from '../services/delivery-replay';
import { html } from './html';
import type { PageContext } from './layout';
import { csrfField, sendPage } from './layout';
import { sessionOf } from './portal-auth';
import type { PortalDeps } from './portal-deps';
import { ownedEndpoint } from './portal-deps';

/** Dead letters replayed per request: each answer is a step of the progress bar. */
export const REPLAY_BATCH = 20;
const REPLAY_CONCURRENCY = 20;

const count = z.coerce.number().int().min(0).max(1_000_000);
/** Where a replay of an endpoint's dead letters stands; each step's page posts it to the next step. */
const progressForm = z.object({
  cursor: z.string().max(2000).optional(),
  batch: z.coerce.number().int().min(1).max(100).default(REPLAY_BATCH),
  total: count,
  replayed: count.default(0),
  skipped: count.default(0),
  failed: count.default(0),
});
type Progress = z.infer<typeof progressForm>;

/** The form that starts a replay, or takes it a step further: the fields carry the running totals. */
export function replayForm(ctx: PageContext, endpointId: string, progress: Progress, label: string) {
  const field = (name: string, value: string | number | undefined) =>
    value === undefined ? null : html`<input type="hidden" name="${name}" value="${value}" />`;
  return html`<form
    method="post"
    action="${ctx.base}/endpoints/${endpointId}/replay"
    data-busy="Replaying dead letters…"
    ${progress.cursor ? html`data-autosubmit` : null}
  >
    ${csrfField(ctx)} ${field('cursor', progress.cursor)} ${field('batch', progress.batch)}
    ${field('total', progress.total)} ${field('replayed', progress.replayed)}
    ${field('skipped', progress.skipped)} ${field('failed', progress.failed)}
    <div class="actions"><button type="submit">${label}</button><span role="status"></span></div>
  </form>`;
}

/**
 * "Replay all dead letters", a page of them per request: each answer shows how far it got and, while
 * more are left, posts itself on (the portal's script does so at once; without it, a button does).
 */
export function registerReplayPages(router: Router, deps: PortalDeps): void {
  router.post('/endpoints/:id/replay', async (req, res) => {
    const { ctx, tenant } = sessionOf(res);
    const endpoint = await ownedEndpoint(deps, res, req.params.id);
    const form = parse(progressForm, req.body);
    const pages = startPages(deps.cursors, ['portal-replay', tenant.id, endpoint.id]);
    const step = await replayDeadLetterPage(
      deps.client,
      { tenantId: tenant.id, endpointId: endpoint.id },
      { limit: form.batch, concurrency: REPLAY_CONCURRENCY, after: pages.after(form.cursor) },
    );
    const next = pages.next({ deliveries: [], next: step.next });
    const progress: Progress = {
      ...form,
      cursor: next ?? undefined,
      replayed: form.replayed + step.replayed.length,
      skipped: form.skipped + step.skipped.length,
      failed: form.failed + step.failed.length,
    };
    const done = progress.replayed + progress.skipped + progress.failed;
    const letters = (n: number) => `${n} dead ${n === 1 ? 'letter' : 'letters'}`;
    sendPage(
      res,
      ctx,
      `Replay of ${endpoint.label}`,
      html`<p class="${progress.failed ? 'warning' : 'notice'}" role="status">
          Replayed ${progress.replayed} of
          ${letters(Math.max(progress.total, done))}${
            progress.skipped ? html`; ${progress.skipped} had already left the dead-letter queue` : null
          }${progress.failed ? html`; ${progress.failed} could not be replayed: replay again` : null}${
            next ? html`; going on…` : html`.`
          }
        </p>
        <progress
          max="${Math.max(progress.total, done, 1)}"
          value="${done}"
          aria-label="Replay progress"
        ></progress>
        ${next ? replayForm(ctx, endpoint.id, progress, `Replay the next ${progress.batch}`) : null}
        <p>
          Replayed deliveries start a fresh round of attempts; follow them in the
          <a href="${ctx.base}/deliveries?endpoint_id=${endpoint.id}">delivery log</a>.
        </p>
        <p><a href="${ctx.base}/endpoints/${endpoint.id}">Back to the endpoint</a></p>`,
    );
  });
}
