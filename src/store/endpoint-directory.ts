import type { EndpointDirectory } from '../../activities';
import type { PlanSettings } from '../deliveries/delivery-plan';
import { deliveryPlan } from '../deliveries/delivery-plan';
import type { TenantStore } from './tenant-store';

/** What the worker's activities read and write of tenants and endpoints, from the tenant store. */
export function endpointDirectory(store: TenantStore, plan: PlanSettings): EndpointDirectory {
  return {
    async deliveryPlan(tenantId, endpointId) {
      const endpoint = await store.getEndpoint(tenantId, endpointId);
      return endpoint ? deliveryPlan(endpoint, plan) : null;
    },
    async endpointLabel(tenantId, endpointId) {
      return (await store.getEndpoint(tenantId, endpointId))?.label;
    },
    async ownerEmail(tenantId) {
      return (await store.get(tenantId))?.owner_email ?? undefined;
    },
    setEndpointHealth: (tenantId, endpointId, health) =>
      store.setEndpointHealth(tenantId, endpointId, health),
  };
}
