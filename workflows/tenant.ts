import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
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
} from './contract';
import type { EndpointRecord, TenantState } from './contract';

/**
 * A tenant and its endpoints, kept as the state of one long-lived workflow: Temporal is the only
 * store signal-push has, and updates run one at a time here, so concurrent API writes never race.
 */
export async function tenantWorkflow(state: TenantState): Promise<void> {
  const { tenant, endpoints } = state;

  const existing = (id: string): EndpointRecord => {
    const endpoint = endpoints[id];
    if (!endpoint)
      throw ApplicationFailure.create({ type: ENDPOINT_NOT_FOUND, message: 'endpoint not found' });
    return endpoint;
  };

  // Checked here, where writes run one at a time, so two concurrent creates cannot both pass.
  const requireFreeLabel = (label: string, id: string): void => {
    const taken = Object.values(endpoints).some(
      (other) => other.id !== id && other.label.toLowerCase() === label.toLowerCase(),
    );
    if (taken) {
      throw ApplicationFailure.create({
        type: ENDPOINT_LABEL_TAKEN,
        message: 'another endpoint of this tenant has that label',
      });
    }
  };

  setHandler(tenantQuery, () => tenant);
  setHandler(endpointsQuery, () => Object.values(endpoints));
  setHandler(createEndpointUpdate, ({ endpoint }) => {
    const quota = tenant.plan?.max_endpoints ?? null;
    if (quota !== null && Object.keys(endpoints).length >= quota) {
      throw ApplicationFailure.create({
        type: ENDPOINT_QUOTA_REACHED,
        message: `the tenant's plan allows ${quota} endpoints`,
      });
    }
    requireFreeLabel(endpoint.label, endpoint.id);
    endpoints[endpoint.id] = endpoint;
    return endpoint;
  });
  setHandler(patchEndpointUpdate, ({ id, patch, updatedAt }) => {
    const current = existing(id);
    if (patch.label !== undefined) requireFreeLabel(patch.label, id);
    const updated = { ...current, ...patch, updated_at: updatedAt };
    endpoints[id] = updated;
    return updated;
  });
  setHandler(deleteEndpointUpdate, ({ id }) => {
    existing(id);
    delete endpoints[id];
  });
  setHandler(setEndpointHealthUpdate, ({ id, health }) => {
    const endpoint = endpoints[id];
    if (endpoint) endpoints[id] = { ...endpoint, health };
  });
  // The old hash is gone with this update: a leaked key stops working as soon as it returns.
  setHandler(rotateApiKeyUpdate, ({ apiKeyHash }) => {
    tenant.api_key_hash = apiKeyHash;
  });

  // Keep the history bounded: hand the state to a fresh run when the server suggests it.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof tenantWorkflow>({ tenant, endpoints });
}
