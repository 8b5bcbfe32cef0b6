import type { EndpointRecord, TenantRecord } from '../../workflows/records';
import { baseDefaults } from '../endpoints/presets';
import { DEFAULT_TENANT_PLAN } from '../schemas/tenant';

/**
 * Tenants and endpoints saved before presets and plans existed lack their fields: they read as
 * they behaved then (PQ Intel's default plan; a flat, hex-signed body to every event type).
 */
export function tenantWithDefaults(tenant: Partial<TenantRecord>): TenantRecord {
  return { plan: DEFAULT_TENANT_PLAN, callback_secret: null, ...tenant } as TenantRecord;
}

export function endpointWithDefaults(endpoint: Partial<EndpointRecord>): EndpointRecord {
  const defaults = baseDefaults('X-PQ-Signature');
  return {
    preset: null,
    description: '',
    previous_secret: null,
    headers: {},
    method: defaults.method,
    event_types: defaults.event_types,
    envelope: defaults.envelope,
    payload_format: defaults.payload_format,
    signature: defaults.signature,
    pause_threshold: defaults.pause_threshold,
    rate_limit_per_minute: null,
    https_only: false,
    trace_context: false,
    auto_resume: false,
    hot_when: defaults.hot_when,
    ordering_key: null,
    ...endpoint,
    filters: { ...defaults.filters, ...endpoint.filters },
  } as EndpointRecord;
}
