import { timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { OpenPortalSession, PortalSessionDeps } from '../services/portal-sessions';
import { openPortal } from '../services/portal-sessions';
import { html } from './html';
import type { PageContext } from './layout';
import { sendBarePage } from './layout';

export const PORTAL_SESSION_COOKIE = 'signal_push_portal';

/**
 * Lax, not Strict: a customer arrives from a link in another site (a mail, the platform's app), and
 * a Strict cookie set on that navigation is withheld from the redirect that follows it. Lax still
 * keeps it off every cross-site POST and frame; each form also carries the session's form token.
 */
const cookieOptions = (req: Request) =>
  ({ httpOnly: true, sameSite: 'lax', secure: req.secure, path: req.baseUrl }) as const;

const sessionCookie = (req: Request): string | undefined =>
  parseCookies(req.headers.cookie ?? '', { decode: (value) => value })[PORTAL_SESSION_COOKIE];

const ended = (req: Request, res: Response, status: number) => {
  res.clearCookie(PORTAL_SESSION_COOKIE, cookieOptions(req));
  sendBarePage(
    res,
    req.baseUrl,
    status,
    'This link has expired',
    html`<p>
      This webhooks portal link has expired, was revoked, or is not valid. Open the webhooks settings again
      from the application that sent you here to get a new one.
    </p>`,
  );
};

export const sessionOf = (res: Response): OpenPortalSession & { ctx: PageContext } =>
  res.locals.portal as OpenPortalSession & { ctx: PageContext };

/**
 * `GET /enter?token=…` trades a link for a session cookie and redirects to the portal, so the token
 * leaves the address bar and the history at once; `POST /logout` ends the session in this browser.
 */
export function registerPortalEntry(router: Router, deps: PortalSessionDeps): void {
  router.get('/enter', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    const opened = await openPortal(deps, 'link', token);
    if (!opened) {
      ended(req, res, 401);
      return;
    }
    res.cookie(PORTAL_SESSION_COOKIE, deps.tokens.sign('session', opened.grant), {
      ...cookieOptions(req),
      expires: new Date(opened.grant.expiresAt),
    });
    // No body: the redirect is the whole answer.
    res.status(303).location(`${req.baseUrl}/endpoints`).end();
  });
}

/** Every page past the entry: a live session, and on a POST the same origin and the form token. */
export function requirePortalSession(deps: PortalSessionDeps): RequestHandler {
  return async (req, res, next) => {
    const opened = await openPortal(deps, 'session', sessionCookie(req));
    if (!opened) {
      ended(req, res, 401);
      return;
    }
    const csrf = deps.tokens.formToken(opened.grant);
    if (req.method === 'POST' && !sameOriginForm(req, csrf)) {
      sendBarePage(
        res,
        req.baseUrl,
        403,
        'Refused',
        html`<p>
          This form was not sent from this portal page.
          <a href="${req.baseUrl}/endpoints">Back to the portal</a>.
        </p>`,
      );
      return;
    }
    res.locals.portal = { ...opened, ctx: { tenant: opened.tenant, csrf, base: req.baseUrl } };
    next();
  };
}

function sameOriginForm(req: Request, csrf: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  const body: unknown = req.body;
  const given = body && typeof body === 'object' && '_csrf' in body ? body._csrf : undefined;
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerLogout(router: Router): void {
  router.post('/logout', (req, res) => {
    res.clearCookie(PORTAL_SESSION_COOKIE, cookieOptions(req));
    sendBarePage(
      res,
      req.baseUrl,
      200,
      'Signed out',
      html`<p>You have signed out of the webhooks portal.</p>`,
    );
  });
}
