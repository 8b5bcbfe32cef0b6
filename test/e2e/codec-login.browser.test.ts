import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

/**
 * The codec sign-in page and the Web UI's cross-origin calls, in Debian's Chromium: what the
 * HTTP-level tests in codec.test.ts cannot show is that a real browser renders the page under its
 * CSP, keeps the cookie it sets, and sends that cookie from the Web UI's origin with CORS letting
 * the UI read the answer.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The project's tsconfig has no DOM library, so the few in-page expressions that read `document`
// are passed to `page.evaluate` as text; `fetch`, `atob` and `btoa` are typed by Node's own.

interface Site {
  origin: string;
  close(): Promise<void>;
}

/** A stand-in for the Temporal Web UI: an empty page on 127.0.0.1, on a port of its own. */
async function startSite(): Promise<Site> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><html><head><link rel="icon" href="data:,"><title>UI</title></head><body></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the Web UI does with "Include cross-origin credentials": encode "hello", then decode it. */
async function roundTripFrom(page: Page, codecUrl: string) {
  return page.evaluate(async (codec) => {
    const call = (op: string, body: unknown) =>
      fetch(`${codec}/${op}`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const encoded = await call('encode', {
      payloads: [{ metadata: { encoding: btoa('json/plain') }, data: btoa('"hello"') }],
    });
    if (!encoded.ok) return { status: encoded.status };
    const sealed = (await encoded.json()) as {
      payloads: { metadata: Record<string, string>; data: string }[];
    };
    const decoded = await call('decode', sealed);
    if (!decoded.ok) return { status: decoded.status };
    const [payload] = ((await decoded.json()) as typeof sealed).payloads;
    return {
      status: decoded.status,
      sealedEncoding: atob(sealed.payloads[0]!.metadata.encoding!),
      encoding: atob(payload!.metadata.encoding!),
      data: atob(payload!.data),
    };
  }, codecUrl);
}

let ui: Site;
let other: Site;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let login: Page;
let uiPage: Page;
const problems = new Map<Page, string[]>();

/** Console errors and page errors (CSP violations among them) of a page. */
function watch(page: Page): Page {
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') seen.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  return page;
}

/** Clicks a form's button and waits for the page its POST to `path` answers with. */
async function submit(page: Page, button: string, path: string) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    page.getByRole('button', { name: button }).click(),
  ]);
  await page.waitForLoadState();
  return res;
}

const sessionCookies = async () =>
  (await context.cookies()).filter((cookie) => cookie.name === 'signal_push_codec');

beforeAll(async () => {
  ui = await startSite();
  other = await startSite();
  stack = await startStack({ SIGNAL_PUSH_CODEC_CORS_ORIGINS: ui.origin });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext();
  login = watch(await context.newPage());
  uiPage = watch(await context.newPage());
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await ui?.close();
  await other?.close();
});

describe('the codec sign-in page in Chromium', () => {
  test('renders its form under its CSP, with no console error', async () => {
    const res = await login.goto(`${stack.service.apiUrl}/codec/login`);
    expect(res?.status()).toBe(200);
    await expect(login.title()).resolves.toBe('Codec sign-in · signal-push codec');
    await expect(login.locator('h1').textContent()).resolves.toBe('Codec sign-in');
    const key = login.locator('form input#key');
    await expect(key.getAttribute('type')).resolves.toBe('password');
    await expect(login.getByLabel('Operator key').count()).resolves.toBe(1);
    // The style block is allowed by its hash: applied, so the CSP let it in.
    await expect(login.evaluate('getComputedStyle(document.body).maxWidth')).resolves.toBe('608px');
    expect(problems.get(login)).toEqual([]);
  });

  test('before sign-in the Web UI gets 401 from the codec', async () => {
    await uiPage.goto(ui.origin);
    await expect(roundTripFrom(uiPage, `${stack.service.apiUrl}/codec`)).resolves.toEqual({ status: 401 });
  });

  test('a wrong key says so and sets no cookie', async () => {
    await login.fill('#key', 'spo_not_the_operator_key');
    const res = await submit(login, 'Sign in', '/codec/login');
    expect(res.status()).toBe(401);
    await expect(login.locator('p.error').textContent()).resolves.toBe('That is not the operator key.');
    await expect(login.locator('input#key[type=password]').count()).resolves.toBe(1);
    expect(await sessionCookies()).toEqual([]);
  });

  test('the operator key signs the browser in with an HttpOnly, SameSite=Strict cookie for /codec', async () => {
    await login.fill('#key', stack.operatorKey);
    const res = await submit(login, 'Sign in', '/codec/login');
    expect(res.status()).toBe(200);
    await expect(login.locator('h1').textContent()).resolves.toBe('Signed in');
    const text = (await login.locator('body').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Signed in: the Web UI at ${ui.origin} can now decode payloads in this browser`);
    expect(text).toContain(`${stack.service.apiUrl}/codec`);
    expect(text).not.toContain(stack.operatorKey);
    const cookies = await sessionCookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      domain: '127.0.0.1',
      path: '/codec',
      httpOnly: true,
      sameSite: 'Strict',
      secure: false,
    });
    // HttpOnly: the page's own script cannot read it (the page runs none; this is the browser's view).
    await expect(login.evaluate('document.cookie')).resolves.toBe('');
  });

  test('the Web UI, another origin on the same host, round-trips a payload through encode and decode', async () => {
    await uiPage.reload();
    await expect(roundTripFrom(uiPage, `${stack.service.apiUrl}/codec`)).resolves.toEqual({
      status: 200,
      sealedEncoding: 'binary/encrypted',
      encoding: 'json/plain',
      data: '"hello"',
    });
  });

  test('an origin not on the CORS list cannot read the codec, even with the cookie', async () => {
    // Not watched: the browser's CORS refusal is a console error here, and the point of the test.
    const page = await context.newPage();
    try {
      await page.goto(other.origin);
      const outcome = await page.evaluate(async (codec) => {
        try {
          const res = await fetch(`${codec}/encode`, {
            method: 'POST',
            credentials: 'include',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ payloads: [] }),
          });
          return `status ${res.status}`;
        } catch (error) {
          return String(error);
        }
      }, `${stack.service.apiUrl}/codec`);
      expect(outcome).toMatch(/TypeError/);
    } finally {
      await page.close();
    }
  });

  test('signing out with the page button ends the session: the Web UI gets 401 again', async () => {
    await login.goto(`${stack.service.apiUrl}/codec/login`);
    const res = await submit(login, 'Sign out', '/codec/logout');
    expect(res.status()).toBe(200);
    await expect(login.locator('h1').textContent()).resolves.toBe('Signed out');
    expect(await sessionCookies()).toEqual([]);
    await expect(roundTripFrom(uiPage, `${stack.service.apiUrl}/codec`)).resolves.toEqual({ status: 401 });
  });

  test('no page met a CSP violation or script error; the only console errors are the expected 401s', () => {
    for (const [page, seen] of problems) {
      const unexpected = seen.filter(
        (line) =>
          !/^Failed to load resource: the server responded with a status of 401 \(Unauthorized\) \(http:\/\/127\.0\.0\.1:\d+\/codec\/(login|encode)\)$/.test(
            line,
          ),
      );
      expect(unexpected, page.url()).toEqual([]);
    }
  });
});
