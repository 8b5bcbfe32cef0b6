import type { EndpointRecord } from '../../workflows/contract';
import type { Signal } from '../schemas/signal';

/** An endpoint takes a signal when it is enabled and every filter it sets admits it. */
export function endpointTakesSignal(endpoint: EndpointRecord, signal: Signal): boolean {
  const { filters } = endpoint;
  const admits = (allowed: string[], value: string) => allowed.length === 0 || allowed.includes(value);
  return (
    endpoint.enabled &&
    admits(filters.signal_types, signal.signal_type) &&
    admits(filters.classifications, signal.classification) &&
    admits(filters.icp_profile_names, signal.icp_profile_name) &&
    (filters.min_icp_score === null || signal.icp_score >= filters.min_icp_score)
  );
}
