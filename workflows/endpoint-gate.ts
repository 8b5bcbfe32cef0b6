import {
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { holdAnswerSignal } from './delivery-contract';
import type { HoldAnswer } from './delivery-contract';
import type { DeliveryProgress } from './delivery-progress';
import { deliveryOutcomeSignal, holdCheckSignal } from './endpoint-health-contract';
import { endpointHealthWorkflowId } from './ids';

/**
 * Temporal timers shorter than about a second fire late on some servers, which would bunch up
 * rate-limited requests: a delivery sleeps durably only until this long before its slot, and the
 * attempt waits out the rest on the worker's clock.
 */
export const PRECISE_WAIT_MS = 1_500;

/** The longest a delivery waits before asking again whether its paused endpoint has room. */
const MAX_ASK_AGAIN_MS = 60 * 60 * 1000;

export type GateAnswer = { kind: 'go'; slotAt: string | null } | { kind: 'endpoint_deleted' };

/**
 * A delivery's conversation with its endpoint's health workflow: asking whether to go on (while
 * the endpoint is paused the delivery waits, held; under a rate limit it waits for the slot it is
 * given), and reporting how its round went.
 */
export class EndpointGate {
  private answer: HoldAnswer | undefined;
  private readonly health;
  /** Whether the health workflow must hear of a success (it only does while the endpoint fails). */
  private reportSuccess: boolean;

  constructor(
    private readonly deliveryId: string,
    endpointId: string,
    endpointTroubled: boolean,
    private readonly progress: DeliveryProgress,
  ) {
    this.health = getExternalWorkflowHandle(endpointHealthWorkflowId(endpointId));
    this.reportSuccess = endpointTroubled;
    setHandler(holdAnswerSignal, (answer) => {
      this.answer = answer;
    });
  }

  async ask(check: {
    gone: boolean;
    rateLimitPerMinute: number | null;
    missedSlots?: number;
  }): Promise<GateAnswer> {
    if (!(await this.check(check))) return { kind: 'go', slotAt: null };
    let final = await this.nextAnswer();
    for (let refused = 0; !final.proceed; refused++) {
      if (this.progress.status !== 'held') this.progress.setStatus('held');
      if (final.askAgainAfterMs === undefined) {
        await condition(() => this.answer?.proceed === true);
      } else {
        // No room on the endpoint's list of held deliveries: this one asks again later, each time
        // after twice as long, up to an hour.
        await sleep(Math.min(final.askAgainAfterMs * 2 ** refused, MAX_ASK_AGAIN_MS));
        if (!(await this.check(check))) return { kind: 'go', slotAt: null };
      }
      final = await this.nextAnswer();
    }
    if (final.consecutiveFailures > 0) this.reportSuccess = true;
    if (final.endpointDeleted) return { kind: 'endpoint_deleted' };
    const wait = final.notBefore ? Date.parse(final.notBefore) - Date.now() : 0;
    if (wait > PRECISE_WAIT_MS) await sleep(wait - PRECISE_WAIT_MS);
    return { kind: 'go', slotAt: final.notBefore };
  }

  /** A failure always counts towards the streak; a success only matters to a failing endpoint. */
  async report(delivered: boolean): Promise<void> {
    if (delivered && !this.reportSuccess) return;
    try {
      await this.health.signal(deliveryOutcomeSignal, { deliveryId: this.deliveryId, delivered });
    } catch (error) {
      if (isCancellation(error)) throw error;
    }
  }

  /** Asks the health workflow; false when there is none (an endpoint older than health tracking). */
  private async check(check: {
    gone: boolean;
    rateLimitPerMinute: number | null;
    missedSlots?: number;
  }): Promise<boolean> {
    this.answer = undefined;
    const { missedSlots = 0, ...rest } = check;
    try {
      await this.health.signal(holdCheckSignal, {
        deliveryId: this.deliveryId,
        ...rest,
        ...(missedSlots > 0 ? { missedSlots } : {}),
      });
      return true;
    } catch (error) {
      if (isCancellation(error)) throw error;
      return false;
    }
  }

  private async nextAnswer(): Promise<HoldAnswer> {
    for (;;) {
      await condition(() => this.answer !== undefined);
      if (this.answer) return this.answer;
    }
  }
}
