import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  getExternalWorkflowHandle,
  proxyActivities,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { replaySignal } from './delivery-contract';
import type { DeadLetterReplayInput } from './endpoint-recovery-contract';
import { MAX_RECOVERY_REPLAYS, deadLetterReplayWorkflowId } from './endpoint-recovery-contract';
import type { EndpointHealthState } from './endpoint-health-contract';
import { searchAttributes } from './search-attribute-keys';

const { recoveryDeadLetters } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/**
 * After an endpoint recovered: replays its dead letters of the outage, oldest first, at most
 * `replaysPerMinute`, so a receiver just back on its feet is not knocked over by the backlog. Its
 * own workflow (started by the endpoint's health workflow, left running when that continues as new)
 * keeps the replays' signals and timers out of the long-lived health history.
 */
export async function deadLetterReplayWorkflow(input: DeadLetterReplayInput): Promise<{ replayed: number }> {
  const ids = await recoveryDeadLetters({ ...input, limit: MAX_RECOVERY_REPLAYS });
  const gapMs = Math.ceil(60_000 / input.replaysPerMinute);
  for (const [index, id] of ids.entries()) {
    if (index > 0) await sleep(gapMs);
    // One replayed or expired meanwhile ignores the signal, or has ended and cannot take it.
    await getExternalWorkflowHandle(id)
      .signal(replaySignal)
      .catch(() => undefined);
  }
  return { replayed: ids.length };
}

/**
 * Starts the replay of a recovered endpoint's outage, from its health workflow: one per pause (its
 * id names the pause), left running when the health workflow continues as new or ends.
 */
export async function startDeadLetterReplay(
  state: Pick<EndpointHealthState, 'tenantId' | 'endpointId'>,
  pausedAt: string,
  since: string,
  replaysPerMinute: number,
): Promise<void> {
  await startChild(deadLetterReplayWorkflow, {
    workflowId: deadLetterReplayWorkflowId(state.endpointId, pausedAt),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: searchAttributes.tenantId, value: state.tenantId },
      { key: searchAttributes.endpointId, value: state.endpointId },
    ],
    args: [{ tenantId: state.tenantId, endpointId: state.endpointId, since, replaysPerMinute }],
  }).catch(() => undefined); // already started for this pause (a retried task): nothing to add
}
