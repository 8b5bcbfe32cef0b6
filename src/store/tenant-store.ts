import type { Client } from '@temporalio/client';
import type { endpointConfigWorkflow } from '../../workflows/endpoint-config';
import {
  patchEndpointRecordUpdate,
  retireEndpointConfigUpdate,
} from '../../workflows/endpoint-config-contract';
import { endpointConfigWorkflowId, tenantWorkflowId } from '../../workflows/ids';
import type {
  EndpointHealthSummary,
  EndpointPatch,
  EndpointRecord,
  TenantRecord,
} from '../../workflows/records';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { tenantWorkflow } from '../../workflows/tenant';
import {
  changeTenantUpdate,
  endpointIndexQuery,
  endpointRevisionUpdate,
  registerEndpointUpdate,
  relabelEndpointUpdate,
  removeEndpointUpdate,
  rotateApiKeyUpdate,
  setEndpointHealthUpdate,
  tenantQuery,
} from '../../workflows/tenant-contract';
import type { ChangeTenantInput, IndexedEndpoint, TenantState } from '../../workflows/tenant-contract';
import { EndpointRecordCache } from './endpoint-record-cache';
import { endpointWithDefaults, tenantWithDefaults } from './legacy-records';
import { startEndpointConfig } from './start-endpoint-config';
import { TenantCalls } from './tenant-calls';
import { endpointRules, ifEndpointExists, ifFound, planRules } from './workflow-answers';

/**
 * How long a read of a tenant is reused. A tenant workflow answers queries one at a time, so at
 * intake rates every request asking it afresh would queue behind the others. Writes through this
 * store forget the tenant at once; another process's writes show within this bound.
 */
export const STORE_CACHE_MS = 1_000;

/**
 * Tenants and their endpoints. A tenant's workflow holds its record and an index of its endpoints;
 * each endpoint's record is in its own config workflow, read once per revision and kept here.
 */
export class TenantStore {
  private readonly reads = new Map<string, { expires: number; value: Promise<unknown> }>();
  private readonly records: EndpointRecordCache;
  /** Every call to a tenant's workflow goes through here: it knows which tenants are unavailable. */
  readonly calls: TenantCalls;

  constructor(
    private readonly client: Client,
    readonly taskQueue: string,
  ) {
    this.calls = new TenantCalls(client);
    this.records = new EndpointRecordCache(client, this.calls);
  }

  async create(tenant: TenantRecord): Promise<void> {
    await this.startTenant({ tenant, endpointIndex: {} });
  }

  /**
   * Starts a tenant's workflow from a state (a new tenant, or one the repair command recovered, which
   * keeps the task queue its broken run had).
   */
  async startTenant(state: TenantState, taskQueue = this.taskQueue): Promise<void> {
    await this.client.workflow.start(tenantWorkflow, {
      workflowId: tenantWorkflowId(state.tenant.id),
      taskQueue,
      typedSearchAttributes: [
        { key: searchAttributes.tenantId, value: state.tenant.id },
        // Listings order and filter tenants by it without asking each one's workflow.
        { key: searchAttributes.tenantCreatedAt, value: new Date(state.tenant.created_at) },
      ],
      args: [state],
    });
  }

  /** `undefined` when no such tenant exists. */
  async get(tenantId: string): Promise<TenantRecord | undefined> {
    return this.cached(`${tenantId}/tenant`, async () => {
      const tenant = await ifFound(() => this.calls.query(tenantId, tenantQuery));
      return tenant && tenantWithDefaults(tenant);
    });
  }

  async listEndpoints(tenantId: string): Promise<EndpointRecord[]> {
    return this.cached(`${tenantId}/endpoints`, async () => {
      const index = await this.readIndex(tenantId);
      const records = await this.records.read(tenantId, index);
      return records.map(({ entry, record }) => ({ ...endpointWithDefaults(record), health: entry.health }));
    });
  }

  async getEndpoint(tenantId: string, endpointId: string): Promise<EndpointRecord | undefined> {
    const endpoints = await this.listEndpoints(tenantId);
    return endpoints.find((endpoint) => endpoint.id === endpointId);
  }

  /**
   * The record goes to its own config workflow first and is then entered in the tenant's index,
   * which checks the tenant-wide rules; a refused one's config workflow is retired again. Throws an
   * `EndpointRuleBroken` when a rule is broken.
   */
  async createEndpoint(endpoint: EndpointRecord): Promise<EndpointRecord> {
    const config = await startEndpointConfig(this.client, this.taskQueue, endpoint);
    try {
      await endpointRules(() =>
        this.writing(endpoint.tenant_id, () =>
          this.calls.update(endpoint.tenant_id, registerEndpointUpdate, {
            id: endpoint.id,
            label: endpoint.label,
            revision: 1,
            health: endpoint.health,
          }),
        ),
      );
    } catch (error) {
      await config
        .executeUpdate(retireEndpointConfigUpdate, { args: [{ tenantId: endpoint.tenant_id }] })
        .catch(() => config.terminate('the tenant refused the endpoint'))
        .catch(() => undefined);
      throw error;
    }
    this.records.remember(endpoint, 1);
    return endpoint;
  }

  /** `undefined` when the tenant has no such endpoint. */
  async patchEndpoint(
    tenantId: string,
    id: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | undefined> {
    return ifEndpointExists(() =>
      endpointRules(() =>
        this.writing(tenantId, async () => {
          // The label is taken in the index first, so two renames to one label cannot both pass.
          if (patch.label !== undefined) {
            await this.calls.update(tenantId, relabelEndpointUpdate, { id, label: patch.label });
          }
          const { record, revision } = await this.configHandle(id).executeUpdate(patchEndpointRecordUpdate, {
            args: [{ tenantId, patch, updatedAt: new Date().toISOString() }],
          });
          await this.calls.update(tenantId, endpointRevisionUpdate, { id, revision });
          this.records.remember(record, revision);
          return endpointWithDefaults(record);
        }),
      ),
    );
  }

  /** False when the tenant has no such endpoint. */
  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    const deleted = await ifEndpointExists(async () => {
      await this.writing(tenantId, () => this.calls.update(tenantId, removeEndpointUpdate, { id }));
      return true;
    });
    if (!deleted) return false;
    this.records.forget(tenantId, id);
    await this.configHandle(id)
      .executeUpdate(retireEndpointConfigUpdate, { args: [{ tenantId }] })
      .catch(() => undefined);
    return true;
  }

  async setEndpointHealth(tenantId: string, id: string, health: EndpointHealthSummary): Promise<void> {
    await this.writing(tenantId, () => this.calls.update(tenantId, setEndpointHealthUpdate, { id, health }));
  }

  /** Replaces the tenant's key hash; false when no such tenant exists. */
  async rotateApiKey(tenantId: string, apiKeyHash: string): Promise<boolean> {
    const rotated = await ifFound(async () => {
      await this.writing(
        tenantId,
        () => this.calls.update(tenantId, rotateApiKeyUpdate, { apiKeyHash }),
        true,
      );
      return true;
    });
    return rotated ?? false;
  }

  /**
   * Changes a tenant's name or plan; `undefined` when no such tenant exists. Throws `PlanBelowUsage`
   * when the plan's quota is below the endpoints the tenant has.
   */
  async changeTenant(tenantId: string, change: ChangeTenantInput): Promise<TenantRecord | undefined> {
    const changed = await ifFound(() =>
      planRules(() =>
        this.writing(tenantId, () => this.calls.update(tenantId, changeTenantUpdate, change), true),
      ),
    );
    return changed && tenantWithDefaults(changed);
  }

  /** Drops what this process remembers of a tenant (it has just been deleted). */
  forget(tenantId: string): void {
    for (const key of [`${tenantId}/tenant`, `${tenantId}/endpoints`]) this.reads.delete(key);
  }

  /** The tenant's endpoint index; records the previous version kept in the tenant move out first. */
  private async readIndex(tenantId: string): Promise<IndexedEndpoint[]> {
    const index = (await ifFound(() => this.calls.query(tenantId, endpointIndexQuery))) ?? [];
    if (!index.some((entry) => entry.legacy)) return index;
    await this.records.adoptLegacy(tenantId, this.taskQueue);
    return this.calls.query(tenantId, endpointIndexQuery);
  }

  /** One read in flight per key, reused until it expires; a failed read is not kept. */
  private cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.reads.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = read();
    this.reads.set(key, { expires: now + STORE_CACHE_MS, value });
    value.catch(() => this.reads.delete(key));
    return value;
  }

  /**
   * A write, after which this process reads the tenant's endpoints afresh (and its record too, when
   * the write changed it: endpoint writes leave it as it is).
   */
  private async writing<T>(tenantId: string, write: () => Promise<T>, recordChanged = false): Promise<T> {
    try {
      return await write();
    } finally {
      if (recordChanged) this.reads.delete(`${tenantId}/tenant`);
      this.reads.delete(`${tenantId}/endpoints`);
    }
  }

  private configHandle(endpointId: string) {
    return this.client.workflow.getHandle<typeof endpointConfigWorkflow>(
      endpointConfigWorkflowId(endpointId),
    );
  }
}
