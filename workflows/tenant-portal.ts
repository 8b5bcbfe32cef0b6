import { setHandler } from '@temporalio/workflow';
import { MAX_PORTAL_REVOCATIONS, portalRevocationsQuery, revokePortalUpdate } from './tenant-contract';
import type { PortalRevocations } from './tenant-contract';

/**
 * The tenant's revoked portal links: the tenant workflow is the store of record, so a revocation
 * holds for every API process and survives restarts. Entries drop out once their link has expired
 * (workflow time), which keeps the list short; should it still fill up, the revocation becomes one
 * of every link issued so far, which is stricter, never laxer.
 */
export function handlePortalRevocations(
  initial: PortalRevocations | undefined,
): () => PortalRevocations | undefined {
  let revocations = initial;
  setHandler(portalRevocationsQuery, () => revocations ?? { sessions: {}, generation: 0 });
  setHandler(revokePortalUpdate, (input) => {
    const now = new Date();
    const current = revocations ?? { sessions: {}, generation: 0 };
    const sessions = Object.fromEntries(
      Object.entries(current.sessions).filter(([, expiresAt]) => new Date(expiresAt) > now),
    );
    if ('all' in input || Object.keys(sessions).length >= MAX_PORTAL_REVOCATIONS) {
      revocations = { sessions: {}, generation: current.generation + 1 };
    } else {
      revocations = {
        sessions: { ...sessions, [input.sessionId]: input.expiresAt },
        generation: current.generation,
      };
    }
    return revocations;
  });
  return () => revocations;
}
