import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Stack } from '../helpers/stack';
import { startStack } from '../helpers/stack';

/**
 * GET /docs in Debian's Chromium: Swagger UI, served from this API under the page's own CSP, renders
 * the document with every operation and no console error (a CSP violation shows as one).
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const requested: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  page = await browser.newPage();
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requested.push(request.url()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the docs page renders every operation of the document, from this API alone, with no console error', async () => {
  const res = await page.goto(`${stack.service.apiUrl}/docs`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.locator('.swagger-ui .info .title').waitFor();
  await expect(page.locator('.swagger-ui .info .title').textContent()).resolves.toContain('signal-push');
  const doc = (await (await fetch(`${stack.service.apiUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await expect(page.locator('.opblock').count()).resolves.toBe(operations);
  await expect(page.getByText('/v1/deliveries/{id}/resend').count()).resolves.toBe(1);
  // An operation names the CLI command that does the same (test/unit/cli-agrees-with-openapi.test.ts).
  await page.locator('#operations-tenants-get_v1_tenants').click();
  await expect(page.getByText('signal-push tenants list').count()).resolves.toBe(1);
  // Everything the page loaded came from the API itself: no CDN.
  expect(requested.filter((url) => !url.startsWith(stack.service.apiUrl!))).toEqual([]);
  expect(problems).toEqual([]);
});
