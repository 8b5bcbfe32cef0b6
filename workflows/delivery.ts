import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DeliveryInput, DeliveryPlan, DeliveryResult } from './delivery-contract';
import { makeAttempt } from './delivery-attempt';
import { DeliveryProgress } from './delivery-progress';
import { asksEndpointFirst, decideNext, roundFailed, startOfRound } from './delivery-policy';
import type { AttemptOutcome, DeliveryPolicy } from './delivery-policy';
import { EndpointGate } from './endpoint-gate';
import { KeyTurnWait } from './key-turn';

const { loadDeliveryPlan } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
});

/**
 * Delivers one signal to one endpoint: one attempt at a time, with durable timers between them, so
 * a worker crash neither loses the delivery nor restarts its schedule. What follows each attempt is
 * the policy's decision (workflows/delivery-policy.ts); this function carries it out. When a round
 * fails the delivery ends as failed, or, with the dead-letter queue on, waits for a replay until its
 * retention runs out; a replay starts a new round under the endpoint's current settings.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const progress = new DeliveryProgress(input.deliveryId, input.tracker);
  if (input.rejection) return await progress.reject(input.rejection);
  // Send-tests and one-off callbacks stand apart from the endpoint's health: nothing holds them and
  // their outcomes do not count towards a pause. Inputs recorded before kinds existed are events.
  const tracked = (input.kind ?? 'event') === 'event';
  const gate = new EndpointGate(input.deliveryId, input.plan.endpoint.id, input.endpointTroubled, progress);
  // An ordered delivery holds its key from its turn until its round ends, whatever the outcome.
  const turn = new KeyTurnWait(input.deliveryId, input.ordering, progress);
  await turn.wait();

  let plan = input.plan;
  let position = startOfRound(input.endpointTroubled);
  for (;;) {
    const policy = policyOf(plan, tracked);
    const { rateLimitPerMinute } = policy;
    const answer = asksEndpointFirst(position, policy)
      ? await gate.ask({ gone: false, rateLimitPerMinute, missedSlots: position.missedSlots })
      : ({ kind: 'go', slotAt: null } as const);
    let outcome: AttemptOutcome = { kind: 'endpoint_deleted' };
    if (answer.kind === 'go') {
      if (progress.status === 'held') progress.setStatus('retrying');
      const attempt = progress.state.attempts.length + 1;
      const result = await makeAttempt(input, plan.endpoint, attempt, answer.slotAt);
      if (result.record) progress.recordAttempt(result.record);
      outcome = result.outcome;
    }

    let step = decideNext(position, outcome, policy);
    if (step.kind === 'hold_gone') {
      // Pause the endpoint at once and hold this delivery until someone resumes it.
      if ((await gate.ask({ gone: true, rateLimitPerMinute })).kind === 'go') {
        progress.setStatus('retrying');
        position = step.position;
        continue;
      }
      step = roundFailed(policy); // the endpoint was deleted while the delivery was held
    }
    if (step.kind === 'delivered') {
      await turn.release();
      if (tracked) await gate.report(true);
      return await progress.delivered();
    }
    if (step.kind === 'attempt' || step.kind === 'retry') {
      if (step.kind === 'retry') await progress.waitToRetry(step.delayMs);
      position = step.position;
      continue;
    }

    // The round failed: the delivery fails, or waits as a dead letter for a replay. Either way it
    // lets its key's next delivery go; a replay later goes out of turn.
    await turn.release();
    if (tracked) await gate.report(false);
    if (step.kind === 'fail') throw await progress.failed();
    if (!(await progress.deadLetter(step.retentionMs))) return progress.state;
    if (tracked) {
      const current = await loadDeliveryPlan({ tenantId: input.tenantId, endpointId: plan.endpoint.id });
      if (!current) throw await progress.failed(); // the endpoint was deleted
      plan = current;
    }
    position = startOfRound(true);
  }
}

function policyOf(plan: DeliveryPlan, tracked: boolean): DeliveryPolicy {
  return {
    retryDelaysMs: plan.retryDelaysMs,
    deadLetterRetentionMs: plan.deadLetterQueue ? plan.deadLetterRetentionMs : null,
    tracked,
    rateLimitPerMinute: plan.rateLimitPerMinute ?? null,
  };
}
