import type { EndpointRecord } from '../../workflows/records';
import { eventTypeSpec, matchesEventType } from '../events';
import type { AcceptedEvent } from './render-for-endpoint';

/**
 * An endpoint takes an event when it is enabled, subscribes to its type, and every filter it sets
 * admits it. A filter on an attribute the event does not carry (a project, for a PQ Intel signal)
 * does not admit it.
 */
export function endpointTakesEvent(endpoint: EndpointRecord, event: AcceptedEvent): boolean {
  if (!endpoint.enabled) return false;
  if (!endpoint.event_types.some((pattern) => matchesEventType(pattern, event.type))) return false;
  const attributes = eventTypeSpec(event.type)!.attributes(event.data);
  const { filters } = endpoint;
  const admits = (allowed: string[], value: string | undefined) =>
    allowed.length === 0 || (value !== undefined && allowed.includes(value));
  return (
    admits(filters.signal_types, attributes.signal_type) &&
    admits(filters.classifications, attributes.classification) &&
    admits(filters.icp_profile_names, attributes.icp_profile_name) &&
    admits(filters.projects, attributes.project) &&
    admits(filters.priorities, attributes.priority) &&
    (filters.min_icp_score === null ||
      (attributes.score !== undefined && attributes.score >= filters.min_icp_score))
  );
}
