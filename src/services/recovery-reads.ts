import type { Client } from '@temporalio/client';
import type { RecoveryDeps } from '../../activities';
import type { RecoveryPlan } from '../../workflows/endpoint-recovery-contract';
import type { PlanSettings } from '../deliveries/delivery-plan';
import { deliveryPlan } from '../deliveries/delivery-plan';
import type { TenantStore } from '../store/tenant-store';
import { listDeadLetters } from './delivery-log';

/**
 * What self-healing reads, for the worker's activities: an endpoint's current settings and switch
 * (from the tenant store), and its dead letters of an outage (from visibility, like a bulk replay).
 */
export function recoveryReads(
  client: Client,
  store: TenantStore,
  settings: PlanSettings,
  plan: RecoveryPlan,
): RecoveryDeps {
  return {
    plan,
    async probeTarget(tenantId, endpointId) {
      const endpoint = await store.getEndpoint(tenantId, endpointId);
      return endpoint ? { plan: deliveryPlan(endpoint, settings), autoResume: endpoint.auto_resume } : null;
    },
    async deadLetterIds(tenantId, endpointId, since, limit) {
      // Visibility lists newest first; a recovery replays the oldest first.
      const found = await listDeadLetters(client, { tenantId, endpointId, since }, limit);
      return found
        .sort((a, b) => (a.dead_lettered_at ?? '').localeCompare(b.dead_lettered_at ?? ''))
        .map((delivery) => delivery.id);
    },
  };
}
