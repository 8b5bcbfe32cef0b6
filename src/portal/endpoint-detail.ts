import type { EndpointHealthState } from '../../workflows/endpoint-health-contract';
import type { EndpointRecord } from '../../workflows/records';
import { typesMatching } from '../events';
import { ENDPOINT_REPLAY_BOUNDS } from '../services/delivery-replay';
import { hint } from '../services/endpoint-view';
import type { SafeHtml } from './html';
import { html } from './html';
import type { PageContext } from './layout';
import { csrfField } from './layout';
import { REPLAY_BATCH, replayForm } from './replay-pages';

const PAUSE_WHY: Record<string, string> = {
  failure_streak: 'after too many consecutive failed deliveries',
  gone: 'because the receiver answered 410 Gone',
  manual: 'by hand',
};

/** Paused and why, the failure streak, and what resuming would do. */
function healthSection(
  ctx: PageContext,
  endpoint: EndpointRecord,
  state: EndpointHealthState | undefined,
): SafeHtml {
  const paused = state?.paused ?? endpoint.health.paused;
  const failures = state?.consecutiveFailures ?? 0;
  const held = state?.heldDeliveryIds.length ?? 0;
  const action = `${ctx.base}/endpoints/${endpoint.id}/${paused ? 'resume' : 'pause'}`;
  const status = paused
    ? html`<p class="warning">
        <strong>Paused</strong> ${PAUSE_WHY[paused.reason] ?? ''} since ${paused.at}. New deliveries are held,
        not sent. ${held} ${held === 1 ? 'delivery is' : 'deliveries are'} held: resuming sends
        ${held === 1 ? 'it' : 'them'} now and starts the failure count afresh.
      </p>`
    : html`<p>
        <strong>${failures > 0 ? 'Failing' : 'Active'}</strong>: ${failures} consecutive failed
        ${failures === 1 ? 'delivery' : 'deliveries'}${
          endpoint.pause_threshold !== null
            ? html`; it pauses itself at ${endpoint.pause_threshold}`
            : html`; it never pauses itself`
        }.
      </p>`;
  return html`<h2 id="health">Health</h2>
    ${status}
    <form method="post" action="${action}">
      ${csrfField(ctx)}<button type="submit" class="${paused ? '' : 'secondary'}">
        ${paused ? 'Resume' : 'Pause'} endpoint
      </button>
    </form>`;
}

/** An endpoint's settings, health, send-test, dead letters and secret rotation. */
export function detailPage(
  ctx: PageContext,
  endpoint: EndpointRecord,
  state: EndpointHealthState | undefined,
  deadLetters: number,
  notice: SafeHtml | null,
): SafeHtml {
  const base = `${ctx.base}/endpoints/${endpoint.id}`;
  const testable = typesMatching(endpoint.event_types);
  return html`${notice}
    <div class="actions">
      <a class="button secondary" href="${base}/edit">Edit</a>
      <a class="button secondary" href="${ctx.base}/deliveries?endpoint_id=${endpoint.id}">Delivery log</a>
      <a class="button secondary" href="${base}/delete">Delete</a>
    </div>
    <dl>
      <dt>URL</dt>
      <dd>${endpoint.url}</dd>
      <dt>Description</dt>
      <dd>${endpoint.description || '—'}</dd>
      <dt>Preset</dt>
      <dd>${endpoint.preset ?? 'none'}</dd>
      <dt>Event types</dt>
      <dd>${endpoint.event_types.join(', ')}</dd>
      <dt>Signature</dt>
      <dd>
        ${endpoint.signature.scheme}${
          endpoint.signature.scheme === 'none' || endpoint.signature.scheme === 'standard_webhooks'
            ? null
            : html` in header <code>${endpoint.signature.header}</code>`
        }
      </dd>
      <dt>Signing secret</dt>
      <dd>
        ${endpoint.secret === null ? 'none (unsigned)' : hint(endpoint.secret)}${
          endpoint.previous_secret
            ? html` (the previous one also signs until ${endpoint.previous_secret.expires_at})`
            : null
        }
      </dd>
    </dl>
    ${healthSection(ctx, endpoint, state)}
    <h2>Send a test event</h2>
    <form method="post" action="${base}/test" data-busy="Sending the test event and waiting for the answer…">
      ${csrfField(ctx)} <label for="test-type">Event type</label
      ><select id="test-type" name="event_type">
        ${testable.map((type) => html`<option value="${type}">${type}</option>`)}
      </select>
      <div class="actions"><button type="submit">Send test event</button><span role="status"></span></div>
    </form>
    <h2>Dead letters</h2>
    <p>
      ${deadLetters}${deadLetters >= ENDPOINT_REPLAY_BOUNDS.limit ? '+' : ''}
      ${deadLetters === 1 ? 'delivery' : 'deliveries'} gave up and wait for a replay.
    </p>
    ${
      deadLetters > 0
        ? replayForm(
            ctx,
            endpoint.id,
            { batch: REPLAY_BATCH, total: deadLetters, replayed: 0, skipped: 0, failed: 0 },
            'Replay all dead letters',
          )
        : null
    }
    <h2>Signing secret</h2>
    <form method="post" action="${base}/rotate-secret">
      ${csrfField(ctx)}
      <label for="overlap">Keep the current secret signing too for</label>
      <select id="overlap" name="overlap_seconds">
        <option value="0">no overlap: switch now</option>
        <option value="3600">1 hour</option>
        <option value="86400" selected>24 hours</option>
        <option value="604800">7 days</option>
      </select>
      <div class="actions"><button type="submit" class="secondary">Rotate secret</button></div>
    </form>`;
}
