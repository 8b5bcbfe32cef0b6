import type { RequestHandler, Response } from 'express';
import type { TenantRecord } from '../../workflows/records';
import { ICON_PATH, SCRIPT_PATH, STYLE_PATH } from './assets';
import type { SafeHtml } from './html';
import { html } from './html';

/**
 * The portal's headers: scripts and styles from this origin only (nothing inline, no nonce), forms
 * that post here only, and framing only by the origins the operator allowed (none by default).
 */
export function portalHeaders(frameAncestors: readonly string[]): RequestHandler {
  const ancestors = frameAncestors.length ? frameAncestors.map((url) => new URL(url).origin) : ["'none'"];
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors.join(' ')}`,
  ].join('; ');
  return (_req, res, next) => {
    res.set('Content-Security-Policy', csp);
    // frame-ancestors decides; X-Frame-Options cannot name an origin, so it goes where framing is allowed.
    if (frameAncestors.length) res.removeHeader('X-Frame-Options');
    next();
  };
}

/** What every signed-in page needs: whose portal it is, and the form token of this session. */
export interface PageContext {
  tenant: TenantRecord;
  csrf: string;
  /** Mount path of the portal (`/portal`), for links and form actions. */
  base: string;
}

/** A hidden field every form of the portal carries (see portal-auth). */
export const csrfField = (ctx: Pick<PageContext, 'csrf'>): SafeHtml =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrf}" />`;

function shell(title: string, header: SafeHtml | null, body: SafeHtml, base: string): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} · Webhooks</title>
        <link rel="stylesheet" href="${base}${STYLE_PATH}" />
        <link rel="icon" href="${base}${ICON_PATH}" type="image/svg+xml" />
        <script src="${base}${SCRIPT_PATH}" defer></script>
      </head>
      <body>
        ${header}
        <main id="main">${body}</main>
      </body>
    </html>`;
}

export function sendPage(res: Response, ctx: PageContext, title: string, body: SafeHtml, status = 200): void {
  const { base } = ctx;
  const header = html`<header>
    <span class="tenant">${ctx.tenant.name} · Webhooks</span>
    <nav aria-label="Portal">
      <a href="${base}/endpoints">Endpoints</a> · <a href="${base}/deliveries">Delivery log</a> ·
      <a href="${base}/event-types">Event types</a>
    </nav>
    <form method="post" action="${base}/logout">
      ${csrfField(ctx)}<button type="submit">Sign out</button>
    </form>
  </header>`;
  res
    .status(status)
    .type('html')
    .send(
      shell(
        title,
        header,
        html`<h1>${title}</h1>
          ${body}`,
        base,
      ).text,
    );
}

/** A page for someone without a session: an expired, revoked or unknown link. */
export function sendBarePage(
  res: Response,
  base: string,
  status: number,
  title: string,
  body: SafeHtml,
): void {
  res
    .status(status)
    .type('html')
    .send(
      shell(
        title,
        null,
        html`<h1>${title}</h1>
          ${body}`,
        base,
      ).text,
    );
}

/** Notices a redirect may ask a page to show: fixed texts, so no query string can write the page. */
const NOTICES: Record<string, string> = {
  paused: 'Paused: deliveries are held until you resume.',
  resumed: 'Resumed: held deliveries are being sent.',
  saved: 'Saved.',
  deleted: 'Endpoint deleted.',
  replayed: 'Replayed: a fresh round of attempts has started.',
  resent: 'Resent: this is the new delivery.',
};
export const noticeOf = (query: unknown): SafeHtml | null => {
  const key = (query as { notice?: unknown }).notice;
  const text = typeof key === 'string' ? NOTICES[key] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : null;
};
