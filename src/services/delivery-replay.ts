import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import { replaySignal } from '../../workflows/delivery-contract';
import type { StartPosition } from '../temporal/visibility-query';
import { getDelivery, listDeadLetters } from './delivery-log';
import { listDeadLetterPage } from './delivery-pages';
import type { DeadLetterSelection } from './delivery-log';

export type ReplayOutcome = 'replayed' | 'not_found' | 'not_dead_lettered';

/**
 * Asks a dead letter for a fresh round of attempts: only dead letters (its current state decides,
 * not visibility's), and with `tenantId` only that tenant's.
 */
export async function replayDelivery(
  client: Client,
  deliveryId: string,
  tenantId?: string,
): Promise<ReplayOutcome> {
  const delivery = await getDelivery(client, deliveryId, tenantId);
  if (!delivery) return 'not_found';
  if (delivery.status !== 'dead_lettered') return 'not_dead_lettered';
  await client.workflow.getHandle(deliveryId).signal(replaySignal);
  return 'replayed';
}

export interface BulkReplay {
  /** The limit cut the listing short: there may be more to replay. */
  limitReached: boolean;
  replayed: string[];
  /** Not dead-lettered any more (replayed meanwhile, or expired). */
  skipped: string[];
  failed: Array<{ id: string; error: unknown }>;
}

/**
 * What one replay of an endpoint's dead letters takes, from the API or the portal: at most 500 per
 * call (call again for the rest), 20 signalled at once.
 */
export const ENDPOINT_REPLAY_BOUNDS = { limit: 500, concurrency: 20 } as const;

export interface BulkReplayOptions {
  limit: number;
  /** Replays in flight at once. */
  concurrency: number;
  /** Hears how many were found, before the first replay. */
  onListed?: (count: number) => void;
  /** Hears of every replay as it ends, however it ended. */
  onEach?: () => void;
}

/**
 * Replays the dead letters `selection` picks (with its `tenantId`, only that tenant's), for the API
 * and the CLI alike. All are listed before the first replay, so replays changing their status cannot
 * shift the pages; visibility lags, so each one's current state decides whether it is replayed.
 */
export async function replayDeadLetters(
  client: Client,
  selection: DeadLetterSelection,
  { limit, concurrency, onListed, onEach }: BulkReplayOptions,
): Promise<BulkReplay> {
  const found = await listDeadLetters(client, selection, limit);
  onListed?.(found.length);
  const result = await replayEach(client, found, selection.tenantId, concurrency, onEach);
  return { ...result, limitReached: found.length >= limit };
}

/**
 * One page of the dead letters `selection` picks, replayed, and where the next page starts (null:
 * none left): for a caller that shows progress page by page (the portal). Pages go by start time,
 * so a page never lists again what an earlier one replayed, however late visibility catches up.
 */
export async function replayDeadLetterPage(
  client: Client,
  selection: Omit<DeadLetterSelection, 'query'>,
  { limit, concurrency, after }: { limit: number; concurrency: number; after?: StartPosition | undefined },
): Promise<BulkReplay & { next: StartPosition | null }> {
  const page = await listDeadLetterPage(client, selection, limit, after);
  const result = await replayEach(client, page.deliveries, selection.tenantId, concurrency);
  return { ...result, limitReached: page.next !== null, next: page.next };
}

async function replayEach(
  client: Client,
  found: ReadonlyArray<{ id: string }>,
  tenantId: string | undefined,
  concurrency: number,
  onEach?: () => void,
): Promise<Omit<BulkReplay, 'limitReached'>> {
  const result: Omit<BulkReplay, 'limitReached'> = { replayed: [], skipped: [], failed: [] };
  const slot = pLimit(concurrency);
  await Promise.all(
    found.map(({ id }) =>
      slot(async () => {
        try {
          const outcome = await replayDelivery(client, id, tenantId);
          (outcome === 'replayed' ? result.replayed : result.skipped).push(id);
        } catch (error) {
          result.failed.push({ id, error });
        } finally {
          onEach?.();
        }
      }),
    ),
  );
  return result;
}
