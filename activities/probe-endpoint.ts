import type { DeliveryPlan } from '../workflows/delivery-contract';
import type { ProbeInput, ProbeOutcome } from '../workflows/endpoint-recovery-contract';
import { PROBE_EVENT_TYPE } from '../workflows/endpoint-recovery-contract';
import type { AttemptDeps } from './attempt-delivery';
import { attemptDelivery } from './attempt-delivery';

/** What a probe needs of its endpoint: its current settings, and whether it self-heals. */
export interface ProbeDeps extends AttemptDeps {
  /** `null`: the endpoint has been deleted. */
  probeTarget(
    tenantId: string,
    endpointId: string,
  ): Promise<{ plan: DeliveryPlan; autoResume: boolean } | null>;
}

/**
 * One probe of a paused endpoint: a small event of its own type, signed and sent exactly as a
 * delivery would be (URL, method, headers, signature, timeout as the endpoint has them now), and
 * marked by its type and the probe header, so a receiver can answer it without acting on it. Any
 * 2xx means the endpoint is back.
 */
export async function probeEndpoint(deps: ProbeDeps, input: ProbeInput): Promise<ProbeOutcome> {
  const target = await deps.probeTarget(input.tenantId, input.endpointId);
  if (!target?.autoResume) return 'off';
  const id = `probe_${input.endpointId}_${Date.now()}`;
  const record = await attemptDelivery(deps, {
    deliveryId: id,
    attempt: input.probe,
    endpoint: target.plan.endpoint,
    payload: {
      id,
      type: PROBE_EVENT_TYPE,
      occurred_at: new Date().toISOString(),
      endpoint_id: input.endpointId,
      probe: input.probe,
      message: 'signal-push is checking whether this paused endpoint is back; answer 2xx to resume it',
    },
    probe: true,
  });
  return record.error_kind === null ? 'recovered' : 'failed';
}
