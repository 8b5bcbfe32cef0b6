import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import pLimit from 'p-limit';
import type { EndpointRecord } from '../../workflows/records';
import type { endpointConfigWorkflow } from '../../workflows/endpoint-config';
import { endpointRecordQuery } from '../../workflows/endpoint-config-contract';
import { endpointConfigWorkflowId } from '../../workflows/ids';
import { adoptLegacyEndpointsUpdate, legacyEndpointsQuery } from '../../workflows/tenant-contract';
import type { IndexedEndpoint } from '../../workflows/tenant-contract';
import { startEndpointConfig } from './start-endpoint-config';
import type { TenantCalls } from './tenant-calls';

/** Config workflows asked at once when many records are stale (a process's first read of a tenant). */
const READ_CONCURRENCY = 16;

/**
 * The endpoint records this process has read, each with the revision it was read at. A read of a
 * tenant asks only the config workflows whose revision in the tenant's index differs, so a tenant
 * with a thousand endpoints costs one query a second, not a thousand.
 */
export class EndpointRecordCache {
  /** Per tenant, so that a read can drop the records of endpoints deleted by another process. */
  private readonly tenants = new Map<string, Map<string, { revision: number; record: EndpointRecord }>>();

  constructor(
    private readonly client: Client,
    private readonly calls: TenantCalls,
  ) {}

  /** The index's endpoints with their records, in index order; one whose config is gone is left out. */
  async read(
    tenantId: string,
    index: IndexedEndpoint[],
  ): Promise<Array<{ entry: IndexedEndpoint; record: EndpointRecord }>> {
    if (index.length === 0) {
      this.tenants.delete(tenantId);
      return [];
    }
    const records = this.recordsOf(tenantId);
    const stale = index.filter((entry) => records.get(entry.id)?.revision !== entry.revision);
    const limit = pLimit(READ_CONCURRENCY);
    await Promise.all(
      stale.map((entry) =>
        limit(async () => {
          try {
            const { record, revision } = await this.handle(entry.id).query(endpointRecordQuery);
            if (record.tenant_id === tenantId) this.remember(record, revision);
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }),
      ),
    );
    const listed = new Set(index.map((entry) => entry.id));
    for (const id of records.keys()) if (!listed.has(id)) records.delete(id);
    return index.flatMap((entry) => {
      const cached = records.get(entry.id);
      return cached ? [{ entry, record: cached.record }] : [];
    });
  }

  remember(record: EndpointRecord, revision: number): void {
    const records = this.recordsOf(record.tenant_id);
    const known = records.get(record.id);
    if (!known || known.revision <= revision) records.set(record.id, { revision, record });
  }

  forget(tenantId: string, endpointId: string): void {
    this.tenants.get(tenantId)?.delete(endpointId);
  }

  private recordsOf(tenantId: string) {
    let records = this.tenants.get(tenantId);
    if (!records) this.tenants.set(tenantId, (records = new Map()));
    return records;
  }

  /**
   * Moves the records the previous version kept in the tenant's state to config workflows of their
   * own. Safe to repeat, and from several processes at once: a config workflow that already exists is
   * kept, and the tenant drops only records it still holds.
   */
  async adoptLegacy(tenantId: string, taskQueue: string): Promise<void> {
    const legacy = await this.calls.query(tenantId, legacyEndpointsQuery);
    const limit = pLimit(READ_CONCURRENCY);
    await Promise.all(
      legacy.map((record) =>
        limit(() => startEndpointConfig(this.client, taskQueue, record, { reuse: true })),
      ),
    );
    await this.calls.update(tenantId, adoptLegacyEndpointsUpdate, { ids: legacy.map((record) => record.id) });
  }

  private handle(endpointId: string) {
    return this.client.workflow.getHandle<typeof endpointConfigWorkflow>(
      endpointConfigWorkflowId(endpointId),
    );
  }
}
