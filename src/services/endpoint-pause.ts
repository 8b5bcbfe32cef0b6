import type { EndpointHealthState } from '../../workflows/endpoint-health-contract';
import type { EndpointHealthClient } from '../store/endpoint-health';
import type { TenantStore } from '../store/tenant-store';

export interface EndpointHealthView {
  endpoint_id: string;
  tenant_id: string;
  paused: EndpointHealthState['paused'];
  consecutive_failures: number;
  held_deliveries: number;
}

export const healthView = (state: EndpointHealthState): EndpointHealthView => ({
  endpoint_id: state.endpointId,
  tenant_id: state.tenantId,
  paused: state.paused,
  consecutive_failures: state.consecutiveFailures,
  held_deliveries: state.heldDeliveryIds.length,
});

/**
 * Pauses (its deliveries are held) or resumes (held deliveries go out, the streak restarts) one of
 * a tenant's endpoints, for the API and the CLI alike; `undefined` when the tenant has no such
 * endpoint. The health workflow mirrors its state into the tenant store too, but only after this
 * returns: writing it here means a signal sent right after already finds the endpoint paused.
 */
export async function setEndpointPaused(
  deps: { store: TenantStore; health: EndpointHealthClient },
  tenantId: string,
  endpointId: string,
  paused: boolean,
): Promise<EndpointHealthView | undefined> {
  if (!(await deps.store.getEndpoint(tenantId, endpointId))) return undefined;
  const state = paused ? await deps.health.pause(endpointId, 'manual') : await deps.health.resume(endpointId);
  await deps.store.setEndpointHealth(tenantId, endpointId, {
    paused: state.paused,
    failing: state.consecutiveFailures > 0,
  });
  return healthView(state);
}
