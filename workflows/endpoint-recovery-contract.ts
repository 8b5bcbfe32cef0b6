/**
 * The contract of self-healing: how an endpoint paused by its failure streak is probed until it
 * answers, and what follows its recovery (workflows/endpoint-probes.ts and dead-letter-replay.ts).
 */

/** How recovery goes for one endpoint, read when probing starts; `null` from the activity: it is off. */
export interface RecoveryPlan {
  /** The wait before each probe; the last repeats until `maxProbes` have been made. */
  probeDelaysMs: number[];
  /** Probes before giving up; the endpoint then stays paused until a person resumes it. */
  maxProbes: number;
  /** Dead letters replayed a minute after a recovery. */
  replaysPerMinute: number;
}

/** Where probing of the current pause stands; carried across continue-as-new in the health state. */
export interface ProbeProgress {
  made: number;
  /** Epoch ms of the next probe; null once every probe has failed (it stays paused for a person). */
  nextAt: number | null;
  /** ISO: dead letters since this instant are replayed on recovery (the streak's start). */
  deadLettersSince: string;
  /** The plan's replay rate, for the replay that follows recovery. */
  replaysPerMinute: number;
}

/** What a probe found: the endpoint answered 2xx, did not, or recovery no longer applies to it. */
export const PROBE_OUTCOMES = ['recovered', 'failed', 'off'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface ProbeInput {
  tenantId: string;
  endpointId: string;
  /** 1 for the first probe of a pause. */
  probe: number;
}

export interface DeadLetterReplayInput {
  tenantId: string;
  endpointId: string;
  /** ISO: dead letters dead-lettered at or after it. */
  since: string;
  replaysPerMinute: number;
}

/**
 * How far before the streak's first failure dead letters are looked for: a delivery reports its
 * failure and records its dead-lettering in two steps, and either may land first.
 */
export const DEAD_LETTER_MARGIN_MS = 60_000;

/** Most dead letters one recovery replays: each costs the replay workflow a signal and a timer. */
export const MAX_RECOVERY_REPLAYS = 1_000;

/** The event type and header that mark a probe, so a receiver can tell it from a real event. */
export const PROBE_EVENT_TYPE = 'signal_push.probe';
export const PROBE_HEADER = 'x-signal-push-probe';

/** Workflow id of the dead-letter replay that follows one recovery (one per pause). */
export const deadLetterReplayWorkflowId = (endpointId: string, pausedAt: string): string =>
  `endpoint-recovery-${endpointId}-${Date.parse(pausedAt)}`;

/**
 * The wait before the next probe after `made` of them, or null when no probe is left: the schedule's
 * steps in turn, then its last step again, up to `maxProbes` in all.
 */
export function nextProbeDelayMs(plan: RecoveryPlan, made: number): number | null {
  const steps = plan.probeDelaysMs;
  if (made >= plan.maxProbes || steps.length === 0) return null;
  return steps[Math.min(made, steps.length - 1)] ?? null;
}
