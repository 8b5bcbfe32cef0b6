import type { PortalGrant } from '../auth/portal-tokens';
import type { PortalRevocations, RevokePortalInput } from '../../workflows/tenant-contract';
import { portalRevocationsQuery, revokePortalUpdate } from '../../workflows/tenant-contract';
import { STORE_CACHE_MS } from './tenant-store';
import type { TenantCalls } from './tenant-calls';
import { ifFound } from './workflow-answers';

/**
 * The portal links a tenant's workflow holds revoked. Every portal request asks, so a read is reused
 * for as long as the tenant store reuses its own; a revocation through this process shows at once,
 * through another within that bound.
 */
export class PortalRevocationStore {
  private readonly reads = new Map<
    string,
    { expires: number; value: Promise<PortalRevocations | undefined> }
  >();

  constructor(private readonly calls: TenantCalls) {}

  /** `undefined` when no such tenant exists. */
  get(tenantId: string): Promise<PortalRevocations | undefined> {
    const now = Date.now();
    const hit = this.reads.get(tenantId);
    if (hit && hit.expires > now) return hit.value;
    const value = ifFound(() => this.calls.query(tenantId, portalRevocationsQuery));
    this.reads.set(tenantId, { expires: now + STORE_CACHE_MS, value });
    value.catch(() => this.reads.delete(tenantId));
    return value;
  }

  /** `undefined` when no such tenant exists. */
  async revoke(tenantId: string, input: RevokePortalInput): Promise<PortalRevocations | undefined> {
    try {
      return await ifFound(() => this.calls.update(tenantId, revokePortalUpdate, input));
    } finally {
      this.reads.delete(tenantId);
    }
  }
}

/** Whether a link or session is revoked: by its own id, or with every link of its generation. */
export function isRevoked(
  revocations: PortalRevocations,
  grant: Pick<PortalGrant, 'sessionId' | 'generation'>,
): boolean {
  return grant.sessionId in revocations.sessions || grant.generation < revocations.generation;
}
