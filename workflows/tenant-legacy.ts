import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { ENDPOINT_LABEL_TAKEN, ENDPOINT_NOT_FOUND, ENDPOINT_QUOTA_REACHED } from './tenant-contract';
import { createEndpointUpdate, deleteEndpointUpdate, patchEndpointUpdate } from './tenant-legacy-contract';
import type { EndpointRecord, TenantRecord } from './records';
import type { EndpointIndexEntry } from './tenant-contract';

/**
 * The endpoint writes of the version that kept endpoint records in the tenant's own state, with
 * that version's rules. The service no longer sends them; they are handled so that a run started by
 * that version replays to the same state (its history holds these updates and their outcomes),
 * after which the service moves the records out (`adoptLegacyEndpointsUpdate`).
 */
export function handleLegacyEndpointUpdates(
  tenant: TenantRecord,
  index: Record<string, EndpointIndexEntry>,
  legacy: Record<string, EndpointRecord>,
  remeasure: (id: string) => void,
): void {
  const fail = (type: string, message: string) => ApplicationFailure.create({ type, message });
  const stored = (id: string): EndpointRecord => {
    const record = legacy[id];
    if (!record) throw fail(ENDPOINT_NOT_FOUND, 'endpoint not found');
    return record;
  };
  const requireFreeLabel = (label: string, id: string): void => {
    const taken = Object.values(legacy).some(
      (other) => other.id !== id && other.label.toLowerCase() === label.toLowerCase(),
    );
    if (taken) throw fail(ENDPOINT_LABEL_TAKEN, 'another endpoint of this tenant has that label');
  };

  setHandler(createEndpointUpdate, ({ endpoint }) => {
    const quota = tenant.plan?.max_endpoints ?? null;
    if (quota !== null && Object.keys(legacy).length >= quota) {
      throw fail(ENDPOINT_QUOTA_REACHED, `the tenant's plan allows ${quota} endpoints`);
    }
    requireFreeLabel(endpoint.label, endpoint.id);
    legacy[endpoint.id] = endpoint;
    index[endpoint.id] = { label: endpoint.label, revision: 0, health: endpoint.health };
    remeasure(endpoint.id);
    return endpoint;
  });
  setHandler(patchEndpointUpdate, ({ id, patch, updatedAt }) => {
    const current = stored(id);
    if (patch.label !== undefined) requireFreeLabel(patch.label, id);
    const updated = { ...current, ...patch, updated_at: updatedAt };
    legacy[id] = updated;
    index[id] = { ...index[id]!, label: updated.label };
    remeasure(id);
    return updated;
  });
  setHandler(deleteEndpointUpdate, ({ id }) => {
    stored(id);
    delete legacy[id];
    delete index[id];
    remeasure(id);
  });
}
