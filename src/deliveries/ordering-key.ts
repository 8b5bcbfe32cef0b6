import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { deliverySequencerWorkflow } from '../../workflows/delivery-sequencer';
import { keyQueuedSignal } from '../../workflows/delivery-sequencer-contract';
import { deliverySequencerWorkflowId } from '../../workflows/ids';
import { searchAttributes } from '../../workflows/search-attribute-keys';

/**
 * The value at an endpoint's ordering key (a dotted path into the event's data, such as
 * `lead.id`), as text; undefined when the event has none there, or something other than a string
 * or a number: such an event is delivered without waiting for any other.
 */
export function orderingKeyOf(data: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The key's sequencer at this endpoint; the key is hashed, as it may be an email address. */
export const sequencerIdOf = (endpointId: string, key: string): string =>
  deliverySequencerWorkflowId(endpointId, createHash('sha256').update(key).digest('hex').slice(0, 32));

/**
 * Queues a started delivery behind the earlier ones with its key, starting the key's sequencer if
 * it is not running. Queuing the same delivery again (a repeated intake) changes nothing. The
 * sequencer carries its tenant and endpoint as search attributes, so deleting the tenant ends it
 * with the tenant's other workflows (src/services/tenant-deletion.ts).
 */
export async function queueInOrder(
  client: Client,
  taskQueue: string,
  sequencerId: string,
  { tenantId, endpointId, deliveryId }: { tenantId: string; endpointId: string; deliveryId: string },
): Promise<void> {
  await client.workflow.signalWithStart(deliverySequencerWorkflow, {
    workflowId: sequencerId,
    taskQueue,
    typedSearchAttributes: [
      { key: searchAttributes.tenantId, value: tenantId },
      { key: searchAttributes.endpointId, value: endpointId },
    ],
    args: [{ endpointId, queue: [], current: null, recent: [] }],
    signal: keyQueuedSignal,
    signalArgs: [{ deliveryId }],
  });
}
