import type { Command } from 'commander';
import { Option } from 'commander';
import { EVENT_TYPES } from '../../events';
import type { EventType } from '../../events';
import { DELIVERY_STATUSES } from '../../../workflows/delivery-contract';
import type { AttemptRecord, DeliveryStatus } from '../../../workflows/delivery-contract';
import type { CliContext } from '../context';
import { getDelivery } from '../../services/delivery-log';
import { listDeliveryPage } from '../../services/delivery-pages';
import { nextPageHint } from '../cursor';
import type { DeliveryDetail } from '../../services/delivery-log';
import { resendDelivery } from '../../services/delivery-resend';
import { CliError, EXIT } from '../errors';
import { keyValues, table, truncate } from '../format';
import * as valid from '../validate';
import { deliveryListQuerySchema } from '../../schemas/deliveries';
import { PAGE_OPTIONS, parseAsApi } from '../schema-options';
import type { JsonOption, PageOptions } from './common';
import { deliveryColumns, startPages, withJson, withPageOptions } from './common';

interface ListOptions extends JsonOption, PageOptions {
  tenant?: string;
  endpoint?: string;
  status?: DeliveryStatus;
  eventType?: EventType;
  signal?: string;
}

const BODY_PREVIEW = 80;

function showDelivery(delivery: DeliveryDetail): string {
  const header = keyValues([
    ['id', delivery.id],
    ['tenant', delivery.tenant_id],
    ['endpoint', delivery.endpoint_id],
    ['signal', delivery.signal_id],
    ['event type', delivery.event_type],
    ['signal type', delivery.signal_type],
    ['kind', delivery.kind],
    ['status', delivery.status],
    ['waiting for', delivery.waiting_for],
    ['rejected', delivery.rejected_reason],
    ['attempts', delivery.attempt_count],
    ['replays', delivery.replays],
    ['resent from', delivery.resent_from],
    ['created', delivery.created_at],
    ['completed', delivery.completed_at],
    ['next attempt', delivery.next_attempt_at],
    ['dead-lettered', delivery.dead_lettered_at],
    ['expires', delivery.expires_at],
  ]);
  if (delivery.attempts.length === 0) return `${header}\nno attempts yet\n`;
  const attempts = table<AttemptRecord>(delivery.attempts, [
    { header: '#', value: (a) => a.attempt, right: true },
    { header: 'STARTED', value: (a) => a.started_at },
    { header: 'HTTP', value: (a) => a.http_status, right: true },
    { header: 'LATENCY', value: (a) => `${a.latency_ms} ms`, right: true },
    { header: 'ERROR', value: (a) => a.error_kind },
    { header: 'BODY', value: (a) => truncate(a.response_body, BODY_PREVIEW) },
  ]);
  return `${header}\n${attempts}`;
}

export function registerDeliveries(program: Command, ctx: CliContext): void {
  const deliveries = program.command('deliveries').description('the delivery log, across every tenant');

  withJson(
    withPageOptions(
      deliveries
        .command('list')
        .description('list deliveries from Temporal visibility, newest first')
        .option('--tenant <id>', 'only this tenant (ten_…)', valid.tenantId)
        .option('--endpoint <id>', 'only this endpoint (ep_…)', valid.endpointId)
        .addOption(new Option('--status <status>', 'only this status').choices(DELIVERY_STATUSES))
        .addOption(new Option('--event-type <type>', 'only this event type').choices(EVENT_TYPES))
        .option('--signal <id>', 'only this signal id', valid.signalId),
      'deliveries started',
      10_000,
    ),
  ).action(async (options: ListOptions) => {
    // The API's own rules for the range (until after since); the CLI's --limit goes higher.
    parseAsApi(deliveryListQuerySchema, { since: options.since, until: options.until }, PAGE_OPTIONS);
    const filter = {
      tenantId: options.tenant,
      endpointId: options.endpoint,
      status: options.status,
      eventType: options.eventType,
      signalId: options.signal,
      startedSince: options.since,
      startedUntil: options.until,
    };
    const pages = startPages(['deliveries', filter]);
    const page = await listDeliveryPage(
      await ctx.client(),
      filter,
      options.limit,
      pages.after(options.cursor),
    );
    const next = pages.next(page);
    ctx.print(options.json, { deliveries: page.deliveries, next_cursor: next }, () =>
      page.deliveries.length === 0
        ? 'no deliveries\n'
        : table(page.deliveries, deliveryColumns) + nextPageHint(next),
    );
  });

  withJson(
    deliveries
      .command('show')
      .description('one delivery with every attempt')
      .argument('<deliveryId>', 'delivery id (dlv_ep_…_…)', valid.deliveryId),
  ).action(async (deliveryId: string, options: JsonOption) => {
    const delivery = await getDelivery(await ctx.client(), deliveryId);
    if (!delivery) throw new CliError('delivery not found', EXIT.notFound);
    ctx.print(options.json, delivery, () => showDelivery(delivery));
  });

  withJson(
    deliveries
      .command('resend')
      .description(
        'send a delivery again, whatever its status, as a new delivery that names the original in resent_from',
      )
      .argument('<deliveryId>', 'delivery id (dlv_ep_…_…)', valid.deliveryId),
  ).action(async (deliveryId: string, options: JsonOption) => {
    const result = await resendDelivery(await ctx.deliveryServices(), deliveryId);
    if (result.outcome === 'not_found') throw new CliError('delivery not found', EXIT.notFound);
    if (result.outcome === 'endpoint_deleted') {
      throw new CliError("the delivery's endpoint has been deleted: nowhere to send it", EXIT.conflict);
    }
    const resent = result.delivery;
    ctx.print(options.json, resent, () =>
      keyValues([
        ['delivery', resent.delivery_id],
        ['resent from', resent.resent_from],
        ['endpoint', resent.endpoint_id],
        ['signal', resent.signal_id],
        ['rejected', resent.rejected],
      ]),
    );
  });
}
