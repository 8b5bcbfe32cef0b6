import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { TenantRecord } from '../../workflows/records';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { TenantStore } from '../store/tenant-store';
import { tenantsQuery } from '../temporal/visibility-query';
import type { CreationPage, CreationPageOptions } from './creation-pages';
import { creationPage } from './creation-pages';

/** Tenant records read at once: each is a query answered by a worker. */
const READ_CONCURRENCY = 10;

/**
 * A page of tenants, oldest first. Which tenants exist and when each was created come from
 * visibility (the tenant workflows that run, and their TenantCreatedAt), so a page asks the
 * workflows of its own tenants only. A tenant created before that attribute existed is asked for
 * its creation time (`signal-push tenants repair --force` gives it the attribute).
 */
export async function listTenantPage(
  client: Client,
  store: TenantStore,
  limit: number,
  options: CreationPageOptions,
): Promise<TenantPage> {
  const slot = pLimit(READ_CONCURRENCY);
  const unavailable: string[] = [];
  // A tenant whose workflow cannot answer (see TenantCalls) is named apart; the others are listed.
  const read = (id: string) =>
    slot(() =>
      store.get(id).catch(() => {
        unavailable.push(id);
        return undefined;
      }),
    );
  const known: Array<Promise<{ id: string; created_at: string } | undefined>> = [];
  for await (const info of client.workflow.list({ query: tenantsQuery(store.taskQueue) })) {
    const id = info.typedSearchAttributes.get(searchAttributes.tenantId);
    const createdAt = info.typedSearchAttributes.get(searchAttributes.tenantCreatedAt);
    if (!id) continue;
    known.push(
      createdAt
        ? Promise.resolve({ id, created_at: createdAt.toISOString() })
        : read(id).then((tenant) => tenant && { id, created_at: tenant.created_at }),
    );
  }
  const listed = (await Promise.all(known)).filter((entry) => entry !== undefined);
  const page = creationPage(listed, limit, options);
  const records = await Promise.all(page.items.map(({ id }) => read(id)));
  // A tenant deleted since visibility listed it drops out of its page.
  return { items: records.filter((record) => record !== undefined), next: page.next, unavailable };
}

export interface TenantPage extends CreationPage<TenantRecord> {
  /** Tenants of this page whose workflow could not answer (`signal-push tenants repair` mends them). */
  unavailable: string[];
}
