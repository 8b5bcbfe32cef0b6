import type { Command } from 'commander';
import { Option } from 'commander';
import type { EndpointRecord } from '../../../workflows/records';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues, table, truncate } from '../format';
import { EVENT_TYPES } from '../../events';
import type { EventType } from '../../events';
import { EventTypeNotSubscribed, sendEndpointTest } from '../../services/endpoint-test';
import * as valid from '../validate';
import { creationPage, creationPosition } from '../../services/creation-pages';
import { endpointListQuerySchema } from '../../schemas/endpoint';
import { decodeCursor, encodeCursor, nextPageHint } from '../cursor';
import { PAGE_OPTIONS, parseAsApi } from '../schema-options';
import type { JsonOption, PageOptions } from './common';
import { withJson, withPageOptions } from './common';

/** What an operator sees of an endpoint: an allow-list, so the secret can never slip in. */
function endpointView(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    tenant_id: endpoint.tenant_id,
    label: endpoint.label,
    url: endpoint.url,
    enabled: endpoint.enabled,
    paused: endpoint.health.paused,
    failing: endpoint.health.failing,
    dead_letter_queue: endpoint.dead_letter_queue,
    trace_context: endpoint.trace_context,
    auto_resume: endpoint.auto_resume,
    hot_when: endpoint.hot_when,
    ordering_key: endpoint.ordering_key,
    pause_threshold: endpoint.pause_threshold,
    retry_policy: endpoint.retry_policy,
    timeout_seconds: endpoint.timeout_seconds,
    filters: endpoint.filters,
    created_at: endpoint.created_at,
    updated_at: endpoint.updated_at,
  };
}

type EndpointView = ReturnType<typeof endpointView>;

interface ListOptions extends JsonOption, PageOptions {
  tenant: string;
}

export function registerEndpoints(program: Command, ctx: CliContext): void {
  const endpoints = program.command('endpoints').description("a tenant's webhook endpoints");

  withJson(
    withPageOptions(
      endpoints
        .command('list')
        .description("list a tenant's endpoints (never their secrets), oldest first, a page at a time")
        .requiredOption('--tenant <id>', 'tenant id (ten_…)', valid.tenantId),
      'endpoints created',
      1000,
    ),
  ).action(async (options: ListOptions) => {
    const { since, until, limit } = parseAsApi(
      endpointListQuerySchema,
      { since: options.since, until: options.until, limit: options.limit },
      PAGE_OPTIONS,
    );
    const store = await ctx.tenantStore();
    if (!(await store.get(options.tenant))) throw new CliError('tenant not found', EXIT.notFound);
    const scope = ['endpoints', options.tenant, since ?? null, until ?? null];
    const after =
      options.cursor === undefined ? undefined : decodeCursor(scope, options.cursor, creationPosition);
    const page = creationPage(await store.listEndpoints(options.tenant), limit, { after, since, until });
    const views = page.items.map(endpointView);
    const next = page.next && encodeCursor(scope, page.next);
    ctx.print(options.json, { tenant_id: options.tenant, endpoints: views, next_cursor: next }, () =>
      views.length === 0
        ? 'no endpoints\n'
        : table<EndpointView>(views, [
            { header: 'ID', value: (e) => e.id },
            { header: 'LABEL', value: (e) => e.label },
            { header: 'URL', value: (e) => e.url },
            { header: 'ENABLED', value: (e) => e.enabled },
            { header: 'PAUSED', value: (e) => e.paused?.reason },
            { header: 'DEAD LETTER QUEUE', value: (e) => e.dead_letter_queue },
          ]) + nextPageHint(next),
    );
  });

  withJson(
    endpoints
      .command('test')
      .description('send the endpoint a sample event, signed as a real one, and show what it answered')
      .argument('<endpointId>', 'endpoint id (ep_…)', valid.endpointId)
      .requiredOption('--tenant <id>', 'the tenant that owns the endpoint (ten_…)', valid.tenantId)
      .addOption(new Option('--event-type <type>', "one of the endpoint's event types").choices(EVENT_TYPES)),
  ).action(async (endpointId: string, options: JsonOption & { tenant: string; eventType?: EventType }) => {
    const result = await sendEndpointTest(
      await ctx.deliveryServices(),
      options.tenant,
      endpointId,
      options.eventType,
    ).catch((error: unknown) => {
      if (error instanceof EventTypeNotSubscribed)
        throw new CliError(`--event-type ${error.message}`, EXIT.usage);
      throw error;
    });
    if (!result) throw new CliError('endpoint not found', EXIT.notFound);
    // A receiver that refused the test is an answer, not an error of the command: exit 1 says so.
    if (!result.delivered) ctx.exitCode = EXIT.unexpected;
    ctx.print(options.json, result, () =>
      keyValues([
        ['delivery', result.delivery_id],
        ['event type', result.event_type],
        ['delivered', result.delivered],
        ['http status', result.http_status],
        ['latency ms', result.latency_ms],
        ['error kind', result.error_kind],
        ['rejected', result.rejected],
        ['response', truncate(result.response_body, 200)],
      ]),
    );
  });
}
