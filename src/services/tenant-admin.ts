import { hashApiKey, newTenantApiKey } from '../auth/api-keys';
import { newSecret } from '../../activities/signature-schemes';
import type { TenantPlan, TenantRecord } from '../../workflows/records';
import { newTenantId } from '../../workflows/ids';
import type { TenantStore } from '../store/tenant-store';

/** What an operator sees of a tenant, from the API or the CLI: never its key's hash nor its callback secret. */
export const tenantView = (tenant: TenantRecord) => ({
  id: tenant.id,
  name: tenant.name,
  owner_email: tenant.owner_email,
  plan: tenant.plan,
  signal_completed_events: tenant.signal_completed_events === true,
  created_at: tenant.created_at,
});

export type TenantView = ReturnType<typeof tenantView>;

export interface NewTenant {
  name: string;
  owner_email?: string | undefined;
  plan: TenantPlan;
  signal_completed_events: boolean;
}

/** A created tenant with its API key and callback secret: the one answer that shows them. */
export interface CreatedTenant extends TenantView {
  api_key: string;
  callback_secret: string;
}

/** Creates a tenant (input already validated by tenantCreateSchema) with a fresh key and callback secret. */
export async function createTenant(store: TenantStore, input: NewTenant): Promise<CreatedTenant> {
  const id = newTenantId();
  const apiKey = newTenantApiKey(id);
  const callbackSecret = newSecret('standard_webhooks');
  const record: TenantRecord = {
    id,
    name: input.name,
    plan: input.plan,
    callback_secret: callbackSecret,
    owner_email: input.owner_email ?? null,
    signal_completed_events: input.signal_completed_events,
    api_key_hash: hashApiKey(apiKey),
    created_at: new Date().toISOString(),
  };
  await store.create(record);
  return { ...tenantView(record), api_key: apiKey, callback_secret: callbackSecret };
}

/** Issues a new tenant key; the old one stops working as soon as this returns. Undefined: no such tenant. */
export async function rotateTenantApiKey(
  store: TenantStore,
  tenantId: string,
): Promise<{ id: string; api_key: string; rotated_at: string } | undefined> {
  const apiKey = newTenantApiKey(tenantId);
  if (!(await store.rotateApiKey(tenantId, hashApiKey(apiKey)))) return undefined;
  return { id: tenantId, api_key: apiKey, rotated_at: new Date().toISOString() };
}
