import { z } from 'zod';
import { jsonBytes } from '../../workflows/json-bytes';
import { HARD_MAX_ENDPOINTS } from '../../workflows/tenant-contract';

/** The tenant's record sits in its workflow's state: its name is bounded as stored, not as typed. */
export const MAX_TENANT_NAME_BYTES = 1024;

/** PQ Intel Pro: 10 endpoints, each throttled to 60 requests a minute. */
export const DEFAULT_TENANT_PLAN = { max_endpoints: 10, rate_limit_per_minute: 60 };

const planSchema = z.strictObject({
  max_endpoints: z
    .number()
    .int()
    .min(1)
    .max(HARD_MAX_ENDPOINTS)
    .nullable()
    .default(DEFAULT_TENANT_PLAN.max_endpoints),
  rate_limit_per_minute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .nullable()
    .default(DEFAULT_TENANT_PLAN.rate_limit_per_minute),
});

export const tenantCreateSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((name) => jsonBytes(name) <= MAX_TENANT_NAME_BYTES, {
      message: `must take at most ${MAX_TENANT_NAME_BYTES} bytes as stored (JSON-encoded)`,
    }),
  owner_email: z.email().max(320).optional(),
  plan: planSchema.default(DEFAULT_TENANT_PLAN),
});
