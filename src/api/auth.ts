import type { RequestHandler, Response } from 'express';
import type { TenantRecord } from '../../workflows/records';
import { keyMatchesHash, tenantIdOfKey } from '../auth/api-keys';
import type { TenantStore } from '../store/tenant-store';
import { HttpError } from './errors';

const unauthorized = () => new HttpError(401, 'unauthorized', 'missing or invalid API key');

/** The key of an `Authorization: Bearer <key>` header, if it has that form. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Routes for the platform that feeds signal-push: only the operator key opens them. */
export function requireOperator(operatorKeyHash: string): RequestHandler {
  return (req, _res, next) => {
    const key = bearer(req.headers.authorization);
    next(key && keyMatchesHash(key, operatorKeyHash) ? undefined : unauthorized());
  };
}

/** Routes of one tenant: the key names the tenant, whose stored hash it must match. */
export function requireTenant(store: TenantStore): RequestHandler {
  return async (req, res, next) => {
    const key = bearer(req.headers.authorization);
    const tenantId = key && tenantIdOfKey(key);
    const tenant = tenantId ? await store.get(tenantId) : undefined;
    if (!key || !tenant || !keyMatchesHash(key, tenant.api_key_hash)) {
      next(unauthorized());
      return;
    }
    res.locals.tenant = tenant;
    next();
  };
}

/**
 * Routes both may read: the operator key (which then names the tenant itself) or a tenant's own key,
 * which sets the tenant as `requireTenant` does.
 */
export function requireOperatorOrTenant(operatorKeyHash: string, store: TenantStore): RequestHandler {
  const tenant = requireTenant(store);
  return async (req, res, next) => {
    const key = bearer(req.headers.authorization);
    if (key && keyMatchesHash(key, operatorKeyHash)) {
      next();
      return;
    }
    await tenant(req, res, next);
  };
}

export const tenantOf = (res: Response): TenantRecord => res.locals.tenant as TenantRecord;

/** The tenant of a `requireOperatorOrTenant` route's key; undefined for the operator key. */
export const tenantIfAny = (res: Response): TenantRecord | undefined =>
  res.locals.tenant as TenantRecord | undefined;
