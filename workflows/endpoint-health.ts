import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { holdAnswerSignal } from './delivery-contract';
import {
  ASK_AGAIN_AFTER_MS,
  MAX_HELD_DELIVERIES,
  configureHealthSignal,
  deliveryOutcomeSignal,
  endpointHealthQuery,
  holdCheckSignal,
  pauseUpdate,
  resumeUpdate,
  retireSignal,
} from './endpoint-health-contract';
import type { HoldAnswer } from './delivery-contract';
import type { EndpointHealthInput, EndpointHealthState } from './endpoint-health-contract';
import type { EndpointEventType, PauseReason } from './records';
import { bookSlot } from './rate-slots';
import { countPause, countResume } from './delivery-metrics';
import { EffectQueue } from './effect-queue';
import { startDeadLetterReplay } from './dead-letter-replay';
import { probeUntilRecovered } from './endpoint-probes';
import type { ProbeActivity } from './endpoint-probes';

/** Histories from before self-healing never probe on replay; see test/unit/replay-previous-version. */
const PROBES_PATCH = 'endpoint-probes';
/** Histories whose probes ran out before the owner was told of it replay without the notice. */
const PROBES_EXHAUSTED_PATCH = 'endpoint-probes-exhausted-notice';

const { publishEndpointHealth } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
// A mail server that is down must not hold up pausing or releasing: notices go on their own, and
// give up after about two hours of retrying.
const { sendEndpointEvent } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 20 },
});

/**
 * The consecutive-failure streak of one endpoint across all its deliveries, and its pause switch.
 * Deliveries report only what changes it (a final failure; a success while the endpoint is failing)
 * and ask before retrying, so a healthy endpoint's deliveries never touch this workflow.
 */
export async function endpointHealthWorkflow(input: EndpointHealthInput): Promise<void> {
  const state: EndpointHealthState = {
    consecutiveFailures: 0,
    paused: null,
    heldDeliveryIds: [],
    retired: false,
    nextSlotAt: 0,
    rateLimitPerMinute: null,
    ...input,
  };
  const effects = new EffectQueue();
  let noticesInFlight = 0;
  let mirrored = JSON.stringify(summary(state));

  const mirrorIfChanged = () => {
    const health = summary(state);
    if (JSON.stringify(health) === mirrored) return;
    mirrored = JSON.stringify(health);
    effects.push(() =>
      publishEndpointHealth({ tenantId: state.tenantId, endpointId: state.endpointId, health }),
    );
  };
  const answer = (deliveryId: string, reply: HoldAnswer) => {
    // A delivery that has ended meanwhile cannot be signalled; nothing waits for it then.
    effects.push(
      () =>
        getExternalWorkflowHandle(deliveryId)
          .signal(holdAnswerSignal, reply)
          .catch(() => undefined),
      true,
    );
  };
  const notify = (type: EndpointEventType, recovered = false) => {
    const event = {
      id: `evt_${uuid4().replace(/-/g, '')}`,
      type,
      occurred_at: new Date().toISOString(),
      tenant_id: state.tenantId,
      endpoint_id: state.endpointId,
      reason: recovered ? ('recovered' as const) : (state.paused?.reason ?? null),
      consecutive_failures: state.consecutiveFailures,
      threshold: state.threshold,
      ...(type === 'endpoint.probes_exhausted' ? { probes: state.probe?.made ?? 0 } : {}),
    };
    noticesInFlight += 1;
    void sendEndpointEvent(event)
      .catch((error: unknown) => log.warn('endpoint event not delivered', { type, error: String(error) }))
      .finally(() => (noticesInFlight -= 1));
  };
  const pause = (reason: PauseReason) => {
    if (state.paused) return;
    state.paused = { reason, at: new Date().toISOString() };
    countPause(reason);
    mirrorIfChanged();
    notify('endpoint.paused');
    startProbing();
  };
  // The rate limit is kept here, the one place every delivery to the endpoint asks, whichever worker
  // runs it: each request books the next free slot (workflows/rate-slots.ts).
  const nextSlot = (missed = 0): string | null => {
    const { rateLimitPerMinute } = state;
    if (rateLimitPerMinute === null) return null;
    return new Date(bookSlot(state, rateLimitPerMinute, Date.now(), missed)).toISOString();
  };
  const release = (endpointDeleted: boolean) => {
    for (const id of state.heldDeliveryIds.splice(0)) {
      answer(id, {
        proceed: true,
        endpointDeleted,
        consecutiveFailures: state.consecutiveFailures,
        notBefore: endpointDeleted ? null : nextSlot(),
      });
    }
  };

  // Self-healing: a pause by the failure streak (never a person's, nor a 410's) is probed until the
  // endpoint answers; then it resumes as a person's resume would, and its outage's dead letters follow.
  const probeActivity: ProbeActivity = { inFlight: false };
  let probing: CancellationScope | undefined;
  const resume = (recovered: boolean) => {
    const pausedAt = state.paused?.at;
    const probe = state.probe;
    probing?.cancel();
    state.paused = null;
    state.probe = null;
    state.consecutiveFailures = 0;
    countResume();
    release(false);
    mirrorIfChanged();
    notify('endpoint.resumed', recovered);
    // Queued after the held deliveries' releases, so those go out first.
    if (recovered && pausedAt && probe) {
      effects.push(() =>
        startDeadLetterReplay(state, pausedAt, probe.deadLettersSince, probe.replaysPerMinute),
      );
    }
  };
  const startProbing = () => {
    if (probing || state.retired || state.paused?.reason !== 'failure_streak') return;
    if (!patched(PROBES_PATCH)) return;
    const scope = new CancellationScope();
    probing = scope;
    scope
      .run(() => probeUntilRecovered(state, probeActivity))
      .then((end) => {
        probing = undefined;
        if (state.paused?.reason !== 'failure_streak') return;
        if (end === 'recovered') resume(true);
        // Self-healing gave up: from now on only a person brings it back, so the owner is told.
        if (end === 'exhausted' && patched(PROBES_EXHAUSTED_PATCH)) notify('endpoint.probes_exhausted');
      })
      .catch((error: unknown) => {
        if (probing === scope) probing = undefined;
        if (!isCancellation(error)) log.warn('endpoint probing stopped', { error: String(error) });
      });
  };

  setHandler(endpointHealthQuery, () => state);
  setHandler(deliveryOutcomeSignal, ({ delivered }) => {
    if (!delivered && state.consecutiveFailures === 0) state.streakStartedAt = new Date().toISOString();
    state.consecutiveFailures = delivered ? 0 : state.consecutiveFailures + 1;
    if (state.threshold !== null && state.consecutiveFailures >= state.threshold) pause('failure_streak');
    mirrorIfChanged();
  });
  setHandler(holdCheckSignal, ({ deliveryId, gone, rateLimitPerMinute: limit, missedSlots }) => {
    state.rateLimitPerMinute = limit ?? null;
    if (gone) pause('gone');
    const reply = { consecutiveFailures: state.consecutiveFailures, notBefore: null };
    if (state.retired) {
      answer(deliveryId, { ...reply, proceed: true, endpointDeleted: true });
      return;
    }
    if (state.paused) {
      const held = { ...reply, proceed: false, endpointDeleted: false };
      if (state.heldDeliveryIds.includes(deliveryId)) {
        answer(deliveryId, held);
      } else if (state.heldDeliveryIds.length < MAX_HELD_DELIVERIES) {
        state.heldDeliveryIds.push(deliveryId);
        answer(deliveryId, held);
      } else {
        answer(deliveryId, { ...held, askAgainAfterMs: ASK_AGAIN_AFTER_MS });
      }
      return;
    }
    answer(deliveryId, { ...reply, proceed: true, endpointDeleted: false, notBefore: nextSlot(missedSlots) });
  });
  setHandler(configureHealthSignal, ({ threshold }) => {
    state.threshold = threshold;
    // Its settings changed: `auto_resume` may have been turned on while the streak held it paused.
    startProbing();
  });
  setHandler(retireSignal, () => {
    state.retired = true;
    probing?.cancel();
    release(true);
  });
  setHandler(pauseUpdate, ({ reason }) => {
    if (reason === 'manual' && state.paused?.reason === 'failure_streak' && patched(PROBES_PATCH)) {
      // A person's pause outranks the streak's: it is no longer probed, and waits for a person.
      probing?.cancel();
      state.paused = { ...state.paused, reason };
      state.probe = null;
      mirrorIfChanged();
    }
    pause(reason);
    return state;
  });
  setHandler(resumeUpdate, () => {
    if (state.paused) resume(false);
    return state;
  });
  // A run that continues as new, paused by its streak, takes the probing up where it stood.
  startProbing();

  for (;;) {
    await condition(() => effects.length > 0 || state.retired || workflowInfo().continueAsNewSuggested);
    await effects.runAll();
    const idle = () => allHandlersFinished() && noticesInFlight === 0 && !probeActivity.inFlight;
    if (state.retired) {
      await condition(idle);
      if (effects.length === 0) return;
    } else if (workflowInfo().continueAsNewSuggested) {
      await condition(idle);
      if (effects.length === 0) await continueAsNew<typeof endpointHealthWorkflow>(state);
    }
  }
}

function summary(state: EndpointHealthState) {
  return { paused: state.paused, failing: state.consecutiveFailures > 0 };
}
