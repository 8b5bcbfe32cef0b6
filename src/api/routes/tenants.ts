import { Router } from 'express';
import { hashApiKey, newTenantApiKey } from '../../auth/api-keys';
import { newSecret } from '../../../activities/signature-schemes';
import { TENANT_ID, newTenantId } from '../../../workflows/ids';
import { tenantCreateSchema } from '../../schemas/tenant';
import type { TenantStore } from '../../store/tenant-store';
import { notFound } from '../errors';
import { parse } from '../validate';

/** A malformed id cannot name a tenant, so it answers like an unknown one. */
function tenantIdParam(value: string | undefined): string {
  if (!value || !TENANT_ID.test(value)) throw notFound('tenant');
  return value;
}

export function tenantRoutes(store: TenantStore): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { name, owner_email: ownerEmail, plan } = parse(tenantCreateSchema, req.body);
    const id = newTenantId();
    const apiKey = newTenantApiKey(id);
    const callbackSecret = newSecret('standard_webhooks');
    const createdAt = new Date().toISOString();
    await store.create({
      id,
      name,
      plan,
      callback_secret: callbackSecret,
      owner_email: ownerEmail ?? null,
      api_key_hash: hashApiKey(apiKey),
      created_at: createdAt,
    });
    // The key and the callback secret are shown here once.
    res.status(201).json({
      id,
      name,
      owner_email: ownerEmail ?? null,
      plan,
      api_key: apiKey,
      callback_secret: callbackSecret,
      created_at: createdAt,
    });
  });

  /** Issues a new tenant key; the old one stops working as soon as this answers. */
  router.post('/:id/api-keys/rotate', async (req, res) => {
    const id = tenantIdParam(req.params.id);
    const apiKey = newTenantApiKey(id);
    if (!(await store.rotateApiKey(id, hashApiKey(apiKey)))) throw notFound('tenant');
    const rotatedAt = new Date().toISOString();
    // Like at creation, the key is shown here once.
    res.json({ id, api_key: apiKey, rotated_at: rotatedAt });
  });
  return router;
}
