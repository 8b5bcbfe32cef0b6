import { proxyLocalActivities } from '@temporalio/workflow';
import type * as floorActivities from './floor-activities';

const { noop } = proxyLocalActivities<typeof floorActivities>({ startToCloseTimeout: '10s' });

/** The least a delivery can be on Temporal: a start, one local activity, done in one workflow task. */
export async function floorWorkflow(): Promise<void> {
  await noop();
}
