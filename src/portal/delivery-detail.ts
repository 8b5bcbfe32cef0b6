import type { DeliveryDetail } from '../services/delivery-log';
import type { SafeHtml } from './html';
import { html } from './html';
import type { PageContext } from './layout';
import { csrfField } from './layout';

/**
 * One delivery: its state, each attempt (time, result, latency, the start of the response, shown as
 * text whatever the receiver sent), the payload it sends, and replay or resend.
 */
export function deliveryDetail(
  ctx: PageContext,
  d: DeliveryDetail,
  payload: unknown,
  label: string | undefined,
): SafeHtml {
  const attempts = d.attempts.map(
    (a) =>
      html`<tr>
          <td>${a.attempt}</td>
          <td>${a.started_at}</td>
          <td>${a.http_status ?? a.error_kind ?? '—'}</td>
          <td>${a.latency_ms} ms</td>
        </tr>
        <tr>
          <td colspan="4" class="wrap">
            <span class="hint">Response of attempt ${a.attempt} (first 1 KB)</span>
            <pre>${a.response_body || '(empty)'}</pre>
          </td>
        </tr>`,
  );
  const action = `${ctx.base}/deliveries/${d.id}`;
  return html`<dl>
      <dt>Status</dt>
      <dd class="status-${d.status ?? ''}">${d.status}</dd>
      <dt>Event type</dt>
      <dd>${d.event_type ?? '—'}${d.kind === 'test' ? ' (test)' : ''}</dd>
      <dt>Endpoint</dt>
      <dd>
        ${d.endpoint_id ? html`<a href="${ctx.base}/endpoints/${d.endpoint_id}">${label ?? d.endpoint_id}</a>` : '—'}
      </dd>
      <dt>Started</dt>
      <dd>${d.created_at}</dd>
      ${
        d.next_attempt_at
          ? html`<dt>Next attempt</dt>
              <dd>${d.next_attempt_at}</dd>`
          : null
      }
      ${
        d.dead_lettered_at
          ? html`<dt>Dead-lettered</dt>
              <dd>${d.dead_lettered_at}${d.expires_at ? `, expires ${d.expires_at}` : ''}</dd>`
          : null
      }
      ${
        d.rejected_reason
          ? html`<dt>Not sent</dt>
              <dd>${d.rejected_reason}</dd>`
          : null
      }
      ${
        d.resent_from
          ? html`<dt>Resent from</dt>
              <dd><a href="${ctx.base}/deliveries/${d.resent_from}">${d.resent_from}</a></dd>`
          : null
      }
    </dl>
    <div class="actions">
      ${
        d.status === 'dead_lettered'
          ? html`<form method="post" action="${action}/replay">
              ${csrfField(ctx)}<button type="submit">Replay</button>
            </form>`
          : null
      }
      <form method="post" action="${action}/resend">
        ${csrfField(ctx)}<button type="submit" class="secondary">Resend as a new delivery</button>
      </form>
    </div>
    <h2>Attempts</h2>
    ${
      attempts.length
        ? html`<div class="table">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Result</th>
                  <th scope="col">Latency</th>
                </tr>
              </thead>
              <tbody>
                ${attempts}
              </tbody>
            </table>
          </div>`
        : html`<p>No attempt yet.</p>`
    }
    <h2>Payload sent</h2>
    <pre id="payload">${JSON.stringify(payload, null, 2)}</pre>`;
}
