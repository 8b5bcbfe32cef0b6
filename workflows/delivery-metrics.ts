import { metricMeter } from '@temporalio/workflow';

// Counted in the workflows, where the decisions are made, and exported through the worker's
// Temporal runtime with its own metrics (the SDK drops them while a history is replayed, so each
// counts once). No label carries an id; see src/metrics/service-metrics.ts. The meter works only
// inside a workflow, so each counter is made where it is used.

const OUTCOMES = new Set(['delivered', 'failed', 'dead_lettered', 'expired', 'rejected']);

/** Counts a delivery's change of status where it is an outcome or a hold. */
export function countStatus(status: string): void {
  if (OUTCOMES.has(status)) {
    metricMeter
      .createCounter('signal_push_deliveries', 'deliveries', 'Deliveries that reached an outcome')
      .add(1, { outcome: status });
  } else if (status === 'held') {
    metricMeter
      .createCounter('signal_push_delivery_holds', 'holds', 'Deliveries held by a paused endpoint')
      .add(1);
  }
}

export const countRetry = (): void =>
  metricMeter.createCounter('signal_push_delivery_retries', 'retries', 'Retries scheduled').add(1);

export const countReplay = (): void =>
  metricMeter.createCounter('signal_push_delivery_replays', 'replays', 'Dead letters replayed').add(1);

export const countPause = (reason: string): void =>
  metricMeter
    .createCounter('signal_push_endpoint_pauses', 'pauses', 'Endpoints paused, by reason')
    .add(1, { reason });

export const countResume = (): void =>
  metricMeter.createCounter('signal_push_endpoint_resumes', 'resumes', 'Endpoints resumed').add(1);
