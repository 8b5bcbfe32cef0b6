import type { Command } from 'commander';
import type { CliContext } from '../context';
import { listDeadLetters } from '../../services/delivery-log';
import { table } from '../format';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { deadLetterColumns, withJson } from './common';

interface ListOptions extends JsonOption {
  tenant?: string;
  endpoint?: string;
  since?: string;
  limit: number;
}

export function registerDeadLetters(program: Command, ctx: CliContext): void {
  const deadLetters = program
    .command('dead-letters')
    .description('deliveries that exhausted their attempts and wait for a replay');

  withJson(
    deadLetters
      .command('list')
      .description('list dead letters, across every tenant unless --tenant is given')
      .option('--tenant <id>', 'only this tenant (ten_…)', valid.tenantId)
      .option('--endpoint <id>', 'only this endpoint (ep_…)', valid.endpointId)
      .option('--since <iso>', 'only those dead-lettered at or after this time', valid.since)
      .option('--limit <n>', 'at most this many', valid.limit, 100),
  ).action(async (options: ListOptions) => {
    const selection = { tenantId: options.tenant, endpointId: options.endpoint, since: options.since };
    const found = await listDeadLetters(await ctx.client(), selection, options.limit);
    ctx.print(options.json, { dead_letters: found }, () =>
      found.length === 0 ? 'no dead letters\n' : table(found, deadLetterColumns),
    );
  });
}
