import type { Command } from 'commander';
import { deadLetterQuery, listDeadLetters } from '../../services/delivery-log';
import { replayDeadLetters, replayDelivery } from '../../services/delivery-replay';
import type { CliContext } from '../context';
import { CliError, EXIT, describeFailure, oneLine } from '../errors';
import { table } from '../format';
import type { Progress } from '../progress';
import { progressBar } from '../progress';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { deadLetterColumns, withJson } from './common';

interface ReplayOptions extends JsonOption {
  endpoint?: string;
  since?: string;
  query?: string;
  dryRun?: boolean;
  concurrency: number;
  limit: number;
}

async function replaySingle(ctx: CliContext, deliveryId: string, options: ReplayOptions): Promise<void> {
  if (options.dryRun) throw new CliError('--dry-run goes with --endpoint or --query', EXIT.usage);
  const outcome = await replayDelivery(await ctx.client(), deliveryId);
  if (outcome === 'not_found') throw new CliError('delivery not found', EXIT.notFound);
  if (outcome === 'not_dead_lettered') {
    throw new CliError(
      `${deliveryId} is not dead-lettered; only dead letters can be replayed`,
      EXIT.conflict,
    );
  }
  ctx.print(options.json, { delivery_id: deliveryId, replayed: true }, () => `replayed ${deliveryId}\n`);
}

async function replayBulk(ctx: CliContext, options: ReplayOptions): Promise<void> {
  const selection = options.endpoint
    ? { endpointId: options.endpoint, since: options.since }
    : { query: options.query };
  const query = deadLetterQuery(selection);
  const client = await ctx.client();
  if (options.dryRun) {
    const deadLetters = await listDeadLetters(client, selection, options.limit);
    const limitReached = deadLetters.length >= options.limit;
    ctx.print(
      options.json,
      { dry_run: true, query, would_replay: deadLetters, limit_reached: limitReached },
      () =>
        deadLetters.length === 0
          ? 'no dead letters match\n'
          : `${table(deadLetters, deadLetterColumns)}would replay ${deadLetters.length}\n`,
    );
    return;
  }

  let progress: Progress | undefined;
  const replays = await replayDeadLetters(client, selection, {
    limit: options.limit,
    concurrency: options.concurrency,
    onListed: (count) => (progress = progressBar(ctx.io.stderr, !options.json, count, 'replaying')),
    onEach: () => progress?.tick(),
  });
  progress?.stop();
  const failures = replays.failed.map(({ id, error }) => ({
    id,
    error: oneLine(describeFailure(error).message),
  }));

  if (failures.length > 0) ctx.exitCode = EXIT.unexpected;
  const summary = {
    query,
    replayed: replays.replayed.length,
    skipped: replays.skipped.length,
    failed: failures.length,
    limit_reached: replays.limitReached,
    replayed_ids: replays.replayed,
    skipped_ids: replays.skipped,
    failures,
  };
  if (!options.json) {
    for (const { id, error } of failures) ctx.io.stderr.write(`signal-push: ${id}: ${error}\n`);
  }
  ctx.print(options.json, summary, () => {
    const more = summary.limit_reached
      ? ` (stopped at --limit ${options.limit}; run again for the rest)`
      : '';
    return `replayed ${summary.replayed}, skipped ${summary.skipped} (not dead-lettered any more), failed ${summary.failed}${more}\n`;
  });
}

export function registerReplay(program: Command, ctx: CliContext): void {
  withJson(
    program
      .command('replay')
      .description('replay one dead letter, or in bulk those of an endpoint or of a visibility query')
      .argument('[deliveryId]', 'the dead letter to replay (dlv_ep_…_…)', valid.deliveryId)
      .option('--endpoint <id>', 'bulk: every dead letter of this endpoint (ep_…)', valid.endpointId)
      .option(
        '--since <iso>',
        'bulk with --endpoint: only those dead-lettered at or after this time',
        valid.instant,
      )
      .option('--query <query>', 'bulk: dead letters matching this visibility query', valid.visibilityQuery)
      .option('--dry-run', 'bulk: only list what would be replayed')
      .option('--concurrency <n>', 'bulk: replays in flight at once', valid.concurrency, 20)
      .option('--limit <n>', 'bulk: replay at most this many', valid.limit, 1000)
      .addHelpText(
        'after',
        `
Examples:
  signal-push replay dlv_ep_0123456789abcdef_sig_a1b2c3
  signal-push replay --endpoint ep_0123456789abcdef --since 2026-05-18T00:00:00Z --dry-run
  signal-push replay --query "TenantId = 'ten_0123456789abcdef' AND SignalType = 'intent_post'"

A --query is ANDed with WorkflowType = 'deliveryWorkflow' AND DeliveryStatus = 'dead_lettered'.`,
      ),
  ).action(async (deliveryId: string | undefined, options: ReplayOptions) => {
    const modes = [deliveryId, options.endpoint, options.query].filter((mode) => mode !== undefined);
    if (modes.length !== 1) {
      throw new CliError('give exactly one of <deliveryId>, --endpoint or --query', EXIT.usage);
    }
    if (options.since && !options.endpoint) throw new CliError('--since goes with --endpoint', EXIT.usage);
    await (deliveryId ? replaySingle(ctx, deliveryId, options) : replayBulk(ctx, options));
  });
}
