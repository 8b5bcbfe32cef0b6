import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listDeliveries } from '../../src/services/delivery-log';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

// Against the real visibility store: the escaping the builder does is what Temporal's query parser
// reads back, and a value written to break out of its literal matches nothing instead of more.
let stack: Stack;
const run = randomBytes(4).toString('hex');
const hostile = `sig_${run}' OR WorkflowType = 'deliveryWorkflow`;
const tricky = `sig_${run}_it's l'été`;

beforeAll(async () => {
  stack = await startStack();
  // Deliveries nobody runs (no worker polls this queue), named by the values under test.
  for (const signalId of [tricky, `sig_${run}_plain`]) {
    await stack.service.client.workflow.start('deliveryWorkflow', {
      workflowId: `visibility-${randomBytes(6).toString('hex')}`,
      taskQueue: `nobody-${run}`,
      args: [],
      typedSearchAttributes: [{ key: searchAttributes.signalId, value: signalId }],
    });
  }
});
afterAll(async () => {
  const client = stack?.service.client;
  if (client) {
    for await (const info of client.workflow.list({ query: `TaskQueue = 'nobody-${run}'` })) {
      await client.workflow.getHandle(info.workflowId).terminate('test over');
    }
  }
  await stack?.stop();
});

test('a value with quotes and accents finds exactly its own delivery', async () => {
  const client = stack.service.client;
  const found = await eventually(async () => {
    const listed = await listDeliveries(client, { signalId: tricky }, 10);
    return listed.length > 0 && listed;
  });
  expect(found.map((d) => d.signal_id)).toEqual([tricky]);
});

test('a value written to widen the query matches nothing', async () => {
  const client = stack.service.client;
  // Both deliveries are visible by now (the test above waited for one; wait for the other too).
  await eventually(
    async () => (await listDeliveries(client, { signalId: `sig_${run}_plain` }, 10)).length > 0,
  );
  expect(await listDeliveries(client, { signalId: hostile }, 10)).toEqual([]);
});
