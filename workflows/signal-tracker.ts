import { condition, log, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { deliveryEndedSignal, SIGNAL_TRACKING_HORIZON } from './signal-tracker-contract';
import type { DeliveryEndStatus, SignalCompletedEvent, SignalTrackerInput } from './signal-tracker-contract';

// As the endpoint notices: an ops webhook that is down is retried for about two hours.
const { sendSignalCompleted } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 20 },
});

/**
 * Waits until every delivery of one signal has ended (each reports its first final status), then
 * sends the `signal.completed` event. Started by intake before the deliveries, so none can end
 * before it listens. Returns the event, or null when the horizon ran out first.
 */
export async function signalTrackerWorkflow(input: SignalTrackerInput): Promise<SignalCompletedEvent | null> {
  const ended = new Map<string, DeliveryEndStatus>();
  const expected = new Set(input.deliveries.map((delivery) => delivery.deliveryId));
  setHandler(deliveryEndedSignal, ({ deliveryId, status }) => {
    if (expected.has(deliveryId) && !ended.has(deliveryId)) ended.set(deliveryId, status);
  });
  if (!(await condition(() => ended.size === expected.size, SIGNAL_TRACKING_HORIZON))) return null;

  const deliveries = input.deliveries.map(({ deliveryId, endpointId }) => ({
    endpoint_id: endpointId,
    delivery_id: deliveryId,
    status: ended.get(deliveryId)!,
  }));
  const delivered = deliveries.filter((delivery) => delivery.status === 'delivered').length;
  const event: SignalCompletedEvent = {
    id: `evt_${uuid4().replace(/-/g, '')}`,
    type: 'signal.completed',
    occurred_at: new Date().toISOString(),
    tenant_id: input.tenantId,
    signal_id: input.signalId,
    reached_all: delivered === deliveries.length,
    delivered,
    deliveries,
  };
  try {
    await sendSignalCompleted(event);
  } catch (error) {
    log.warn('signal.completed not delivered', { signalId: input.signalId, error: String(error) });
  }
  return event;
}
