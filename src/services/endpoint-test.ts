import type { EndpointRecord } from '../../workflows/records';
import type { DeliverySettings, DeliveryStarts } from '../deliveries/start-deliveries';
import { sendTest } from '../deliveries/send-test';
import type { TestResult } from '../deliveries/send-test';
import type { EventType } from '../events';
import { typesMatching } from '../events';
import type { TenantStore } from '../store/tenant-store';

/** A send-test or preview asked for an event type the endpoint does not subscribe to. */
export class EventTypeNotSubscribed extends Error {
  constructor(readonly endpoint: EndpointRecord) {
    super(`is not one of the endpoint's event types (${endpoint.event_types.join(', ')})`);
  }
}

/** The type a send-test or preview uses: the one asked for, else the endpoint's first real one. */
export function chooseEventType(endpoint: EndpointRecord, asked: EventType | undefined): EventType {
  const subscribed = typesMatching(endpoint.event_types);
  if (asked === undefined) return subscribed.find((type) => type !== 'operation.result') ?? subscribed[0]!;
  if (subscribed.includes(asked)) return asked;
  throw new EventTypeNotSubscribed(endpoint);
}

export interface EndpointTestDeps {
  store: TenantStore;
  starts: DeliveryStarts;
  settings: DeliverySettings;
}

/**
 * Sends one of a tenant's endpoints a sample event and waits for its one attempt, for the API and
 * the CLI alike; `undefined` when the tenant has no such endpoint.
 */
export async function sendEndpointTest(
  deps: EndpointTestDeps,
  tenantId: string,
  endpointId: string,
  eventType?: EventType,
): Promise<TestResult | undefined> {
  const [tenant, endpoint] = await Promise.all([
    deps.store.get(tenantId),
    deps.store.getEndpoint(tenantId, endpointId),
  ]);
  if (!tenant || !endpoint) return undefined;
  return sendTest(deps.starts, deps.settings, tenant, endpoint, chooseEventType(endpoint, eventType));
}
