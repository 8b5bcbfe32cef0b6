import { describe, expect, test } from 'vitest';
import { PortalTokens } from '../../src/auth/portal-tokens';
import { html } from '../../src/portal/html';
import { isRevoked } from '../../src/store/portal-revocations';

const grant = {
  tenantId: 'ten_0123456789abcdef',
  sessionId: 'ps_0123456789abcdef',
  generation: 0,
  expiresAt: 2_000_000,
};
const tokens = new PortalTokens('a'.repeat(64));

describe('portal tokens', () => {
  test('a link verifies until its expiry, and not from the millisecond it expires', () => {
    const link = tokens.sign('link', grant);
    expect(tokens.verify('link', link, 1_999_999)).toEqual(grant);
    expect(tokens.verify('link', link, 2_000_000)).toBeUndefined();
  });

  test('a link is not a session cookie, nor a cookie a link', () => {
    expect(tokens.verify('session', tokens.sign('link', grant), 0)).toBeUndefined();
    expect(tokens.verify('link', tokens.sign('session', grant), 0)).toBeUndefined();
  });

  test("changing any part, or another deployment's key, opens nothing", () => {
    const link = tokens.sign('link', grant);
    for (const forged of [
      link.replace(grant.tenantId, 'ten_fedcba9876543210'),
      link.replace(grant.sessionId, 'ps_fedcba9876543210'),
      link.replace('.0.', '.1.'),
      link.replace('.2000000.', '.9000000.'),
      `${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}`,
      `${link}.`,
      '',
    ]) {
      expect(tokens.verify('link', forged, 0), forged).toBeUndefined();
    }
    expect(new PortalTokens('b'.repeat(64)).verify('link', link, 0)).toBeUndefined();
  });

  test("each session has its own form token, which names no secret of the session's", () => {
    const other = tokens.formToken({ ...grant, sessionId: 'ps_fedcba9876543210' });
    expect(tokens.formToken(grant)).not.toBe(other);
    expect(tokens.sign('session', grant)).not.toContain(tokens.formToken(grant));
  });
});

describe('portal revocations', () => {
  test('revoke a session by its id, or every session of earlier generations', () => {
    const revoked = { sessions: { ps_0123456789abcdef: '2030-01-01T00:00:00Z' }, generation: 1 };
    expect(isRevoked(revoked, { sessionId: 'ps_0123456789abcdef', generation: 1 })).toBe(true);
    expect(isRevoked(revoked, { sessionId: 'ps_fedcba9876543210', generation: 0 })).toBe(true);
    expect(isRevoked(revoked, { sessionId: 'ps_fedcba9876543210', generation: 1 })).toBe(false);
  });
});

describe('html templates', () => {
  test('escape every value, in text and in attributes, but not a nested template', () => {
    const label = `<script>alert("x")</script>' onmouseover='x`;
    const page = html`<p title="${label}">${label}${html`<b>${'&'}</b>`}${[html`<i>1</i>`, '<2>']}</p>`;
    expect(page.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x<b>&amp;</b><i>1</i>&lt;2&gt;</p>',
    );
  });

  test('null, undefined and false render as nothing; 0 and true as text', () => {
    expect(html`${null}${undefined}${false}${0}${true}`.text).toBe('0true');
  });
});
