import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { WAIT_PROBLEM, parseWait } from '../../schemas/signal-receipt';
import type { EndpointReceipt, SignalReceipt } from '../../services/signal-receipt';
import { waitForReceipt } from '../../services/signal-receipt';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues, table } from '../format';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { withJson } from './common';

interface ShowOptions extends JsonOption {
  tenant: string;
  wait?: number;
}

function wait(value: string): number {
  const ms = parseWait(value);
  if (ms === undefined) throw new InvalidArgumentError(WAIT_PROBLEM);
  return ms;
}

const showReceipt = (receipt: SignalReceipt): string =>
  keyValues([
    ['signal', receipt.signal_id],
    ['tenant', receipt.tenant_id],
    ['complete', receipt.complete ? 'yes' : 'no'],
    ['delivered', `${receipt.delivered} of ${receipt.deliveries.length}`],
  ]) +
  table<EndpointReceipt>(receipt.deliveries, [
    { header: 'ENDPOINT', value: (d) => d.endpoint_id },
    { header: 'DELIVERY', value: (d) => d.delivery_id },
    { header: 'STATUS', value: (d) => d.status },
    { header: 'FINAL', value: (d) => (d.final ? 'yes' : 'no') },
    { header: 'ATTEMPTS', value: (d) => d.attempt_count, right: true },
    { header: 'LAST HTTP', value: (d) => d.last_attempt?.http_status ?? d.last_attempt?.error_kind },
  ]);

export function registerSignals(program: Command, ctx: CliContext): void {
  const signals = program.command('signals').description('receipts of accepted signals (and other events)');

  withJson(
    signals
      .command('show')
      .description("a signal's receipt: each endpoint it went to, with the delivery's status and attempts")
      .argument('<signalId>', 'signal (event) id', valid.signalId)
      .requiredOption('--tenant <id>', 'the tenant the signal was sent for (ten_…)', valid.tenantId)
      .option(
        '--wait <duration>',
        'answer once every delivery is final, or after this long (e.g. 10s, at most 30s)',
        wait,
      ),
  ).action(async (signalId: string, options: ShowOptions) => {
    const deps = { client: await ctx.client(), store: await ctx.tenantStore() };
    if (!(await deps.store.get(options.tenant))) throw new CliError('tenant not found', EXIT.notFound);
    const receipt = await waitForReceipt(deps, options.tenant, signalId, options.wait ?? 0);
    if (!receipt) throw new CliError('signal not found: no delivery of it', EXIT.notFound);
    ctx.print(options.json, receipt, () => showReceipt(receipt));
  });
}
