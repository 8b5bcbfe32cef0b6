import type { Priority } from '@temporalio/common';
import type { HotRule } from '../../workflows/records';
import { eventTypeSpec } from '../events';
import type { AcceptedEvent } from './render-for-endpoint';

/**
 * A delivery's lane: hot ones overtake the cold ones queued before them. A hot lead that waits
 * behind a cold backlog is lost money.
 */
export const LANES = ['hot', 'cold'] as const;
export type Lane = (typeof LANES)[number];

/** The rule an endpoint starts with: PQ Intel's hot signals and Siggnal's high-priority projects. */
export const DEFAULT_HOT_RULE: HotRule = {
  classifications: ['hot'],
  priorities: ['high'],
  min_icp_score: null,
};

/**
 * Temporal's priority keys run from 1 (first) to 5; 3 is what a task without one gets. Cold stays
 * at that default, so hot overtakes it and nothing is ever ranked below the work Temporal itself
 * starts.
 */
const PRIORITY_KEYS: Record<Lane, number> = { hot: 1, cold: 3 };

/** The event's lane at an endpoint: hot when it matches any part of the endpoint's rule. */
export function laneOf(event: AcceptedEvent, rule: HotRule): Lane {
  const attributes = eventTypeSpec(event.type)!.attributes(event.data);
  const listed = (values: string[], value: string | undefined) =>
    value !== undefined && values.includes(value);
  const hot =
    listed(rule.classifications, attributes.classification) ||
    listed(rule.priorities, attributes.priority) ||
    (rule.min_icp_score !== null && attributes.score !== undefined && attributes.score >= rule.min_icp_score);
  return hot ? 'hot' : 'cold';
}

/**
 * The Temporal priority a delivery's workflow runs under, which its activities inherit: the lane
 * orders tasks within the task queue, and the tenant is the fairness key, so one tenant's burst is
 * dispatched in turn with the other tenants' work instead of ahead of it.
 */
export const deliveryPriority = (lane: Lane, tenantId: string): Priority => ({
  priorityKey: PRIORITY_KEYS[lane],
  fairnessKey: tenantId,
});
