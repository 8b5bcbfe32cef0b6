/**
 * The contract of the endpoint health workflow (one long-lived workflow per endpoint): failure
 * streaks, pauses, held deliveries and rate-limit slots.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProbeProgress } from './endpoint-recovery-contract';
import type { PauseInfo, PauseReason } from './records';

// Endpoint health: one long-lived workflow per endpoint.

export interface EndpointHealthState {
  tenantId: string;
  endpointId: string;
  threshold: number | null;
  consecutiveFailures: number;
  paused: PauseInfo | null;
  /** Deliveries waiting for the endpoint to be resumed. */
  heldDeliveryIds: string[];
  /** Set once the endpoint is deleted: held deliveries are let go and the workflow ends. */
  retired: boolean;
  /** The endpoint's rate limit as the latest delivery reported it. */
  rateLimitPerMinute: number | null;
  /** Epoch ms of the next free request slot under that limit. */
  nextSlotAt: number;
  /** ISO: when the current failure streak began (its first failure); absent in older states. */
  streakStartedAt?: string | null;
  /** Probing of a streak pause, while the endpoint is self-healing; absent in older states. */
  probe?: ProbeProgress | null;
}

/**
 * How many held deliveries a paused endpoint keeps to call back on resume. The list is the health
 * workflow's state, carried across continue-as-new: without a bound, a sender that goes on while an
 * endpoint is paused would grow it past Temporal's payload limit and break the workflow. Deliveries
 * beyond it ask again later (HoldAnswer.askAgainAfterMs).
 */
export const MAX_HELD_DELIVERIES = 1_000;
/** The first wait of a delivery the held list had no room for; it doubles on each refusal. */
export const ASK_AGAIN_AFTER_MS = 60_000;

export type EndpointHealthInput = Pick<EndpointHealthState, 'tenantId' | 'endpointId' | 'threshold'> &
  Partial<EndpointHealthState>;

export interface DeliveryOutcome {
  deliveryId: string;
  delivered: boolean;
}

export interface HoldCheck {
  deliveryId: string;
  /** The receiver answered 410 Gone: pause now and hold this delivery. */
  gone: boolean;
  /** The endpoint's current rate limit: ask for a slot too. */
  rateLimitPerMinute: number | null;
  /** Slots this delivery reached too late in a row (each time it sent nothing): give it more lead. */
  missedSlots?: number;
}

export interface PauseInput {
  reason: PauseReason;
}

export const deliveryOutcomeSignal = defineSignal<[DeliveryOutcome]>('deliveryOutcomeSignal');

export const holdCheckSignal = defineSignal<[HoldCheck]>('holdCheckSignal');

export const configureHealthSignal = defineSignal<[{ threshold: number | null }]>('configureHealthSignal');

export const retireSignal = defineSignal('retireSignal');

export const pauseUpdate = defineUpdate<EndpointHealthState, [PauseInput]>('pauseUpdate');

export const resumeUpdate = defineUpdate<EndpointHealthState, []>('resumeUpdate');

export const endpointHealthQuery = defineQuery<EndpointHealthState>('endpointHealthQuery');
