import type { TenantPlan, TenantRecord } from '../../workflows/records';
import type { TenantStore } from '../store/tenant-store';
import { PlanBelowUsage } from '../store/workflow-answers';

export interface TenantChange {
  name?: string | undefined;
  /** Fields left out keep their value. */
  plan?: Partial<TenantPlan> | undefined;
  signal_completed_events?: boolean | undefined;
}

export type TenantChangeOutcome =
  | { outcome: 'changed'; tenant: TenantRecord }
  | { outcome: 'not_found' }
  /** The new plan is below what the tenant already uses; nothing was changed. */
  | {
      outcome: 'plan_below_usage';
      field: 'plan.max_endpoints' | 'plan.rate_limit_per_minute';
      problem: string;
    };

/**
 * Renames a tenant, changes its plan, or turns its `signal.completed` events on or off. A plan
 * never goes below what the tenant already has: its endpoint quota under its number of endpoints
 * (checked by the tenant's workflow, where no endpoint can be added meanwhile), or its rate-limit
 * ceiling under an endpoint's own limit (lower that endpoint first), since either would leave
 * endpoints the plan does not allow.
 */
export async function changeTenant(
  store: TenantStore,
  tenantId: string,
  change: TenantChange,
): Promise<TenantChangeOutcome> {
  const current = await store.get(tenantId);
  if (!current) return { outcome: 'not_found' };
  const plan = change.plan && { ...current.plan, ...change.plan };
  const ceiling = plan?.rate_limit_per_minute ?? null;
  if (ceiling !== null) {
    const above = (await store.listEndpoints(tenantId)).filter(
      (endpoint) => endpoint.rate_limit_per_minute === null || endpoint.rate_limit_per_minute > ceiling,
    );
    if (above.length > 0) {
      return {
        outcome: 'plan_below_usage',
        field: 'plan.rate_limit_per_minute',
        problem: `${above.length} endpoints have a higher rate limit (or none), such as ${above[0]!.id}; lower theirs first`,
      };
    }
  }
  try {
    const tenant = await store.changeTenant(tenantId, {
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(plan ? { plan } : {}),
      ...(change.signal_completed_events !== undefined
        ? { signalCompletedEvents: change.signal_completed_events }
        : {}),
    });
    return tenant ? { outcome: 'changed', tenant } : { outcome: 'not_found' };
  } catch (error) {
    if (!(error instanceof PlanBelowUsage)) throw error;
    return { outcome: 'plan_below_usage', field: 'plan.max_endpoints', problem: error.message };
  }
}
