import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderingKeyOf } from '../../src/deliveries/ordering-key';
import type { DeliveryInput, DeliveryState } from '../../workflows/delivery-contract';
import { deliveryStateQuery } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { deliverySequencerWorkflow } from '../../workflows/delivery-sequencer';
import { keyQueuedSignal } from '../../workflows/delivery-sequencer-contract';
import { deliveryInput } from '../helpers/delivery-input';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

describe('the ordering key of an event', () => {
  const data = { lead: { id: 'ld_1', score: 7, tags: ['a'] }, email: '' };
  test.each([
    ['lead.id', 'ld_1'],
    ['lead.score', '7'],
    ['lead.tags', undefined],
    ['lead', undefined],
    ['email', undefined],
    ['lead.id.more', undefined],
    ['missing.path', undefined],
  ])('at %s is %s', (path, key) => {
    expect(orderingKeyOf(data, path)).toBe(key);
  });
});

let stack: TimeSkippingStack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startTimeSkipping();
  // The first delivery's receiver fails; the second's answers.
  receiver = await startReceiver((request) => ({ status: request.path.endsWith('/fail') ? 500 : 200 }));
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

function ordered(sequencerId: string, path: string, retryDelaysMs: number[]): DeliveryInput {
  return deliveryInput(
    {
      endpoint: {
        id: 'ep_0123456789abcdef',
        url: `${receiver.url}${path}`,
        method: 'POST',
        headers: {},
        signature: { scheme: 'none', header: 'X-Signature', body_field: null },
        secrets: [],
        timeoutMs: 5_000,
      },
      retryDelaysMs,
      deadLetterQueue: false,
      deadLetterRetentionMs: 0,
      rateLimitPerMinute: null,
    },
    { ordering: { sequencerId } },
  );
}

test('a delivery that ends without releasing its key (terminated) stops holding it at the next check', async () => {
  const sequencerId = `sequencer-ep_0123456789abcdef-${randomBytes(8).toString('hex')}`;
  // The first retries hourly for a day: it holds the key until it is terminated.
  const holder = ordered(sequencerId, '/fail', Array(24).fill(60 * 60 * 1000));
  const next = ordered(sequencerId, '/ok', []);
  const delivered = await stack.withWorker(async () => {
    const { client, taskQueue } = stack;
    for (const delivery of [holder, next]) {
      await client.workflow.start(deliveryWorkflow, {
        workflowId: delivery.deliveryId,
        taskQueue,
        args: [delivery],
      });
      await client.workflow.signalWithStart(deliverySequencerWorkflow, {
        workflowId: sequencerId,
        taskQueue,
        args: [{ endpointId: 'ep_0123456789abcdef', queue: [], current: null, recent: [] }],
        signal: keyQueuedSignal,
        signalArgs: [{ deliveryId: delivery.deliveryId }],
      });
    }
    const waiting = client.workflow.getHandle(next.deliveryId);
    let state: DeliveryState;
    do state = await waiting.query(deliveryStateQuery);
    while (state.status !== 'queued');
    expect(state.waitingFor).toBe(holder.deliveryId);
    await client.workflow.getHandle(holder.deliveryId).terminate('tenant deleted');
    return (await waiting.result()) as DeliveryState;
  });
  expect(delivered.status).toBe('delivered');
  expect(receiver.requests.map((r) => r.path.split('/').pop())).toEqual(['fail', 'ok']);
});
