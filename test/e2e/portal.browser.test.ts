import { createHmac } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashApiKey } from '../../src/auth/api-keys';
import { PortalTokens } from '../../src/auth/portal-tokens';
import { run } from '../../src/cli/main';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sendSignal } from '../helpers/fixtures';
import type { Receiver, Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

/**
 * The customer portal in Debian's Chromium against the real service: links and sessions, every
 * page's flow at a phone's width, what another tenant's session can reach (nothing), and hostile
 * data shown as text. One stack and one browser for the whole file; each test works on its own
 * tenant, so their order does not matter.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PHONE = { width: 375, height: 740 };
const HOSTILE_LABEL = '<script>window.__pwned = "label"</script><img src=x onerror="window.__pwned=1">';
const HOSTILE_BODY = '<h1 id="injected">owned</h1><script>window.__pwned = "body"</script>';

let stack: Stack;
let browser: Browser;
let receiver: Receiver;
let reply: Reply = { status: 200, body: 'ok' };

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startStack(), startReceiver(() => reply)]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await stack?.stop();
});

const portalUrl = (path: string) => `${stack.service.apiUrl}/portal${path}`;

async function portalLink(tenant: TestTenant, ttl?: number): Promise<{ url: string; session_id: string }> {
  const res = await stack.api.request('POST', `/v1/tenants/${tenant.id}/portal-sessions`, {
    key: stack.operatorKey,
    body: ttl === undefined ? {} : { ttl_seconds: ttl },
  });
  expect(res.status).toBe(201);
  return res.body;
}

interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors: CSP violations and any script that ran show up here. */
  problems: string[];
}

/** A fresh browser profile at a phone's width, signed in through a new link of `tenant`. */
async function visitor(tenant: TestTenant): Promise<Visitor> {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto((await portalLink(tenant)).url);
  return { context, page, problems };
}

/** Clicks a button (or a link) and waits for the page it leads to. */
async function submit(page: Page, name: string | RegExp, role: 'button' | 'link' = 'button') {
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole(role, { name, exact: typeof name === 'string' }).click(),
  ]);
}
const follow = (page: Page, name: string | RegExp) => submit(page, name, 'link');

/**
 * The README's screenshots, refreshed when asked: `PORTAL_SCREENSHOTS_DIR=docs npx vitest run
 * --project e2e test/e2e/portal.browser.test.ts`; other runs leave the committed ones alone.
 */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.PORTAL_SCREENSHOTS_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** A locator's text as a reader sees it: runs of white space as one space. */
const textOf = async (locator: Locator): Promise<string> =>
  ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

const noHorizontalScroll = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');

const cli = async (...args: string[]) => {
  const out = { code: -1, stdout: '', stderr: '' };
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
  };
  const env = { ...process.env, SIGNAL_PUSH_OPERATOR_KEY: stack.operatorKey };
  out.code = await run(['node', 'signal-push', ...args, '--address', stack.service.temporalAddress], io, env);
  return out;
};

describe('portal links and sessions', () => {
  test('a link opens its tenant only, leaves the address bar for a cookie no API route takes', async () => {
    const tenant = await createTenant(stack, 'Linked');
    const link = await portalLink(tenant);
    expect(new URL(link.url).pathname).toBe('/portal/enter');
    const { context, page, problems } = await visitor(tenant);
    // Redirected: the token is neither in the address bar nor in the history's current entry.
    expect(new URL(page.url()).pathname).toBe('/portal/endpoints');
    expect(page.url()).not.toContain('token');
    await expect(textOf(page.locator('h1'))).resolves.toBe('Endpoints');
    await expect(textOf(page.locator('header .tenant'))).resolves.toContain('Linked');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'signal_push_portal',
      httpOnly: true,
      sameSite: 'Lax',
      path: '/portal',
    });
    expect(await page.evaluate('document.cookie')).toBe('');
    // The stylesheet applied and the script loaded under a CSP that allows neither inline.
    const res = await page.goto(portalUrl('/endpoints'));
    const csp = res!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    await expect(page.evaluate('getComputedStyle(document.body).margin')).resolves.toBe('0px');
    expect(problems).toEqual([]);
    // Neither the cookie nor the link's token opens an API route.
    const cookieHeader = `${cookie!.name}=${cookie!.value}`;
    for (const path of ['/v1/endpoints', '/v1/deliveries', '/v1/tenants']) {
      const viaCookie = await fetch(`${stack.service.apiUrl}${path}`, { headers: { cookie: cookieHeader } });
      expect(viaCookie.status).toBe(401);
      const token = new URL(link.url).searchParams.get('token')!;
      const viaToken = await fetch(`${stack.service.apiUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(viaToken.status).toBe(401);
    }
    // A session cookie is not a link, and a link is not a session cookie.
    const enter = await fetch(`${portalUrl('/enter')}?token=${encodeURIComponent(cookie!.value)}`, {
      redirect: 'manual',
    });
    expect(enter.status).toBe(401);
    await context.close();
  });

  test('an expired link or session, a revoked one (CLI and API) and a forged one open nothing', async () => {
    const tenant = await createTenant(stack, 'Revoked');
    const tokens = new PortalTokens(hashApiKey(stack.operatorKey));
    const past = {
      tenantId: tenant.id,
      sessionId: 'ps_00000000000000aa',
      generation: 0,
      expiresAt: Date.now() - 1,
    };
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    // Expired link.
    let res = await page.goto(`${portalUrl('/enter')}?token=${tokens.sign('link', past)}`);
    expect(res!.status()).toBe(401);
    await expect(textOf(page.locator('h1'))).resolves.toBe('This link has expired');
    // Expired session cookie.
    await page.context().addCookies([
      {
        name: 'signal_push_portal',
        value: tokens.sign('session', past),
        domain: new URL(stack.service.apiUrl!).hostname,
        path: '/portal',
      },
    ]);
    res = await page.goto(portalUrl('/endpoints'));
    expect(res!.status()).toBe(401);
    await expect(page.context().cookies()).resolves.toEqual([]);
    // Forged: a valid token of this tenant with another tenant's id put in.
    const other = await createTenant(stack, 'Other');
    const live = new URL((await portalLink(tenant)).url).searchParams.get('token')!;
    res = await page.goto(`${portalUrl('/enter')}?token=${live.replace(tenant.id, other.id)}`);
    expect(res!.status()).toBe(401);

    // Revoked by the CLI while the session is open: the next page says so and drops the cookie.
    const made = await cli(
      'tenants',
      'portal-link',
      tenant.id,
      '--ttl-seconds',
      '600',
      '--base-url',
      stack.service.apiUrl!,
      '--json',
    );
    expect(made.code).toBe(0);
    const cliLink = JSON.parse(made.stdout) as { url: string; session_id: string; expires_at: string };
    expect(Date.parse(cliLink.expires_at) - Date.now()).toBeGreaterThan(500_000);
    const browsing = await (await browser.newContext({ viewport: PHONE })).newPage();
    expect((await browsing.goto(cliLink.url))!.status()).toBe(200);
    expect((await cli('tenants', 'revoke-portal-link', tenant.id, cliLink.session_id)).code).toBe(0);
    // The CLI is another process: the API sees the revocation once its one-second read of the
    // tenant's revocations runs out (STORE_CACHE_MS).
    await eventually(async () => (await browsing.goto(portalUrl('/endpoints')))!.status() === 401);
    await expect(browsing.context().cookies()).resolves.toEqual([]);
    expect((await browsing.goto(cliLink.url))!.status()).toBe(401);
    expect((await cli('tenants', 'revoke-portal-link', tenant.id)).code).toBe(2);

    // Revoke-all through the API ends every link issued before it, and only those.
    const before = await portalLink(tenant);
    const all = await stack.api.request('DELETE', `/v1/tenants/${tenant.id}/portal-sessions`, {
      key: stack.operatorKey,
    });
    expect(all.status).toBe(204);
    expect((await page.goto(before.url))!.status()).toBe(401);
    expect((await page.goto((await portalLink(tenant)).url))!.status()).toBe(200);
    await expect(textOf(page.locator('h1'))).resolves.toBe('Endpoints');
    await page.context().close();
    await browsing.context().close();
  });

  test("one tenant's session reaches none of another tenant's endpoints or deliveries", async () => {
    const [mine, theirs] = await Promise.all([createTenant(stack, 'Mine'), createTenant(stack, 'Theirs')]);
    const endpoint = await createEndpoint(stack, theirs, {
      url: `${receiver.url}/theirs`,
      label: 'their-hook',
    });
    const { deliveries } = await sendSignal(stack, theirs);
    const { context, page } = await visitor(mine);
    for (const path of [
      `/endpoints/${endpoint.id}`,
      `/endpoints/${endpoint.id}/edit`,
      `/deliveries/${deliveries[0]!.delivery_id}`,
    ]) {
      const res = await page.goto(portalUrl(path));
      expect(res!.status(), path).toBe(404);
    }
    await page.goto(portalUrl('/deliveries'));
    expect(await page.locator('main').textContent()).not.toContain('their-hook');
    // A form post with this session's own token, aimed at their endpoint.
    await page.goto(portalUrl('/endpoints'));
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    for (const action of ['pause', 'delete', 'rotate-secret', 'test', 'replay']) {
      const res = await page.request.post(portalUrl(`/endpoints/${endpoint.id}/${action}`), {
        form: { _csrf: csrf, overlap_seconds: '0' },
      });
      expect(res.status(), action).toBe(404);
    }
    for (const action of ['resend', 'replay']) {
      const res = await page.request.post(portalUrl(`/deliveries/${deliveries[0]!.delivery_id}/${action}`), {
        form: { _csrf: csrf },
      });
      expect(res.status(), action).toBe(404);
    }
    const theirsNow = await stack.api.request('GET', `/v1/endpoints/${endpoint.id}`, { key: theirs.key });
    expect(theirsNow.body.health.paused).toBeNull();
    // Without the form token, or from another site, a post is refused before anything is done.
    expect(
      (await page.request.post(portalUrl('/endpoints'), { form: { url: 'https://x.example' } })).status(),
    ).toBe(403);
    const crossSite = await page.request.post(portalUrl('/endpoints'), {
      form: { _csrf: csrf, url: 'https://x.example' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status()).toBe(403);
    await context.close();
  });
});

describe('the portal at 375 px', () => {
  test('adds an endpoint from a preset, with URL errors beside the field, then edits, pauses, resumes and deletes it', async () => {
    const tenant = await createTenant(stack, 'Builder');
    const { context, page, problems } = await visitor(tenant);
    await follow(page, 'Add endpoint');
    await page.getByLabel('Start from a preset').selectOption('pq');
    // The keyboard reaches the URL field from the preset, and its label names it.
    await page.getByLabel('Start from a preset').focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('url');
    await page.keyboard.type('http://10.1.2.3/hook');
    await page.getByLabel('Label').fill(HOSTILE_LABEL);
    await page.getByRole('checkbox', { name: /^buying_signal/ }).check();
    await submit(page, 'Add endpoint');
    const urlError = page.locator('#url-error');
    await expect(textOf(urlError)).resolves.toMatch(/private|not allowed|reserved/i);
    await expect(page.getByLabel('URL', { exact: true }).getAttribute('aria-describedby')).resolves.toBe(
      'url-error',
    );
    // What was typed is kept; the label shows as typed, as text.
    await expect(page.getByLabel('Label').inputValue()).resolves.toBe(HOSTILE_LABEL);
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/builder`);
    await submit(page, 'Add endpoint');
    await expect(textOf(page.locator('h1'))).resolves.toBe('Endpoint added');
    const secret = await textOf(page.locator('#new-secret'));
    // The external script's copy button puts the secret on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);
    await expect(textOf(page.locator('#verify-snippet'))).resolves.toContain("headers['x-pq-signature']");
    const [created] = (await stack.api.request('GET', '/v1/endpoints', { key: tenant.key })).body.endpoints;
    expect(created).toMatchObject({ label: HOSTILE_LABEL, preset: 'pq', event_types: ['buying_signal'] });
    expect(created.secret_hint).toBe(`…${secret.slice(-4)}`);

    // The list and the endpoint's page show the label as text, and fit the screen.
    await page.goto(portalUrl('/endpoints'));
    await expect(page.getByRole('link', { name: HOSTILE_LABEL }).count()).resolves.toBe(1);
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await follow(page, HOSTILE_LABEL);
    await expect(textOf(page.locator('h1'))).resolves.toBe(HOSTILE_LABEL);
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await screenshot(page, 'portal-endpoint');

    // Edit: another label, taken by nobody; another event type list.
    await follow(page, 'Edit');
    await page.getByLabel('Label').fill('Builder CRM');
    await page.getByRole('checkbox', { name: /^project_signal/ }).check();
    await submit(page, 'Save changes');
    await expect(textOf(page.getByRole('status').first())).resolves.toBe('Saved.');
    const edited = await stack.api.request('GET', `/v1/endpoints/${created.id}`, { key: tenant.key });
    expect(edited.body).toMatchObject({
      label: 'Builder CRM',
      event_types: ['buying_signal', 'project_signal'],
    });

    // Pause holds deliveries; the page says how many and what resuming does.
    await submit(page, 'Pause endpoint');
    await expect(textOf(page.locator('.warning'))).resolves.toContain('Paused by hand');
    const held = await sendSignal(stack, tenant);
    await eventually(async () => {
      await page.reload();
      return (await textOf(page.locator('.warning'))).includes('1 delivery is held');
    });
    const before = receiver.requests.length;
    await submit(page, 'Resume endpoint');
    await expect(textOf(page.getByRole('status').first())).resolves.toContain('Resumed');
    const [sent] = (await receiver.waitFor(before + 1)).slice(before);
    expect(JSON.parse(sent!.rawBody.toString()).signal_id).toBe(held.signal_id);
    expect(sent!.headers['x-pq-signature']).toBe(
      createHmac('sha256', secret).update(sent!.rawBody).digest('hex'),
    );

    // Delete, after a confirmation page.
    await follow(page, 'Delete');
    await submit(page, 'Delete endpoint');
    await expect(textOf(page.getByRole('status').first())).resolves.toBe('Endpoint deleted.');
    expect((await stack.api.request('GET', `/v1/endpoints/${created.id}`, { key: tenant.key })).status).toBe(
      404,
    );
    await expect(page.evaluate('window.__pwned')).resolves.toBeUndefined();
    // The one refused form (its URL) answers 400, which Chromium logs; nothing else went wrong.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await context.close();
  });

  test('test events, the delivery log, a hostile response as text, replays, resends and secret rotation', async () => {
    const tenant = await createTenant(stack, 'Operator');
    const endpoint = await createEndpoint(stack, tenant, {
      url: `${receiver.url}/flaky`,
      label: 'Flaky',
      retry_policy: { delays_seconds: [] },
      dead_letter_queue: true,
      event_types: ['buying_signal', 'project_signal'],
    });
    reply = { status: 500, body: HOSTILE_BODY, headers: { 'content-type': 'text/html' } };
    const failed = await sendSignal(stack, tenant);
    const deadId = failed.deliveries[0]!.delivery_id;
    await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/deliveries/${deadId}`, { key: tenant.key });
      return res.body.status === 'dead_lettered';
    });
    const { context, page, problems } = await visitor(tenant);

    // Health: the failure streak shows.
    await page.goto(portalUrl(`/endpoints/${endpoint.id}`));
    await expect(textOf(page.locator('#health + p'))).resolves.toContain('1 consecutive failed delivery');
    await expect(page.getByText('1 delivery gave up').count()).resolves.toBe(1);

    // The log, filtered by status and event type, opens the dead letter.
    await page.goto(portalUrl('/deliveries'));
    await page.getByLabel('Status').selectOption('dead_lettered');
    await page.getByLabel('Event type').selectOption('buying_signal');
    await submit(page, 'Filter');
    expect(new URL(page.url()).searchParams.get('status')).toBe('dead_lettered');
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.getByLabel('Event type').selectOption('project_signal');
    await submit(page, 'Filter');
    await expect(page.getByText('No deliveries match.').count()).resolves.toBe(1);
    // A time range that ends before it started finds nothing; one around now finds it again.
    await page.getByLabel('Event type').selectOption('buying_signal');
    await page.getByLabel('Until (UTC)').fill('2020-01-01T00:00');
    await submit(page, 'Filter');
    await expect(page.getByText('No deliveries match.').count()).resolves.toBe(1);
    await page.getByLabel('From (UTC)').fill(new Date(Date.now() - 3_600_000).toISOString().slice(0, 16));
    await page.getByLabel('Until (UTC)').fill(new Date(Date.now() + 3_600_000).toISOString().slice(0, 16));
    await submit(page, 'Filter');
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.goto(portalUrl(`/deliveries/${deadId}`));
    // The receiver's HTML is text on the page: no element of it exists, none of its script ran.
    await expect(page.locator('#injected').count()).resolves.toBe(0);
    await expect(textOf(page.locator('tbody pre').first())).resolves.toBe(HOSTILE_BODY);
    await expect(textOf(page.locator('#payload'))).resolves.toContain(failed.signal_id);
    await expect(textOf(page.locator('tbody td').nth(2))).resolves.toBe('500');
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await screenshot(page, 'portal-delivery');

    // Replay this one, once the receiver is fixed.
    reply = { status: 200, body: 'ok' };
    await submit(page, 'Replay');
    await expect(textOf(page.getByRole('status').first())).resolves.toContain('Replayed');
    await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/deliveries/${deadId}`, { key: tenant.key });
      return res.body.status === 'delivered';
    });

    // Resend makes a new delivery that names the original.
    await page.reload();
    await submit(page, 'Resend as a new delivery');
    await expect(textOf(page.getByRole('status').first())).resolves.toContain('Resent');
    await expect(page.getByRole('link', { name: deadId }).count()).resolves.toBe(1);

    // Bulk replay of the endpoint's dead letters, with the count the page reports.
    reply = { status: 503, body: 'down' };
    const more = await Promise.all([sendSignal(stack, tenant), sendSignal(stack, tenant)]);
    const moreIds = more.map((m) => m.deliveries[0]!.delivery_id);
    await eventually(async () => {
      const res = await stack.api.request('GET', `/v1/dead-letters?endpoint_id=${endpoint.id}`, {
        key: tenant.key,
      });
      return res.body.dead_letters.length === 2;
    });
    reply = { status: 200, body: 'ok' };
    await page.goto(portalUrl(`/endpoints/${endpoint.id}`));
    // One dead letter a step, so the replay takes two: the first page shows 1 of 2 and sends itself on.
    await page.evaluate('document.querySelector("input[name=batch]").value = "1"');
    const steps: string[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/replay')) steps.push(r.url());
    });
    await submit(page, 'Replay all dead letters');
    await expect
      .poll(() => textOf(page.getByRole('status').first()), { timeout: 30_000 })
      .toBe('Replayed 2 of 2 dead letters.');
    expect(steps).toHaveLength(2);
    await expect(page.locator('progress').getAttribute('value')).resolves.toBe('2');
    for (const id of moreIds) {
      await eventually(
        async () =>
          (await stack.api.request('GET', `/v1/deliveries/${id}`, { key: tenant.key })).body.status ===
          'delivered',
      );
    }

    // Paging through the log two at a time reaches every delivery once.
    const seen: string[] = [];
    await page.goto(portalUrl('/deliveries?limit=2'));
    for (;;) {
      const links = (await page.evaluate(
        'Array.from(document.querySelectorAll("tbody tr td:first-child a"), (a) => a.getAttribute("href"))',
      )) as string[];
      seen.push(...links);
      const older = page.getByRole('link', { name: 'Older deliveries' });
      if ((await older.count()) === 0) break;
      await follow(page, 'Older deliveries');
    }
    expect(seen.length).toBe(4);
    expect(new Set(seen).size).toBe(4);

    // A test event, and what the receiver answered.
    await page.goto(portalUrl(`/endpoints/${endpoint.id}`));
    await page.getByLabel('Event type').selectOption('project_signal');
    await submit(page, 'Send test event');
    await expect(textOf(page.getByRole('status').first())).resolves.toContain('Delivered');
    await expect(textOf(page.locator('dl'))).resolves.toContain('200');

    // Rotation with an overlap: the new secret once, and both secrets sign meanwhile.
    await page.goto(portalUrl(`/endpoints/${endpoint.id}`));
    await page.getByLabel('Keep the current secret signing too for').selectOption('3600');
    await submit(page, 'Rotate secret');
    const rotated = await textOf(page.locator('#new-secret'));
    await expect(textOf(page.getByRole('status').first())).resolves.toContain('previous secret also signs');
    const count = receiver.requests.length;
    await sendSignal(stack, tenant);
    const [signed] = (await receiver.waitFor(count + 1)).slice(count);
    const signatures = String(signed!.headers['x-pq-signature']).split(' ');
    expect(signatures[0]).toBe(createHmac('sha256', rotated).update(signed!.rawBody).digest('hex'));
    expect(signatures).toHaveLength(2);

    await page.goto(portalUrl('/event-types'));
    await expect(page.getByText('PQ Intel found a buying signal').count()).resolves.toBe(1);
    await page.goto(portalUrl('/deliveries'));
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await screenshot(page, 'portal-log');
    await expect(page.evaluate('window.__pwned')).resolves.toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });
});
