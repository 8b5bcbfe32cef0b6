import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { repairTenant } from '../../store/repair-tenant';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues } from '../format';
import * as valid from '../validate';
import { registerPortalLinks } from './portal';
import type { JsonOption } from './common';
import { withJson } from './common';
import { registerTenantAdmin } from './tenant-admin';

export function registerTenants(program: Command, ctx: CliContext): void {
  const tenants = program
    .command('tenants')
    .description('tenants: create, list, read, change, delete, portal links, repair');
  registerTenantAdmin(tenants, ctx);
  registerPortalLinks(tenants, ctx);

  withJson(
    tenants
      .command('repair')
      .description(
        "bring back a tenant whose workflow keeps failing: restart it from its last good record and every endpoint it still has (the broken run's history is kept)",
      )
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId)
      .option('--force', 'rebuild the tenant even if it looks healthy'),
  ).action(async (tenantId: string, options: JsonOption & { force?: boolean }) => {
    const client = await ctx.client();
    const store = await ctx.tenantStore();
    let outcome;
    try {
      outcome = await repairTenant(client, store, tenantId, { force: options.force === true });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new CliError('tenant not found', EXIT.notFound);
      throw error;
    }
    ctx.print(options.json, outcome, () =>
      outcome.repaired
        ? keyValues([
            ['tenant', outcome.tenant_id],
            ['problem', outcome.problem ?? 'none (rebuilt on request)'],
            ['tenant record from', outcome.tenant_from === 'query' ? 'the workflow' : "its run's history"],
            ['endpoints', outcome.endpoints],
            ['state', 'repaired'],
          ])
        : `tenant ${outcome.tenant_id} is healthy; nothing to repair (--force rebuilds it anyway)\n`,
    );
  });
}
