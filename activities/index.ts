import type { Dispatcher } from 'undici';
import type { DeliveryPlan } from '../workflows/delivery-contract';
import type { EndpointHealthSummary } from '../workflows/records';
import type { AttemptInput } from './attempt-delivery';
import { attemptDelivery } from './attempt-delivery';
import type { EndpointEvent, NotifierConfig } from './notify-endpoint-event';
import { notifyEndpointEvent } from './notify-endpoint-event';

/**
 * What the activities read and write of tenants and endpoints; the service provides it (from its
 * tenant store), so activities need not know how tenants are kept.
 */
export interface EndpointDirectory {
  /** The endpoint's current settings as a delivery plan; `null` once it has been deleted. */
  deliveryPlan(tenantId: string, endpointId: string): Promise<DeliveryPlan | null>;
  endpointLabel(tenantId: string, endpointId: string): Promise<string | undefined>;
  ownerEmail(tenantId: string): Promise<string | undefined>;
  setEndpointHealth(tenantId: string, endpointId: string, health: EndpointHealthSummary): Promise<void>;
}

export interface ActivityDeps {
  /** Deliveries to customers' endpoints: through the outbound address checks. */
  dispatcher: Dispatcher;
  /** Operational events go to a URL the operator set, which may well be internal. */
  opsDispatcher: Dispatcher;
  userAgent: string;
  endpoints: EndpointDirectory;
  notifications: NotifierConfig;
}

/** Activities bound to their dependencies, so tests can pass real or fake ones. */
export function createActivities(deps: ActivityDeps) {
  const notifier = {
    config: deps.notifications,
    dispatcher: deps.opsDispatcher,
    userAgent: deps.userAgent,
    ownerEmail: (tenantId: string) => deps.endpoints.ownerEmail(tenantId),
  };
  return {
    attemptDelivery: (input: AttemptInput) => attemptDelivery(deps, input),

    /** The endpoint's current settings for a replay; `null` once it has been deleted. */
    loadDeliveryPlan(input: { tenantId: string; endpointId: string }): Promise<DeliveryPlan | null> {
      return deps.endpoints.deliveryPlan(input.tenantId, input.endpointId);
    },

    /** Mirrors an endpoint's pause and failing state into the tenant store, where intake reads it. */
    async publishEndpointHealth(input: {
      tenantId: string;
      endpointId: string;
      health: EndpointHealthSummary;
    }): Promise<void> {
      await deps.endpoints.setEndpointHealth(input.tenantId, input.endpointId, input.health);
    },

    /** Tells the tenant's owner and the operator that an endpoint was paused or resumed. */
    async sendEndpointEvent(event: Omit<EndpointEvent, 'endpoint_label'>): Promise<void> {
      const label = await deps.endpoints.endpointLabel(event.tenant_id, event.endpoint_id);
      await notifyEndpointEvent(notifier, { ...event, endpoint_label: label ?? event.endpoint_id });
    },
  };
}
