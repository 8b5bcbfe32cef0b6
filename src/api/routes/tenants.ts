import { Router } from 'express';
import { hashApiKey, newTenantApiKey } from '../../auth/api-keys';
import { newTenantId } from '../../ids';
import { tenantCreateSchema } from '../../schemas/tenant';
import type { TenantStore } from '../../store/tenant-store';
import { parse } from '../validate';

export function tenantRoutes(store: TenantStore): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { name, owner_email: ownerEmail } = parse(tenantCreateSchema, req.body);
    const id = newTenantId();
    const apiKey = newTenantApiKey(id);
    const createdAt = new Date().toISOString();
    await store.create({
      id,
      name,
      owner_email: ownerEmail ?? null,
      api_key_hash: hashApiKey(apiKey),
      created_at: createdAt,
    });
    // The key is shown here once; only its hash is kept.
    res
      .status(201)
      .json({ id, name, owner_email: ownerEmail ?? null, api_key: apiKey, created_at: createdAt });
  });
  return router;
}
