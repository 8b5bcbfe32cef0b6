import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import express from 'express';
import type { CodecSessions } from './codec-session';
import { CODEC_SESSION_COOKIE, sessionToken } from './codec-session';

export interface CodecLoginOptions {
  sessions: CodecSessions;
  /** The API's operator check; the sign-in form's key is put to it as a bearer token. */
  requireOperator: RequestHandler;
  /** The Web UI origins allowed to call the codec: the page names the one to open. */
  corsOrigins: readonly string[];
}

/**
 * The codec's own credential check: the operator key as a bearer token (the `temporal` CLI), or a
 * session cookie from `/codec/login` (the Web UI, which can send cookies but not the key).
 */
export function requireOperatorOrSession(
  sessions: CodecSessions,
  requireOperator: RequestHandler,
): RequestHandler {
  return (req, res, next) => {
    if (sessions.verify(sessionToken(req.headers.cookie))) {
      next();
      return;
    }
    return requireOperator(req, res, next);
  };
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:3rem auto;padding:0 1rem}' +
  'input,button{font:inherit;padding:.3rem .6rem}input{display:block;width:100%;box-sizing:border-box;' +
  'margin:.3rem 0 1rem}code{background:#eee;padding:0 .2rem}.error{color:#a00}';
// The page runs no script and loads nothing: its one style block is allowed by its hash, and its
// forms may post only to this origin.
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ 'Content-Security-Policy': CSP, 'Content-Type': 'text/html; charset=utf-8' })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${escapeHtml(title)} · signal-push codec</title><style>${STYLE}</style></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

const signInForm = (req: Request, problem?: string): string =>
  `<p>Sign in with the operator key so that the Temporal Web UI, in this browser, can show payloads decrypted.</p>` +
  (problem ? `<p class="error">${escapeHtml(problem)}</p>` : '') +
  `<form method="post" action="${escapeHtml(req.baseUrl)}/login">` +
  `<label for="key">Operator key</label>` +
  `<input id="key" name="key" type="password" autocomplete="off" required autofocus>` +
  `<button type="submit">Sign in</button></form>`;

/** What the operator does next in the Web UI, with this page's host name, since the cookie is bound to it. */
function signedIn(req: Request, corsOrigins: readonly string[], expiry: number): string {
  const endpoint = `${req.protocol}://${req.get('host') ?? req.hostname}${req.baseUrl}`;
  const ui = corsOrigins.find((origin) => URL.canParse(origin) && new URL(origin).hostname === req.hostname);
  const where = ui
    ? `the Web UI at <a href="${escapeHtml(ui)}">${escapeHtml(ui)}</a>`
    : `a Web UI opened under the host name <code>${escapeHtml(req.hostname)}</code> (one of ` +
      `${corsOrigins.map((origin) => `<code>${escapeHtml(origin)}</code>`).join(', ')})`;
  return (
    `<p>Signed in: ${where} can now decode payloads in this browser, until ` +
    `${escapeHtml(new Date(expiry * 1000).toISOString())}. In its Codec Server settings (the codec icon in ` +
    `its top bar):</p><ol>` +
    `<li>choose “Use my browser setting and ignore Cluster-level setting”;</li>` +
    `<li>enter the endpoint <code>${escapeHtml(endpoint)}</code>;</li>` +
    `<li>turn on “Include cross-origin credentials” and apply.</li></ol>` +
    `<p>Use the same host name for the Web UI and this page (not <code>localhost</code> for one and ` +
    `<code>127.0.0.1</code> for the other): the browser sends the session cookie only to this host name, ` +
    `and only from pages of the same site.</p>` +
    `<form method="post" action="${escapeHtml(req.baseUrl)}/logout"><button type="submit">Sign out</button></form>`
  );
}

/**
 * Asks the API's operator check (a constant-time comparison of key hashes) about `key` as if it had
 * come as a bearer token: the codec routes are handed that check, not the key's hash.
 */
function isOperatorKey(
  requireOperator: RequestHandler,
  req: Request,
  res: Response,
  key: string,
): Promise<boolean> {
  req.headers.authorization = `Bearer ${key}`;
  return new Promise((resolve) => {
    void requireOperator(req, res, (error?: unknown) => resolve(error === undefined));
  });
}

/**
 * Sign-in for the Web UI: `GET /login` shows a form, `POST /login` with the operator key sets the
 * session cookie, `POST /logout` clears it. The forms post same-origin; a post from another site
 * (`Sec-Fetch-Site: cross-site`) is refused, so no page elsewhere can sign a browser out or in.
 */
export function codecLoginRoutes(options: CodecLoginOptions): express.Router {
  const { sessions, corsOrigins } = options;
  const router = express.Router();
  const cookie = (req: Request) =>
    ({ httpOnly: true, sameSite: 'strict', secure: req.secure, path: req.baseUrl }) as const;
  const sameSiteOnly: RequestHandler = (req, res, next) => {
    if (req.get('sec-fetch-site') === 'cross-site') {
      sendPage(res, 403, 'Refused', '<p>Sign in and out from this page only.</p>');
      return;
    }
    next();
  };

  router.get('/login', (req, res) => {
    const expiry = sessions.expiryOf(sessionToken(req.headers.cookie));
    if (expiry === undefined) sendPage(res, 200, 'Codec sign-in', signInForm(req));
    else sendPage(res, 200, 'Signed in', signedIn(req, corsOrigins, expiry));
  });

  router.post(
    '/login',
    sameSiteOnly,
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req: Request, res: Response) => {
      const body: unknown = req.body;
      const given = body && typeof body === 'object' && 'key' in body ? body.key : undefined;
      const key = typeof given === 'string' ? given.trim() : '';
      if (!key || !(await isOperatorKey(options.requireOperator, req, res, key))) {
        sendPage(res, 401, 'Codec sign-in', signInForm(req, 'That is not the operator key.'));
        return;
      }
      const token = sessions.issue();
      res.cookie(CODEC_SESSION_COOKIE, token, { ...cookie(req), maxAge: sessions.lifetimeSeconds * 1000 });
      sendPage(res, 200, 'Signed in', signedIn(req, corsOrigins, sessions.expiryOf(token)!));
    },
  );

  router.post('/logout', sameSiteOnly, (req, res) => {
    res.clearCookie(CODEC_SESSION_COOKIE, cookie(req));
    sendPage(res, 200, 'Signed out', `<p>This browser's codec session has ended.</p>${signInForm(req)}`);
  });
  return router;
}
