/**
 * The contract of the signal tracker: one per signal of a tenant that asked to be told when its
 * signals have reached their endpoints (`signal_completed_events`). Its input, the signal each of
 * the signal's deliveries sends it when it first ends, and the event it sends then.
 */
import { defineSignal } from '@temporalio/workflow';
import type { DeliveryStatus } from './delivery-contract';

/** A delivery's first final status. A dead letter replayed later is not reported again. */
export type DeliveryEndStatus = Extract<
  DeliveryStatus,
  'delivered' | 'failed' | 'dead_lettered' | 'rejected'
>;

export interface TrackedDelivery {
  deliveryId: string;
  endpointId: string;
}

export interface SignalTrackerInput {
  tenantId: string;
  signalId: string;
  deliveries: TrackedDelivery[];
}

export interface DeliveryEnd {
  deliveryId: string;
  status: DeliveryEndStatus;
}

export const deliveryEndedSignal = defineSignal<[DeliveryEnd]>('deliveryEndedSignal');

/** Posted to the operator's ops webhook once every delivery of the signal has ended. */
export interface SignalCompletedEvent {
  /** `evt_<hex>`, unique per event: lets receivers drop a retried copy. */
  id: string;
  type: 'signal.completed';
  /** ISO 8601: when the last delivery ended. */
  occurred_at: string;
  tenant_id: string;
  signal_id: string;
  /** Every delivery was delivered. */
  reached_all: boolean;
  delivered: number;
  deliveries: Array<{ endpoint_id: string; delivery_id: string; status: DeliveryEndStatus }>;
}

/**
 * How long a tracker waits for the signal's last delivery; it then ends with no event. A delivery
 * held by an endpoint that is never resumed may not end at all.
 */
export const SIGNAL_TRACKING_HORIZON = '30 days';
