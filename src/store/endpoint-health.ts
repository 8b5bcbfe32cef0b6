import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import {
  configureHealthSignal,
  endpointHealthQuery,
  pauseUpdate,
  resumeUpdate,
  retireSignal,
} from '../../workflows/endpoint-health-contract';
import { endpointHealthWorkflowId } from '../../workflows/ids';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { EndpointHealthState } from '../../workflows/endpoint-health-contract';
import type { EndpointRecord, PauseReason } from '../../workflows/records';
import { endpointHealthWorkflow } from '../../workflows/endpoint-health';

/** The API's handle on each endpoint's long-lived health workflow. */
export class EndpointHealthClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Starts tracking an endpoint; a second call for the same endpoint changes nothing. */
  async start(endpoint: EndpointRecord): Promise<void> {
    await this.client.workflow.start(endpointHealthWorkflow, {
      workflowId: endpointHealthWorkflowId(endpoint.id),
      taskQueue: this.taskQueue,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: searchAttributes.tenantId, value: endpoint.tenant_id },
        { key: searchAttributes.endpointId, value: endpoint.id },
      ],
      args: [{ tenantId: endpoint.tenant_id, endpointId: endpoint.id, threshold: endpoint.pause_threshold }],
    });
  }

  async get(endpointId: string): Promise<EndpointHealthState | undefined> {
    try {
      return await this.handle(endpointId).query(endpointHealthQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  async configure(endpointId: string, threshold: number | null): Promise<void> {
    await this.handle(endpointId).signal(configureHealthSignal, { threshold });
  }

  async pause(endpointId: string, reason: PauseReason): Promise<EndpointHealthState> {
    return this.handle(endpointId).executeUpdate(pauseUpdate, { args: [{ reason }] });
  }

  async resume(endpointId: string): Promise<EndpointHealthState> {
    return this.handle(endpointId).executeUpdate(resumeUpdate, { args: [] });
  }

  /** The endpoint is deleted: its held deliveries are let go, and tracking ends. */
  async retire(endpointId: string): Promise<void> {
    await this.handle(endpointId).signal(retireSignal);
  }

  private handle(endpointId: string) {
    return this.client.workflow.getHandle<typeof endpointHealthWorkflow>(
      endpointHealthWorkflowId(endpointId),
    );
  }
}
