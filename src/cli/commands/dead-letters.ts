import type { Command } from 'commander';
import type { CliContext } from '../context';
import { listDeadLetterPage } from '../../services/delivery-pages';
import { nextPageHint } from '../cursor';
import { table } from '../format';
import * as valid from '../validate';
import { deadLetterListQuerySchema } from '../../schemas/deliveries';
import { PAGE_OPTIONS, parseAsApi } from '../schema-options';
import type { JsonOption, PageOptions } from './common';
import { deadLetterColumns, startPages, withJson, withPageOptions } from './common';

interface ListOptions extends JsonOption, PageOptions {
  tenant?: string;
  endpoint?: string;
}

export function registerDeadLetters(program: Command, ctx: CliContext): void {
  const deadLetters = program
    .command('dead-letters')
    .description('deliveries that exhausted their attempts and wait for a replay');

  withJson(
    withPageOptions(
      deadLetters
        .command('list')
        .description('list dead letters, across every tenant unless --tenant is given')
        .option('--tenant <id>', 'only this tenant (ten_…)', valid.tenantId)
        .option('--endpoint <id>', 'only this endpoint (ep_…)', valid.endpointId),
      'those dead-lettered',
      10_000,
    ),
  ).action(async (options: ListOptions) => {
    // The API's own rules for the range (until after since); the CLI's --limit goes higher.
    parseAsApi(deadLetterListQuerySchema, { since: options.since, until: options.until }, PAGE_OPTIONS);
    const selection = {
      tenantId: options.tenant,
      endpointId: options.endpoint,
      since: options.since,
      until: options.until,
    };
    const pages = startPages(['dead-letters', selection]);
    const page = await listDeadLetterPage(
      await ctx.client(),
      selection,
      options.limit,
      pages.after(options.cursor),
    );
    const next = pages.next(page);
    ctx.print(options.json, { dead_letters: page.deliveries, next_cursor: next }, () =>
      page.deliveries.length === 0
        ? 'no dead letters\n'
        : table(page.deliveries, deadLetterColumns) + nextPageHint(next),
    );
  });
}
