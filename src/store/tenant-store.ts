import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ENDPOINT_LABEL_TAKEN,
  ENDPOINT_NOT_FOUND,
  ENDPOINT_QUOTA_REACHED,
  createEndpointUpdate,
  deleteEndpointUpdate,
  endpointsQuery,
  patchEndpointUpdate,
  rotateApiKeyUpdate,
  setEndpointHealthUpdate,
  tenantQuery,
  tenantWorkflowId,
} from '../../workflows/contract';
import type {
  EndpointHealthSummary,
  EndpointPatch,
  EndpointRecord,
  TenantRecord,
} from '../../workflows/contract';
import { tenantWorkflow } from '../../workflows/tenant';
import { endpointWithDefaults, tenantWithDefaults } from './legacy-records';

const STORE_CALL_TIMEOUT_MS = 10_000;

/**
 * How long a read of a tenant is reused. A tenant workflow answers queries one at a time, so at
 * intake rates every request asking it afresh would queue behind the others. Writes through this
 * store forget the tenant at once; another process's writes show within this bound.
 */
export const STORE_CACHE_MS = 1_000;

/** Tenants and their endpoints, read and written through each tenant's workflow. */
export class TenantStore {
  private readonly reads = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async create(tenant: TenantRecord): Promise<void> {
    await this.client.workflow.start(tenantWorkflow, {
      workflowId: tenantWorkflowId(tenant.id),
      taskQueue: this.taskQueue,
      args: [{ tenant, endpoints: {} }],
    });
  }

  /** `undefined` when no such tenant exists. */
  async get(tenantId: string): Promise<TenantRecord | undefined> {
    return this.cached(`${tenantId}/tenant`, async () => {
      const tenant = await ifFound(() => this.within(() => this.handle(tenantId).query(tenantQuery)));
      return tenant && tenantWithDefaults(tenant);
    });
  }

  async listEndpoints(tenantId: string): Promise<EndpointRecord[]> {
    return this.cached(`${tenantId}/endpoints`, async () => {
      const endpoints = await ifFound(() => this.within(() => this.handle(tenantId).query(endpointsQuery)));
      return (endpoints ?? []).map(endpointWithDefaults);
    });
  }

  async getEndpoint(tenantId: string, endpointId: string): Promise<EndpointRecord | undefined> {
    const endpoints = await this.listEndpoints(tenantId);
    return endpoints.find((endpoint) => endpoint.id === endpointId);
  }

  /** Throws an `EndpointRuleBroken` when the label is taken or the plan's quota is reached. */
  async createEndpoint(endpoint: EndpointRecord): Promise<EndpointRecord> {
    return endpointRules(() =>
      this.writing(endpoint.tenant_id, () =>
        this.handle(endpoint.tenant_id).executeUpdate(createEndpointUpdate, { args: [{ endpoint }] }),
      ),
    );
  }

  /** `undefined` when the tenant has no such endpoint. */
  async patchEndpoint(
    tenantId: string,
    id: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | undefined> {
    const updatedAt = new Date().toISOString();
    return ifEndpointExists(() =>
      endpointRules(() =>
        this.writing(tenantId, () =>
          this.handle(tenantId).executeUpdate(patchEndpointUpdate, { args: [{ id, patch, updatedAt }] }),
        ),
      ),
    );
  }

  /** False when the tenant has no such endpoint. */
  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    const deleted = await ifEndpointExists(async () => {
      await this.writing(tenantId, () =>
        this.handle(tenantId).executeUpdate(deleteEndpointUpdate, { args: [{ id }] }),
      );
      return true;
    });
    return deleted ?? false;
  }

  async setEndpointHealth(tenantId: string, id: string, health: EndpointHealthSummary): Promise<void> {
    await this.writing(tenantId, () =>
      this.handle(tenantId).executeUpdate(setEndpointHealthUpdate, { args: [{ id, health }] }),
    );
  }

  /** Replaces the tenant's key hash; false when no such tenant exists. */
  async rotateApiKey(tenantId: string, apiKeyHash: string): Promise<boolean> {
    const rotated = await ifFound(async () => {
      await this.writing(tenantId, () =>
        this.handle(tenantId).executeUpdate(rotateApiKeyUpdate, { args: [{ apiKeyHash }] }),
      );
      return true;
    });
    return rotated ?? false;
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

  /** A write, after which this process reads the tenant afresh. */
  private async writing<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await this.within(write);
    } finally {
      this.reads.delete(`${tenantId}/tenant`);
      this.reads.delete(`${tenantId}/endpoints`);
    }
  }

  /**
   * Every read and write is answered by a worker; with none polling (all stopped, or this one
   * shutting down) fail after a bound instead of waiting for ever.
   */
  private within<T>(call: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + STORE_CALL_TIMEOUT_MS, call);
  }

  private handle(tenantId: string) {
    return this.client.workflow.getHandle<typeof tenantWorkflow>(tenantWorkflowId(tenantId));
  }
}

async function ifFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** A tenant-wide rule an endpoint write broke: its label is taken, or the plan allows no more. */
export class EndpointRuleBroken extends Error {
  constructor(
    readonly rule: 'label_taken' | 'quota_reached',
    message: string,
  ) {
    super(message);
  }
}

async function endpointRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === ENDPOINT_LABEL_TAKEN) {
      throw new EndpointRuleBroken('label_taken', cause.message);
    }
    if (cause instanceof ApplicationFailure && cause.type === ENDPOINT_QUOTA_REACHED) {
      throw new EndpointRuleBroken('quota_reached', cause.message);
    }
    throw error;
  }
}

async function ifEndpointExists<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === ENDPOINT_NOT_FOUND
    ) {
      return undefined;
    }
    throw error;
  }
}
