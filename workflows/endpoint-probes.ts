import { isCancellation, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { EndpointHealthState } from './endpoint-health-contract';
import { DEAD_LETTER_MARGIN_MS, nextProbeDelayMs } from './endpoint-recovery-contract';

const { loadRecoveryPlan, probeEndpoint } = proxyActivities<ReturnType<typeof createActivities>>({
  // A probe is one request under the endpoint's own timeout (at most 30 s).
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** Told whether a probe request is in flight, so the health workflow does not continue-as-new mid-probe. */
export interface ProbeActivity {
  inFlight: boolean;
}

/** Why probing ended: a probe was answered with a 2xx, the probes ran out, or it was not to be. */
export type ProbingEnd = 'recovered' | 'exhausted' | 'stopped';

/**
 * Probes an endpoint paused by its failure streak on the recovery plan's growing schedule, until
 * one probe is answered with a 2xx (`recovered`) or the last one fails (`exhausted`); `stopped`
 * when recovery is switched off, the endpoint is gone, or this pause's probes ran out before.
 * Progress lives in `state.probe`, so a run that continues as new picks the schedule up where it
 * stood. The caller runs this in a cancellation scope and cancels it when a person resumes the
 * endpoint, or deletes it.
 */
export async function probeUntilRecovered(
  state: EndpointHealthState,
  activity: ProbeActivity,
): Promise<ProbingEnd> {
  const { tenantId, endpointId } = state;
  if (state.probe?.nextAt === null) return 'stopped'; // this pause's probes ran out before
  const plan = await loadRecoveryPlan({ tenantId, endpointId });
  if (!plan) return 'stopped';
  const first = nextProbeDelayMs(plan, 0);
  if (first === null) return 'stopped';
  const streakStart = Date.parse(state.streakStartedAt ?? state.paused?.at ?? new Date().toISOString());
  state.probe ??= {
    made: 0,
    nextAt: Date.now() + first,
    deadLettersSince: new Date(streakStart - DEAD_LETTER_MARGIN_MS).toISOString(),
    replaysPerMinute: plan.replaysPerMinute,
  };
  const progress = state.probe;
  while (progress.nextAt !== null) {
    await sleep(Math.max(0, progress.nextAt - Date.now()));
    activity.inFlight = true;
    const outcome = await probeEndpoint({ tenantId, endpointId, probe: progress.made + 1 })
      .catch((error: unknown) => {
        if (isCancellation(error)) throw error;
        log.warn('endpoint probe could not be made', { endpointId, error: String(error) });
        return 'failed' as const;
      })
      .finally(() => (activity.inFlight = false));
    if (outcome === 'off') return 'stopped';
    progress.made += 1;
    if (outcome === 'recovered') return 'recovered';
    const delay = nextProbeDelayMs(plan, progress.made);
    progress.nextAt = delay === null ? null : Date.now() + delay;
  }
  return 'exhausted';
}
