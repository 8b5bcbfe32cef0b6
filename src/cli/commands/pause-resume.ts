import type { Command } from 'commander';
import { setEndpointPaused } from '../../services/endpoint-pause';
import type { EndpointHealthView } from '../../services/endpoint-pause';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues } from '../format';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { withJson } from './common';

interface HealthOptions extends JsonOption {
  tenant: string;
}

function showHealth(view: EndpointHealthView): string {
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
    const deps = { store: await ctx.tenantStore(), health: await ctx.endpointHealth() };
    const view = await setEndpointPaused(deps, options.tenant, endpointId, action === 'pause');
    if (!view) throw new CliError('endpoint not found', EXIT.notFound);
    ctx.print(options.json, view, () => showHealth(view));
  });
}

export function registerPauseResume(program: Command, ctx: CliContext): void {
  registerOne(program, ctx, 'pause');
  registerOne(program, ctx, 'resume');
}
