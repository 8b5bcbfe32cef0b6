import type { Command } from 'commander';
import * as valid from '../validate';
import type { DeliverySummary } from '../../services/delivery-log';
import type { DeliveryPage } from '../../services/delivery-pages';
import { startPosition } from '../../services/delivery-pages';
import type { StartPosition } from '../../temporal/visibility-query';
import { decodeCursor, encodeCursor } from '../cursor';
import type { Column } from '../format';

export interface JsonOption {
  json?: boolean;
}

/** Every command offers machine-readable output. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout instead of a table');
}

export const deliveryColumns: ReadonlyArray<Column<DeliverySummary>> = [
  { header: 'ID', value: (d) => d.id },
  { header: 'TENANT', value: (d) => d.tenant_id },
  { header: 'EVENT TYPE', value: (d) => d.event_type ?? d.signal_type },
  { header: 'KIND', value: (d) => d.kind },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'ATTEMPTS', value: (d) => d.attempt_count, right: true },
  { header: 'CREATED', value: (d) => d.created_at },
];

export const deadLetterColumns: ReadonlyArray<Column<DeliverySummary>> = [
  { header: 'ID', value: (d) => d.id },
  { header: 'TENANT', value: (d) => d.tenant_id },
  { header: 'ATTEMPTS', value: (d) => d.attempt_count, right: true },
  { header: 'DEAD-LETTERED AT', value: (d) => d.dead_lettered_at },
];

/** A delivery listing's `--cursor`: where its last page stopped, for this listing's filters only. */
export function startPages(scope: unknown) {
  return {
    after: (cursor: string | undefined): StartPosition | undefined =>
      cursor === undefined ? undefined : decodeCursor(scope, cursor, startPosition),
    next: (page: DeliveryPage): string | null => page.next && encodeCursor(scope, page.next),
  };
}

/** A listing's page and range options, as the API's `limit`, `cursor`, `since` and `until`. */
export function withPageOptions(command: Command, which: string, maxLimit: number): Command {
  return command
    .option('--since <iso>', `only ${which} at or after this time`, valid.instant)
    .option('--until <iso>', `only ${which} before this time`, valid.instant)
    .option('--limit <n>', `at most this many (1-${maxLimit})`, valid.limit, 100)
    .option('--cursor <cursor>', 'the page after the one that printed this cursor', valid.cursor);
}

export interface PageOptions {
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}
