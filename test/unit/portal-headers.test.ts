import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect, test } from 'vitest';
import { securityHeaders } from '../../src/api/security-headers';
import { portalHeaders } from '../../src/portal/layout';

/** The headers a portal page gets behind the API's own, for a list of allowed framing origins. */
async function headersFor(frameAncestors: string[]): Promise<Headers> {
  const app = express();
  app.use(securityHeaders());
  app.use(portalHeaders(frameAncestors));
  app.get('/', (_req, res) => res.type('html').send('<!doctype html>'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return res.headers;
  } finally {
    server.close();
  }
}

test('by default nothing may frame the portal, and no inline code may run in it', async () => {
  const headers = await headersFor([]);
  const csp = headers.get('content-security-policy')!;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toMatch(/unsafe-inline|nonce-/);
  expect(headers.get('x-frame-options')).toBe('DENY');
});

test('the origins the operator allows may frame it, and only they', async () => {
  const headers = await headersFor(['https://app.example.com/settings', 'http://localhost:8080']);
  expect(headers.get('content-security-policy')).toMatch(
    /frame-ancestors https:\/\/app\.example\.com http:\/\/localhost:8080($|;)/,
  );
  // X-Frame-Options cannot name an origin: left in, it would forbid the framing CSP allows.
  expect(headers.get('x-frame-options')).toBeNull();
});
