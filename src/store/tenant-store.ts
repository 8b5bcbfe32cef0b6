import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ENDPOINT_NOT_FOUND,
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

const STORE_CALL_TIMEOUT_MS = 10_000;

/** Tenants and their endpoints, read and written through each tenant's workflow. */
export class TenantStore {
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
    return ifFound(() => this.within(() => this.handle(tenantId).query(tenantQuery)));
  }

  async listEndpoints(tenantId: string): Promise<EndpointRecord[]> {
    return (await ifFound(() => this.within(() => this.handle(tenantId).query(endpointsQuery)))) ?? [];
  }

  async getEndpoint(tenantId: string, endpointId: string): Promise<EndpointRecord | undefined> {
    const endpoints = await this.listEndpoints(tenantId);
    return endpoints.find((endpoint) => endpoint.id === endpointId);
  }

  async createEndpoint(endpoint: EndpointRecord): Promise<EndpointRecord> {
    return this.within(() =>
      this.handle(endpoint.tenant_id).executeUpdate(createEndpointUpdate, { args: [{ endpoint }] }),
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
      this.within(() =>
        this.handle(tenantId).executeUpdate(patchEndpointUpdate, { args: [{ id, patch, updatedAt }] }),
      ),
    );
  }

  /** False when the tenant has no such endpoint. */
  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    const deleted = await ifEndpointExists(async () => {
      await this.within(() => this.handle(tenantId).executeUpdate(deleteEndpointUpdate, { args: [{ id }] }));
      return true;
    });
    return deleted ?? false;
  }

  async setEndpointHealth(tenantId: string, id: string, health: EndpointHealthSummary): Promise<void> {
    await this.within(() =>
      this.handle(tenantId).executeUpdate(setEndpointHealthUpdate, { args: [{ id, health }] }),
    );
  }

  /** Replaces the tenant's key hash; false when no such tenant exists. */
  async rotateApiKey(tenantId: string, apiKeyHash: string): Promise<boolean> {
    const rotated = await ifFound(async () => {
      await this.within(() =>
        this.handle(tenantId).executeUpdate(rotateApiKeyUpdate, { args: [{ apiKeyHash }] }),
      );
      return true;
    });
    return rotated ?? false;
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
