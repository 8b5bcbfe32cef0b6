import type { Command } from 'commander';
import type { EndpointHealthState } from '../../../workflows/endpoint-health-contract';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues } from '../format';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { withJson } from './common';

interface HealthOptions extends JsonOption {
  tenant: string;
}

function healthView(state: EndpointHealthState) {
  return {
    endpoint_id: state.endpointId,
    tenant_id: state.tenantId,
    paused: state.paused,
    consecutive_failures: state.consecutiveFailures,
    held_deliveries: state.heldDeliveryIds.length,
  };
}

function showHealth(view: ReturnType<typeof healthView>): string {
  return keyValues([
    ['endpoint', view.endpoint_id],
    ['tenant', view.tenant_id],
    ['state', view.paused ? `paused (${view.paused.reason} since ${view.paused.at})` : 'active'],
    ['consecutive failures', view.consecutive_failures],
    ['held deliveries', view.held_deliveries],
  ]);
}

/** `pause` and `resume` share everything but the update they send to the endpoint's health workflow. */
function registerOne(program: Command, ctx: CliContext, action: 'pause' | 'resume'): void {
  const description =
    action === 'pause'
      ? 'pause an endpoint: its deliveries are held until it is resumed'
      : 'resume a paused endpoint: held deliveries go out and the failure streak restarts at 0';
  withJson(
    program
      .command(action)
      .description(description)
      .argument('<endpointId>', 'endpoint id (ep_…)', valid.endpointId)
      .requiredOption('--tenant <id>', 'the tenant that owns the endpoint (ten_…)', valid.tenantId),
  ).action(async (endpointId: string, options: HealthOptions) => {
    const store = await ctx.tenantStore();
    if (!(await store.getEndpoint(options.tenant, endpointId))) {
      throw new CliError('endpoint not found', EXIT.notFound);
    }
    const health = await ctx.endpointHealth();
    const state =
      action === 'pause' ? await health.pause(endpointId, 'manual') : await health.resume(endpointId);
    // As the API does: intake reads the tenant's mirror of the endpoint's health, so a signal sent
    // right after this command already finds the endpoint paused (or resumed).
    await store.setEndpointHealth(options.tenant, endpointId, {
      paused: state.paused,
      failing: state.consecutiveFailures > 0,
    });
    const view = healthView(state);
    ctx.print(options.json, view, () => showHealth(view));
  });
}

export function registerPauseResume(program: Command, ctx: CliContext): void {
  registerOne(program, ctx, 'pause');
  registerOne(program, ctx, 'resume');
}
