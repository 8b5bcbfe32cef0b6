import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TENANT_ID } from '../../workflows/ids';

/**
 * What a portal link or a portal session cookie proves: this tenant, this session (the id a
 * revocation names), issued in this generation of the tenant's links (revoking them all starts the
 * next), good until then (epoch ms).
 */
export interface PortalGrant {
  tenantId: string;
  sessionId: string;
  generation: number;
  expiresAt: number;
}

/** The link in the URL and the cookie it is exchanged for: one cannot stand in for the other. */
export type PortalTokenKind = 'link' | 'session';

export const PORTAL_SESSION_ID = /^ps_[0-9a-f]{16}$/;
const TOKEN = new RegExp(
  `^(${TENANT_ID.source.slice(1, -1)})\\.(${PORTAL_SESSION_ID.source.slice(1, -1)})\\.([0-9]{1,15})\\.([0-9]{1,15})\\.([A-Za-z0-9_-]{43})$`,
);

export const newPortalSessionId = (): string => `ps_${randomBytes(8).toString('hex')}`;

/**
 * Signed, stateless portal tokens: `<tenant>.<session>.<generation>.<expires>.<HMAC-SHA256>`. The key
 * derives from the operator key, so every API process (and the CLI, which reads the same key) makes
 * and accepts the same tokens, and changing the operator key ends every link. Revocation is a list
 * in the tenant's workflow, checked on every request.
 */
export class PortalTokens {
  private readonly key: Buffer;

  constructor(operatorKeyHash: string) {
    this.key = createHmac('sha256', operatorKeyHash).update('signal-push portal token').digest();
  }

  sign(kind: PortalTokenKind, grant: PortalGrant): string {
    const body = `${grant.tenantId}.${grant.sessionId}.${grant.generation}.${grant.expiresAt}`;
    return `${body}.${this.mac(kind, body).toString('base64url')}`;
  }

  /**
   * The grant a token of `kind` holds, if this deployment signed it and it has not run out at `now`
   * (epoch ms); the MAC is compared in constant time.
   */
  verify(kind: PortalTokenKind, token: string | undefined, now = Date.now()): PortalGrant | undefined {
    const match = TOKEN.exec(token ?? '');
    if (!match) return undefined;
    const [, tenantId, sessionId, issued, expires, mac] = match as unknown as string[];
    const body = `${tenantId}.${sessionId}.${issued}.${expires}`;
    // Compared as text, so each token has one spelling (base64 ignores a last character's low bits).
    const given = Buffer.from(mac!);
    const expected = Buffer.from(this.mac(kind, body).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const grant = {
      tenantId: tenantId!,
      sessionId: sessionId!,
      generation: Number(issued),
      expiresAt: Number(expires),
    };
    return grant.expiresAt > now ? grant : undefined;
  }

  /**
   * The token every portal form carries: bound to the session, so a page of another site, which
   * cannot read the portal's pages, cannot know it.
   */
  formToken(grant: PortalGrant): string {
    return this.mac('form', `${grant.tenantId}.${grant.sessionId}.${grant.generation}`).toString('base64url');
  }

  private mac(kind: PortalTokenKind | 'form', body: string): Buffer {
    return createHmac('sha256', this.key).update(kind).update('\n').update(body).digest();
  }
}
