import type { Command } from 'commander';
import { creationPosition } from '../../services/creation-pages';
import type { TenantView } from '../../services/tenant-admin';
import { createTenant, rotateTenantApiKey, tenantView } from '../../services/tenant-admin';
import { changeTenant } from '../../services/tenant-change';
import { deleteTenant } from '../../services/tenant-deletion';
import { listTenantPage } from '../../services/tenant-listing';
import { tenantCreateSchema, tenantListQuerySchema, tenantPatchSchema } from '../../schemas/tenant';
import type { CliContext } from '../context';
import { decodeCursor, encodeCursor, nextPageHint } from '../cursor';
import { CliError, EXIT } from '../errors';
import type { Cell } from '../format';
import { keyValues, table } from '../format';
import { PAGE_OPTIONS, parseAsApi } from '../schema-options';
import * as valid from '../validate';
import type { JsonOption, PageOptions } from './common';
import { withJson, withPageOptions } from './common';

/** The tenant commands of `signal-push tenants`: the operator's tenant routes of the API, from a terminal. */

const PLAN_OPTIONS = {
  name: '--name',
  owner_email: '--owner-email',
  'plan.max_endpoints': '--max-endpoints',
  'plan.rate_limit_per_minute': '--rate-limit-per-minute',
  signal_completed_events: '--signal-completed-events',
};

interface PlanOptions {
  name?: string;
  ownerEmail?: string;
  maxEndpoints?: number | 'none';
  rateLimitPerMinute?: number | 'none';
  /** Undefined unless --signal-completed-events or --no-signal-completed-events was given. */
  signalCompletedEvents?: boolean;
}

/** Commander cannot hold a null option value: `none` stands for it until here. */
const limitOf = (value: number | 'none'): number | null => (value === 'none' ? null : value);

/** The plan fields given, as the API's body has them; none given: undefined. */
function planOf(options: PlanOptions) {
  const plan = {
    ...(options.maxEndpoints !== undefined ? { max_endpoints: limitOf(options.maxEndpoints) } : {}),
    ...(options.rateLimitPerMinute !== undefined
      ? { rate_limit_per_minute: limitOf(options.rateLimitPerMinute) }
      : {}),
  };
  return Object.keys(plan).length > 0 ? plan : undefined;
}

const withPlanOptions = (command: Command): Command =>
  command
    .option('--max-endpoints <n>', 'plan: at most this many endpoints (none: 1,000)', valid.planLimit)
    .option(
      '--rate-limit-per-minute <n>',
      "plan: default and ceiling of each endpoint's rate limit (none: no limit)",
      valid.planLimit,
    )
    .option(
      '--signal-completed-events',
      'tell the operator (ops webhook) when every delivery of a signal has ended',
    )
    .option('--no-signal-completed-events', 'stop those events');

const tenantLines = (tenant: TenantView): Array<[string, Cell]> => [
  ['id', tenant.id],
  ['name', tenant.name],
  ['owner e-mail', tenant.owner_email],
  ['max endpoints', tenant.plan.max_endpoints ?? 'none'],
  ['rate limit per minute', tenant.plan.rate_limit_per_minute ?? 'none'],
  ['signal.completed events', tenant.signal_completed_events ? 'on' : 'off'],
  ['created', tenant.created_at],
];

const showTenant = (tenant: TenantView): string => keyValues(tenantLines(tenant));

export function registerTenantAdmin(tenants: Command, ctx: CliContext): void {
  withJson(
    withPlanOptions(
      tenants
        .command('create')
        .description('create a tenant; its API key and callback secret are shown once')
        .requiredOption('--name <name>', "the tenant's name")
        .option('--owner-email <email>', 'where pause notices go'),
    ),
  ).action(async (options: JsonOption & PlanOptions) => {
    const input = parseAsApi(
      tenantCreateSchema,
      {
        name: options.name,
        owner_email: options.ownerEmail,
        plan: planOf(options),
        signal_completed_events: options.signalCompletedEvents,
      },
      PLAN_OPTIONS,
    );
    const created = await createTenant(await ctx.tenantStore(), input);
    ctx.print(
      options.json,
      created,
      () =>
        keyValues([
          ...tenantLines(created),
          ['api key', created.api_key],
          ['callback secret', created.callback_secret],
        ]) + 'the key and the callback secret are not shown again\n',
    );
  });

  withJson(
    withPageOptions(
      tenants.command('list').description('list tenants, oldest first, a page at a time'),
      'tenants created',
      1000,
    ),
  ).action(async (options: JsonOption & PageOptions) => {
    const { since, until, limit } = parseAsApi(
      tenantListQuerySchema,
      { since: options.since, until: options.until, limit: options.limit },
      PAGE_OPTIONS,
    );
    const scope = ['tenants', since ?? null, until ?? null];
    const after = options.cursor && decodeCursor(scope, options.cursor, creationPosition);
    const page = await listTenantPage(await ctx.client(), await ctx.tenantStore(), limit, {
      after: after || undefined,
      since,
      until,
    });
    const next = page.next && encodeCursor(scope, page.next);
    const views = page.items.map(tenantView);
    for (const id of page.unavailable) {
      ctx.io.stderr.write(`signal-push: tenant ${id} cannot answer (signal-push tenants repair ${id})\n`);
    }
    ctx.print(
      options.json,
      { tenants: views, tenants_unavailable: page.unavailable, next_cursor: next },
      () =>
        views.length === 0
          ? 'no tenants\n'
          : table(views, [
              { header: 'ID', value: (t) => t.id },
              { header: 'NAME', value: (t) => t.name },
              { header: 'MAX ENDPOINTS', value: (t) => t.plan.max_endpoints ?? 'none', right: true },
              { header: 'RATE/MIN', value: (t) => t.plan.rate_limit_per_minute ?? 'none', right: true },
              { header: 'CREATED', value: (t) => t.created_at },
            ]) + nextPageHint(next),
    );
  });

  withJson(
    tenants
      .command('show')
      .description('read a tenant')
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId),
  ).action(async (tenantId: string, options: JsonOption) => {
    const tenant = await (await ctx.tenantStore()).get(tenantId);
    if (!tenant) throw new CliError('tenant not found', EXIT.notFound);
    const view = tenantView(tenant);
    ctx.print(options.json, view, () => showTenant(view));
  });

  withJson(
    withPlanOptions(
      tenants
        .command('update')
        .description(
          'rename a tenant, change its plan or its signal.completed events; a plan field left out keeps its value',
        )
        .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId)
        .option('--name <name>', 'a new name'),
    ),
  ).action(async (tenantId: string, options: JsonOption & PlanOptions) => {
    const change = parseAsApi(
      tenantPatchSchema,
      {
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(planOf(options) ? { plan: planOf(options) } : {}),
        ...(options.signalCompletedEvents !== undefined
          ? { signal_completed_events: options.signalCompletedEvents }
          : {}),
      },
      {
        ...PLAN_OPTIONS,
        '': 'give --name, --max-endpoints, --rate-limit-per-minute or --[no-]signal-completed-events',
      },
    );
    const result = await changeTenant(await ctx.tenantStore(), tenantId, change);
    if (result.outcome === 'not_found') throw new CliError('tenant not found', EXIT.notFound);
    if (result.outcome === 'plan_below_usage') {
      throw new CliError(`${PLAN_OPTIONS[result.field]}: ${result.problem}`, EXIT.conflict);
    }
    const view = tenantView(result.tenant);
    ctx.print(options.json, view, () => showTenant(view));
  });

  withJson(
    tenants
      .command('delete')
      .description('delete a tenant and everything of it that runs')
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId)
      .option('--force', "end the tenant's deliveries that have not ended instead of refusing"),
  ).action(async (tenantId: string, options: JsonOption & { force?: boolean }) => {
    const result = await deleteTenant(await ctx.client(), await ctx.tenantStore(), tenantId, {
      force: options.force === true,
    });
    if (result.outcome === 'not_found') throw new CliError('tenant not found', EXIT.notFound);
    if (result.outcome === 'deliveries_in_flight') {
      throw new CliError(
        `${result.running} deliveries of this tenant have not ended; wait for them, or give --force to end them`,
        EXIT.conflict,
      );
    }
    const deleted = {
      tenant_id: result.tenant_id,
      deleted_workflows: result.deleted_workflows,
      cancelled_deliveries: result.cancelled_deliveries,
    };
    ctx.print(options.json, deleted, () =>
      keyValues([
        ['deleted', deleted.tenant_id],
        ['workflows deleted', deleted.deleted_workflows],
        ['deliveries ended', deleted.cancelled_deliveries],
      ]),
    );
  });

  withJson(
    tenants
      .command('rotate-key')
      .description(
        'issue a new tenant key; the old one stops working within a second (what API processes cache a tenant for)',
      )
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId),
  ).action(async (tenantId: string, options: JsonOption) => {
    const rotated = await rotateTenantApiKey(await ctx.tenantStore(), tenantId);
    if (!rotated) throw new CliError('tenant not found', EXIT.notFound);
    ctx.print(options.json, rotated, () =>
      keyValues([
        ['tenant', rotated.id],
        ['api key', rotated.api_key],
        ['rotated', rotated.rotated_at],
      ]),
    );
  });
}
