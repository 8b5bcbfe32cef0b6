/**
 * The contract of the delivery sequencer (one per endpoint and ordering key): it hands the key's
 * deliveries their turn one at a time, in the order the intake queued them.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface SequencerInput {
  endpointId: string;
  /** Deliveries queued and not yet given their turn, oldest first. */
  queue: string[];
  /** The delivery whose turn it is; null: none. */
  current: string | null;
  /** Deliveries that had their turn lately, so a repeated intake does not queue one again. */
  recent: string[];
}

/** The intake queues a delivery behind the key's earlier ones (sent with signal-with-start). */
export const keyQueuedSignal = defineSignal<[{ deliveryId: string }]>('keyQueuedSignal');

/** A delivery ended its turn (delivered, failed, or dead-lettered): the next one goes. */
export const keyReleasedSignal = defineSignal<[{ deliveryId: string }]>('keyReleasedSignal');

export interface SequencerState {
  current: string | null;
  queued: number;
}

export const sequencerStateQuery = defineQuery<SequencerState>('sequencerStateQuery');
