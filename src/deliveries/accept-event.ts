import type { TenantStore } from '../store/tenant-store';
import { startCallback } from './callback-delivery';
import { endpointTakesEvent } from './match-endpoints';
import type { AcceptedEvent } from './render-for-endpoint';
import type { DeliverySettings, DeliveryStarts, StartedDelivery } from './start-deliveries';
import { startDeliveries } from './start-deliveries';
import { startSignalTracker } from './start-signal-tracker';

export interface Intake {
  starts: DeliveryStarts;
  store: TenantStore;
  settings: DeliverySettings;
}

export interface IntakeResult {
  event_id: string;
  deliveries: StartedDelivery[];
  /** The one-off delivery to the call's `webhook_url`, when it gave one. */
  callback: StartedDelivery | null;
}

/**
 * Starts a delivery for every endpoint that takes the event, and for the call's one-off URL; returns
 * once all are durably started (which is what the intake's 202 promises). `undefined`: no such tenant.
 */
export async function acceptEvent(
  intake: Intake,
  tenantId: string,
  event: AcceptedEvent,
  callbackUrl: string | undefined,
): Promise<IntakeResult | undefined> {
  const tenant = await intake.store.get(tenantId);
  if (!tenant) return undefined;
  const endpoints = (await intake.store.listEndpoints(tenantId)).filter((endpoint) =>
    endpointTakesEvent(endpoint, event),
  );
  // Started first: a delivery can end, and report to it, as soon as it is started.
  const tracker =
    tenant.signal_completed_events && endpoints.length > 0
      ? await startSignalTracker(
          intake.starts.client,
          intake.settings.taskQueue,
          tenant.id,
          event.id,
          endpoints,
        )
      : undefined;
  const [deliveries, callback] = await Promise.all([
    startDeliveries(intake.starts, intake.settings, tenant, event, endpoints, tracker),
    callbackUrl ? startCallback(intake.starts, intake.settings, tenant, event, callbackUrl) : null,
  ]);
  return { event_id: event.id, deliveries, callback };
}
