import { randomBytes } from 'node:crypto';
import type { DeliveryInput, DeliveryPlan } from '../../workflows/delivery-contract';

/**
 * A delivery of a fresh signal to `plan`'s endpoint, as intake starts one: the fields every workflow
 * test sets alike. `extra` sets the rest (a troubled endpoint, an ordering key).
 */
export function deliveryInput(plan: DeliveryPlan, extra: Partial<DeliveryInput> = {}): DeliveryInput {
  const signalId = `sig_${randomBytes(6).toString('hex')}`;
  return {
    deliveryId: `dlv_${plan.endpoint.id}_${signalId}`,
    tenantId: 'ten_0123456789abcdef',
    signalId,
    kind: 'event',
    payload: { signal_id: signalId },
    rejection: null,
    endpointTroubled: false,
    plan,
    ...extra,
  };
}
