import type { Command } from 'commander';
import { listDeliveries, replayDelivery, replayEach } from '../../services/delivery-log';
import { deliveryQuery } from '../../temporal/visibility-query';
import type { CliContext } from '../context';
import { CliError, EXIT, describeFailure, oneLine } from '../errors';
import { table } from '../format';
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
  const filter = options.endpoint
    ? { endpointId: options.endpoint, status: 'dead_lettered' as const, deadLetteredSince: options.since }
    : { status: 'dead_lettered' as const };
  const query = deliveryQuery(filter, options.query);
  const client = await ctx.client();
  // Listed in full before any signal, so replays changing their status cannot shift the pages.
  const deadLetters = await listDeliveries(client, filter, options.limit, options.query);
  const limitReached = deadLetters.length >= options.limit;
  if (options.dryRun) {
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

  const progress = progressBar(ctx.io.stderr, !options.json, deadLetters.length, 'replaying');
  // Visibility lags: each one's current state decides, and a replayed or expired one is skipped.
  const replays = await replayEach(
    client,
    deadLetters.map(({ id }) => id),
    { concurrency: options.concurrency, onEach: () => progress.tick() },
  );
  progress.stop();
  const tally = {
    ...replays,
    failed: replays.failed.map(({ id, error }) => ({ id, error: oneLine(describeFailure(error).message) })),
  };

  if (tally.failed.length > 0) ctx.exitCode = EXIT.unexpected;
  const summary = {
    query,
    replayed: tally.replayed.length,
    skipped: tally.skipped.length,
    failed: tally.failed.length,
    limit_reached: limitReached,
    replayed_ids: tally.replayed,
    skipped_ids: tally.skipped,
    failures: tally.failed,
  };
  if (!options.json) {
    for (const { id, error } of tally.failed) ctx.io.stderr.write(`signal-push: ${id}: ${error}\n`);
  }
  ctx.print(options.json, summary, () => {
    const more = limitReached ? ` (stopped at --limit ${options.limit}; run again for the rest)` : '';
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
        valid.since,
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
