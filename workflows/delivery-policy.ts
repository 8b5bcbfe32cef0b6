/**
 * The delivery policy, as a pure function: after each attempt, what the delivery does next. The
 * delivery workflow runs attempts and carries out these steps; this module decides them, and its
 * tests read like the retry rules of the seed products' help pages.
 */

/** Where a delivery stands within one round of attempts (a round is the first try and its retries). */
export interface RoundPosition {
  /** Retries already taken in this round: the next delay is the schedule's entry at this index. */
  retries: number;
  /** Rate-limit slots this attempt reached too late in a row; each asks for more lead. */
  missedSlots: number;
  /** The endpoint's health workflow is asked even before the round's first attempt. */
  askFirst: boolean;
}

/** What one attempt came to, as the policy needs to know it. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'failed'; httpStatus: number | null; retryAfterMs: number | null }
  /** The endpoint's settings cannot make a request (a secret that cannot sign): retrying cannot help. */
  | { kind: 'misconfigured' }
  /** The attempt reached its rate-limit slot too late and sent nothing. */
  | { kind: 'slot_missed' }
  /** The endpoint was deleted while the delivery waited for it. */
  | { kind: 'endpoint_deleted' };

export interface DeliveryPolicy {
  /** Delay before each retry of a round; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** A failed round is kept as a dead letter for this long (null: the delivery fails instead). */
  deadLetterRetentionMs: number | null;
  /** The delivery counts towards its endpoint's health (events do; send-tests and callbacks do not). */
  tracked: boolean;
  /** The endpoint's rate limit in requests a minute; null: none. */
  rateLimitPerMinute: number | null;
}

export type NextStep =
  | { kind: 'delivered' }
  /** Wait, then attempt again from `position`. */
  | { kind: 'retry'; delayMs: number; position: RoundPosition }
  /** Attempt again at once from `position` (a missed rate-limit slot: nothing was sent). */
  | { kind: 'attempt'; position: RoundPosition }
  /** The receiver said 410 Gone: pause the endpoint, hold until it is resumed, then attempt again. */
  | { kind: 'hold_gone'; position: RoundPosition }
  | { kind: 'dead_letter'; retentionMs: number }
  | { kind: 'fail' };

const GONE = 410;

export const startOfRound = (askFirst: boolean): RoundPosition => ({ retries: 0, missedSlots: 0, askFirst });

/**
 * Whether the endpoint's health workflow is asked before the next attempt: it may hold the delivery
 * (paused endpoint) or give it a rate-limit slot. A healthy endpoint's first attempt goes straight out.
 */
export function asksEndpointFirst(position: RoundPosition, policy: DeliveryPolicy): boolean {
  return policy.tracked && (position.retries > 0 || position.askFirst || policy.rateLimitPerMinute !== null);
}

export function decideNext(
  position: RoundPosition,
  outcome: AttemptOutcome,
  policy: DeliveryPolicy,
): NextStep {
  switch (outcome.kind) {
    case 'delivered':
      return { kind: 'delivered' };
    case 'slot_missed':
      return { kind: 'attempt', position: { ...position, missedSlots: position.missedSlots + 1 } };
    case 'endpoint_deleted':
    case 'misconfigured':
      return roundFailed(policy);
    case 'failed': {
      const next = { ...position, missedSlots: 0 };
      // The receiver says the endpoint is gone for good; the delivery resumes from the same point
      // of its schedule once someone resumes the endpoint.
      if (policy.tracked && outcome.httpStatus === GONE) return { kind: 'hold_gone', position: next };
      const scheduledMs = policy.retryDelaysMs[position.retries];
      if (scheduledMs === undefined) return roundFailed(policy);
      // A receiver that asks for more time (429 or 503 with Retry-After) gets it, never less than
      // the schedule's own delay.
      const delayMs = Math.max(scheduledMs, outcome.retryAfterMs ?? 0);
      return { kind: 'retry', delayMs, position: { ...next, retries: position.retries + 1 } };
    }
  }
}

/** A round ended without a delivery: keep it as a dead letter, or fail. */
export function roundFailed(policy: DeliveryPolicy): Extract<NextStep, { kind: 'dead_letter' | 'fail' }> {
  return policy.deadLetterRetentionMs === null
    ? { kind: 'fail' }
    : { kind: 'dead_letter', retentionMs: policy.deadLetterRetentionMs };
}
