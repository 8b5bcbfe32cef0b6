import type { Dispatcher } from 'undici';
import type { DeliveryPlan } from '../workflows/delivery-contract';
import type { EndpointHealthSummary } from '../workflows/records';
import type { PlanSettings } from '../src/deliveries/delivery-plan';
import { deliveryPlan } from '../src/deliveries/delivery-plan';
import type { TenantStore } from '../src/store/tenant-store';
import type { AttemptInput } from './attempt-delivery';
import { attemptDelivery } from './attempt-delivery';
import type { EndpointEvent, NotifierConfig } from './notify-endpoint-event';
import { notifyEndpointEvent } from './notify-endpoint-event';

export interface ActivityDeps {
  /** Deliveries to customers' endpoints: through the outbound address checks. */
  dispatcher: Dispatcher;
  /** Operational events go to a URL the operator set, which may well be internal. */
  opsDispatcher: Dispatcher;
  userAgent: string;
  store: TenantStore;
  plan: PlanSettings;
  notifications: NotifierConfig;
}

/** Activities bound to their dependencies, so tests can pass real or fake ones. */
export function createActivities(deps: ActivityDeps) {
  const notifier = {
    config: deps.notifications,
    dispatcher: deps.opsDispatcher,
    userAgent: deps.userAgent,
    ownerEmail: async (tenantId: string) => (await deps.store.get(tenantId))?.owner_email ?? undefined,
  };
  return {
    attemptDelivery: (input: AttemptInput) => attemptDelivery(deps, input),

    /** The endpoint's current settings for a replay; `null` once it has been deleted. */
    async loadDeliveryPlan(input: { tenantId: string; endpointId: string }): Promise<DeliveryPlan | null> {
      const endpoint = await deps.store.getEndpoint(input.tenantId, input.endpointId);
      return endpoint ? deliveryPlan(endpoint, deps.plan) : null;
    },

    /** Mirrors an endpoint's pause and failing state into the tenant store, where intake reads it. */
    async publishEndpointHealth(input: {
      tenantId: string;
      endpointId: string;
      health: EndpointHealthSummary;
    }): Promise<void> {
      await deps.store.setEndpointHealth(input.tenantId, input.endpointId, input.health);
    },

    /** Tells the tenant's owner and the operator that an endpoint was paused or resumed. */
    async sendEndpointEvent(event: Omit<EndpointEvent, 'endpoint_label'>): Promise<void> {
      const endpoint = await deps.store.getEndpoint(event.tenant_id, event.endpoint_id);
      await notifyEndpointEvent(notifier, { ...event, endpoint_label: endpoint?.label ?? event.endpoint_id });
    },
  };
}
