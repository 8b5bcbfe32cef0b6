import type { TenantRecord } from '../../workflows/records';
import type { PortalGrant, PortalTokens } from '../auth/portal-tokens';
import { newPortalSessionId } from '../auth/portal-tokens';
import { MAX_PORTAL_LINK_SECONDS } from '../schemas/portal';
import type { PortalRevocationStore } from '../store/portal-revocations';
import { isRevoked } from '../store/portal-revocations';
import type { TenantStore } from '../store/tenant-store';

export interface PortalSessionDeps {
  store: TenantStore;
  revocations: PortalRevocationStore;
  tokens: PortalTokens;
}

/** Where a portal link lands: it trades the token for a session cookie and redirects. */
export const PORTAL_ENTRY_PATH = '/portal/enter';

export interface PortalLink {
  url: string;
  session_id: string;
  expires_at: string;
}

/**
 * A link that opens the customer portal for one tenant, for `ttlSeconds`, for the API and the CLI
 * alike; `undefined` when no such tenant exists. `baseUrl` is where customers reach the API.
 */
export async function createPortalLink(
  deps: PortalSessionDeps,
  tenantId: string,
  options: { baseUrl: string; ttlSeconds: number },
): Promise<PortalLink | undefined> {
  const revocations = await deps.revocations.get(tenantId);
  if (!revocations) return undefined;
  const grant = {
    tenantId,
    sessionId: newPortalSessionId(),
    generation: revocations.generation,
    expiresAt: Date.now() + options.ttlSeconds * 1000,
  };
  const url = new URL(PORTAL_ENTRY_PATH, options.baseUrl);
  url.searchParams.set('token', deps.tokens.sign('link', grant));
  return { url: url.href, session_id: grant.sessionId, expires_at: new Date(grant.expiresAt).toISOString() };
}

/**
 * Revokes one link (and the session it opened), or with `'all'` every link of the tenant issued so
 * far; false when no such tenant exists. A link's expiry is not kept anywhere, so its entry stays
 * as long as the longest a link can last.
 */
export async function revokePortalLinks(
  deps: Pick<PortalSessionDeps, 'revocations'>,
  tenantId: string,
  which: string | 'all',
): Promise<boolean> {
  const input =
    which === 'all'
      ? ({ all: true } as const)
      : { sessionId: which, expiresAt: new Date(Date.now() + MAX_PORTAL_LINK_SECONDS * 1000).toISOString() };
  return (await deps.revocations.revoke(tenantId, input)) !== undefined;
}

export interface OpenPortalSession {
  tenant: TenantRecord;
  grant: PortalGrant;
}

/**
 * The tenant and grant a portal token of `kind` opens: signed here, not expired, not revoked, and
 * its tenant still there. Anything else opens nothing.
 */
export async function openPortal(
  deps: PortalSessionDeps,
  kind: 'link' | 'session',
  token: string | undefined,
): Promise<OpenPortalSession | undefined> {
  const grant = deps.tokens.verify(kind, token);
  if (!grant) return undefined;
  const [tenant, revocations] = await Promise.all([
    deps.store.get(grant.tenantId),
    deps.revocations.get(grant.tenantId),
  ]);
  if (!tenant || !revocations || isRevoked(revocations, grant)) return undefined;
  return { tenant, grant };
}
