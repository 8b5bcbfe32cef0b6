import { describe, expect, test } from 'vitest';
import { DEFAULT_HOT_RULE, deliveryPriority, laneOf } from '../../src/deliveries/delivery-lane';
import type { AcceptedEvent } from '../../src/deliveries/render-for-endpoint';
import { eventTypeSpec } from '../../src/events';
import type { EventType } from '../../src/events';

const event = (type: EventType, overrides: Record<string, unknown>): AcceptedEvent => ({
  id: 'sig_1',
  type,
  occurredAt: '2026-05-18T14:30:00.000Z',
  data: { ...eventTypeSpec(type)!.sample(), ...overrides },
});
const signal = (classification: string, icp_score = 50) =>
  event('buying_signal', { classification, icp_score });
const project = (priority: string) => event('project_signal', { priority });

describe('the lane of an event at an endpoint', () => {
  test.each([
    ['a hot PQ Intel signal', signal('hot'), 'hot'],
    ['a warm one', signal('warm'), 'cold'],
    ['a cold one', signal('cold'), 'cold'],
    ['a high-priority Siggnal project', project('high'), 'hot'],
    ['a medium-priority one', project('medium'), 'cold'],
  ])('under the default rule, %s goes %s', (_, e, lane) => {
    expect(laneOf(e, DEFAULT_HOT_RULE)).toBe(lane);
  });

  test('an endpoint that counts warm signals as hot gets them in its hot lane', () => {
    const rule = { ...DEFAULT_HOT_RULE, classifications: ['hot', 'warm'] };
    expect(laneOf(signal('warm'), rule)).toBe('hot');
    expect(laneOf(signal('cold'), rule)).toBe('cold');
  });

  test('a score rule makes any signal at or above it hot, whatever its classification', () => {
    const rule = { classifications: [], priorities: [], min_icp_score: 80 };
    expect(laneOf(signal('cold', 80), rule)).toBe('hot');
    expect(laneOf(signal('hot', 79), rule)).toBe('cold');
  });

  test('an empty rule sends everything cold, and an event without the attribute is cold', () => {
    const none = { classifications: [], priorities: [], min_icp_score: null };
    expect(laneOf(signal('hot'), none)).toBe('cold');
    expect(laneOf(event('prospect.added', {}), DEFAULT_HOT_RULE)).toBe('cold');
  });
});

test('hot runs at Temporal priority 1, cold at the default 3, each under its tenant as fairness key', () => {
  expect(deliveryPriority('hot', 'ten_a')).toEqual({ priorityKey: 1, fairnessKey: 'ten_a' });
  expect(deliveryPriority('cold', 'ten_b')).toEqual({ priorityKey: 3, fairnessKey: 'ten_b' });
});
