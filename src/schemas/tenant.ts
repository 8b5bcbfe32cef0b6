import { z } from 'zod';
import { jsonBytes } from '../../workflows/json-bytes';
import { HARD_MAX_ENDPOINTS } from '../../workflows/tenant-contract';
import { RANGE_PROBLEM, pageQueryFields, rangeInOrder } from './pages';

/** The tenant's record sits in its workflow's state: its name is bounded as stored, not as typed. */
export const MAX_TENANT_NAME_BYTES = 1024;

/** PQ Intel Pro: 10 endpoints, each throttled to 60 requests a minute. */
export const DEFAULT_TENANT_PLAN = { max_endpoints: 10, rate_limit_per_minute: 60 };

const planLimits = {
  max_endpoints: z.number().int().min(1).max(HARD_MAX_ENDPOINTS).nullable(),
  rate_limit_per_minute: z.number().int().min(1).max(100_000).nullable(),
};

const planSchema = z.strictObject({
  max_endpoints: planLimits.max_endpoints.default(DEFAULT_TENANT_PLAN.max_endpoints),
  rate_limit_per_minute: planLimits.rate_limit_per_minute.default(DEFAULT_TENANT_PLAN.rate_limit_per_minute),
});

const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((name) => jsonBytes(name) <= MAX_TENANT_NAME_BYTES, {
    message: `must take at most ${MAX_TENANT_NAME_BYTES} bytes as stored (JSON-encoded)`,
  });

export const tenantCreateSchema = z.strictObject({
  name: nameSchema,
  owner_email: z.email().max(320).optional(),
  plan: planSchema.default(DEFAULT_TENANT_PLAN),
  signal_completed_events: z.boolean().default(false),
});

/** Asked only of a change whose fields are all known: an unknown one is the problem worth naming. */
const changesSomething = {
  message: 'must change at least one field',
  when: (payload: { issues: unknown[] }) => payload.issues.length === 0,
};

/** A change of name, plan or events; a plan field left out keeps its value. */
export const tenantPatchSchema = z
  .strictObject({
    name: nameSchema,
    signal_completed_events: z.boolean(),
    plan: z
      .strictObject(planLimits)
      .partial()
      .refine((plan) => Object.keys(plan).length > 0, changesSomething),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, changesSomething);

export type TenantPatch = z.infer<typeof tenantPatchSchema>;

/** A page of tenants, oldest first; `since` and `until` bound when they were created. */
export const tenantListQuerySchema = z
  .strictObject(pageQueryFields(1000))
  .refine(rangeInOrder, RANGE_PROBLEM);

/** `force=true` ends the tenant's deliveries that have not ended instead of refusing. */
export const tenantDeleteQuerySchema = z.strictObject({
  force: z.enum(['true', 'false']).default('false'),
});
